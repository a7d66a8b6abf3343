package sloimport

import (
	"fmt"
	"slices"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// Options of an import.
type Options struct {
	// Workload, when set, is the workload the SLOs are about: their
	// selectors then get its namespace and workload labels.
	Workload string
	// Window is the compliance window (Sloth's --default-slo-period; an
	// OpenSLO document without timeWindow).
	Window string
}

// CheckSloth is the check name of Sloth import problems.
const CheckSloth = "import/sloth"

// Sloth converts a Sloth prometheus/v1 spec file (one or more YAML
// documents) into SLOs. Sloth's default window is 30 days.
func Sloth(file string, data []byte, opts Options) ([]SLO, diag.List) {
	if opts.Window == "" {
		opts.Window = "30d"
	}
	docs, err := documents(file, data)
	var diags diag.List
	if err != nil {
		diags.Add(diag.Pos{File: file, Line: 1, Col: 1}, CheckSloth, "not YAML: %v", err)
		return nil, diags
	}
	bad := func(n node, format string, args ...any) { diags.Add(n.pos(), CheckSloth, format, args...) }
	var out []SLO
	for _, doc := range docs {
		if v := doc.get("version").str(); v != "prometheus/v1" {
			bad(doc, "version %q: only Sloth's prometheus/v1 specs convert (a Kubernetes PrometheusServiceLevel: take its spec)", v)
			continue
		}
		service := doc.get("service").str()
		if service == "" {
			bad(doc, "no service")
		}
		if p := doc.get("slo_plugins"); p.ok() {
			bad(p, "SLO plugins cannot be converted: dataopsgen generates every rule itself")
		}
		common := doc.get("labels").stringMap()
		for _, s := range doc.get("slos").items() {
			o, d := slothSLO(s, service, common, opts)
			diags.Append(d...)
			if d == nil {
				out = append(out, o)
			}
		}
	}
	for i, o := range out {
		if slices.ContainsFunc(out[:i], func(p SLO) bool { return p.Name == o.Name }) {
			diags.Add(diag.Pos{File: file, Line: 1, Col: 1}, CheckSloth, "two SLOs are named %s", o.Name)
		}
	}
	if diags != nil {
		return nil, diags.Sorted()
	}
	return out, nil
}

func slothSLO(s node, service string, common map[string]string, opts Options) (SLO, diag.List) {
	var diags diag.List
	bad := func(n node, format string, args ...any) { diags.Add(n.pos(), CheckSloth, format, args...) }
	o := SLO{
		Name:        name(service, s.get("name").str()),
		Workload:    opts.Workload,
		Description: s.get("description").str(),
		Window:      opts.Window,
		Labels:      map[string]string{},
	}
	if s.get("name").str() == "" {
		bad(s, "an SLO without name")
	}
	obj := s.get("objective")
	if f, err := obj.float(); err != nil || f <= 0 || f >= 100 {
		bad(obj, "objective %q: a percentage in (0, 100) (dataopsgen refuses 100: no error budget to burn)", obj.str())
	}
	o.Objective = obj.str()
	for k, v := range common {
		o.Labels[k] = v
	}
	for k, v := range s.get("labels").stringMap() {
		o.Labels[k] = v
	}
	if p := s.get("plugins"); p.ok() {
		bad(p, "SLO plugins cannot be converted: dataopsgen generates every rule itself")
	}
	sli := s.get("sli")
	switch {
	case sli.get("events").ok():
		ev := sli.get("events")
		for _, f := range []struct {
			key string
			dst *string
		}{{"error_query", &o.Errors}, {"total_query", &o.Total}} {
			q := ev.get(f.key)
			sel, err := slothCounter(q.str())
			if err != nil {
				bad(q, "sli.events.%s: %v", f.key, err)
				continue
			}
			*f.dst = sel
		}
	case sli.get("raw").ok():
		bad(sli.get("raw"), "a raw error-ratio SLI cannot be converted: dataopsgen counts events itself (and a ratio of ratios over a window is not the window's ratio); "+
			"write the bad and total event counters as sli.events")
	case sli.get("plugin").ok():
		bad(sli.get("plugin"), "SLI plugin %q cannot be converted: write the SLI's bad and total event counters as sli.events", sli.get("plugin").get("id").str())
	default:
		bad(s, "no sli")
	}
	al := s.get("alerting")
	if n := al.get("name").str(); n != "" {
		o.Notes = append(o.Notes, fmt.Sprintf("Sloth named the alerts %s; dataopsgen's are SLOErrorBudgetBurnPage and SLOErrorBudgetBurnTicket, labelled slo=%q.", n, o.Name))
	}
	alertLabels := al.get("labels").stringMap()
	alertAnn := al.get("annotations").stringMap()
	for _, t := range []struct {
		key string
		dst *Tier
	}{{"page_alert", &o.Page}, {"ticket_alert", &o.Ticket}} {
		n := al.get(t.key)
		t.dst.Disabled = n.get("disable").boolean()
		t.dst.Labels = merge(alertLabels, n.get("labels").stringMap())
		t.dst.Annotations = merge(alertAnn, n.get("annotations").stringMap())
		if sev, ok := t.dst.Labels["severity"]; ok {
			t.dst.Severity = sev
			delete(t.dst.Labels, "severity")
		}
		for _, k := range []string{"slo", "slo_tier", "long", "short", "team", "namespace", "workload"} {
			if _, ok := t.dst.Labels[k]; ok {
				bad(n.get("labels"), "label %s is one dataopsgen sets on SLO alerts", k)
			}
		}
	}
	for _, k := range []string{"slo", "slo_tier", "long", "short", "severity", "team", "namespace", "workload"} {
		if _, ok := o.Labels[k]; ok {
			bad(s, "label %s is one dataopsgen sets on SLO alerts", k)
		}
	}
	if len(o.Labels) == 0 {
		o.Labels = nil
	}
	return o, diags
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
