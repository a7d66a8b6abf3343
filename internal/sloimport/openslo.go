package sloimport

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// CheckOpenSLO is the check name of OpenSLO import problems.
const CheckOpenSLO = "import/openslo"

// OpenSLO converts the SLO documents of an OpenSLO file (openslo/v1 SLOs
// with an inline indicator or an indicatorRef to an SLI document of the
// file, and openslo/v1alpha SLOs) into SLOs: one per objective.
func OpenSLO(file string, data []byte, opts Options) ([]SLO, diag.List) {
	if opts.Window == "" {
		opts.Window = "30d"
	}
	docs, err := documents(file, data)
	var diags diag.List
	if err != nil {
		diags.Add(diag.Pos{File: file, Line: 1, Col: 1}, CheckOpenSLO, "not YAML: %v", err)
		return nil, diags
	}
	bad := func(n node, format string, args ...any) { diags.Add(n.pos(), CheckOpenSLO, format, args...) }
	slis := map[string]node{}
	var slos []node
	for _, d := range docs {
		api, kind := d.get("apiVersion").str(), d.get("kind").str()
		if api != "openslo/v1" && api != "openslo/v1alpha" {
			bad(d.get("apiVersion"), "apiVersion %q: openslo/v1 or openslo/v1alpha", api)
			continue
		}
		switch kind {
		case "SLI":
			slis[d.get("metadata").get("name").str()] = d
		case "SLO":
			slos = append(slos, d)
		case "DataSource", "Service", "AlertPolicy", "AlertCondition", "AlertNotificationTarget":
			// Nothing to convert: dataopsgen's data source is its Prometheus,
			// its alerting the SLO tiers and the spec's receivers.
		default:
			bad(d.get("kind"), "kind %q is not an OpenSLO kind", kind)
		}
	}
	var out []SLO
	for _, d := range slos {
		got, dd := openSLO(d, slis, opts)
		diags.Append(dd...)
		out = append(out, got...)
	}
	for i, o := range out {
		if slices.ContainsFunc(out[:i], func(p SLO) bool { return p.Name == o.Name }) {
			diags.Add(diag.Pos{File: file, Line: 1, Col: 1}, CheckOpenSLO, "two SLOs are named %s", o.Name)
		}
	}
	if len(slos) == 0 && diags == nil {
		diags.Add(diag.Pos{File: file, Line: 1, Col: 1}, CheckOpenSLO, "no SLO document")
	}
	if diags != nil {
		return nil, diags.Sorted()
	}
	return out, nil
}

// openSLODuration is OpenSLO's duration shorthand (no month, quarter or
// year: their length varies).
var openSLODuration = regexp.MustCompile(`^([0-9]+)([mhdw])$`)

func openSLO(d node, slis map[string]node, opts Options) ([]SLO, diag.List) {
	var diags diag.List
	bad := func(n node, format string, args ...any) { diags.Add(n.pos(), CheckOpenSLO, format, args...) }
	spec := d.get("spec")
	meta := d.get("metadata")
	base := SLO{Workload: opts.Workload, Description: spec.get("description").str(), Window: opts.Window}
	if base.Description == "" {
		base.Description = meta.get("displayName").str()
	}
	alpha := d.get("apiVersion").str() == "openslo/v1alpha"
	// The window.
	if tws := spec.get("timeWindow").items(); len(tws) > 0 || spec.get("timeWindows").ok() {
		if alpha {
			tws = spec.get("timeWindows").items()
		}
		if len(tws) != 1 {
			bad(spec.get("timeWindow"), "exactly one time window")
		} else {
			tw := tws[0]
			rolling := !tw.get("calendar").ok()
			if r := tw.get("isRolling"); r.ok() {
				rolling = r.boolean()
			}
			if !rolling {
				bad(tw, "a calendar-aligned window cannot be converted: dataopsgen's compliance windows roll")
			}
			dur := tw.get("duration").str()
			if alpha {
				dur = tw.get("count").str() + map[string]string{"Day": "d", "day": "d", "Week": "w", "Hour": "h"}[tw.get("unit").str()]
			}
			if m := openSLODuration.FindStringSubmatch(dur); m == nil {
				bad(tw, "window %q: a rolling window in minutes, hours, days or weeks (months, quarters and years vary in length)", dur)
			} else {
				base.Window = dur
			}
		}
	}
	if m := spec.get("budgetingMethod"); m.ok() && m.str() != "Occurrences" {
		bad(m, "budgeting method %s cannot be converted: dataopsgen budgets occurrences (bad events over all events)", m.str())
	}
	if a := spec.get("alertPolicies"); a.ok() {
		base.Notes = append(base.Notes, "OpenSLO alert policies are not converted: the page and ticket tiers below are dataopsgen's multi-window burn-rate defaults.")
	}
	// The indicator.
	ind := spec.get("indicator")
	if ref := spec.get("indicatorRef"); ref.ok() {
		sli, ok := slis[ref.str()]
		if !ok {
			bad(ref, "no SLI document named %q in the file", ref.str())
			return nil, diags
		}
		ind = sli
	}
	objectives := spec.get("objectives").items()
	if alpha {
		// v1alpha: ratioMetrics on each objective (as Sloth reads them).
		var out []SLO
		for i, obj := range objectives {
			o := base
			o.Name = name(spec.get("service").str(), meta.get("name").str())
			if len(objectives) > 1 {
				o.Name = name(spec.get("service").str(), meta.get("name").str(), strconv.Itoa(i))
			}
			o.Objective = target(obj, &diags)
			rm := obj.get("ratioMetrics")
			if !rm.ok() {
				bad(obj, "only ratioMetrics objectives convert")
				continue
			}
			o.Good, o.Total = query(rm.get("good"), "query", &diags), query(rm.get("total"), "query", &diags)
			out = append(out, o)
		}
		return out, diags
	}
	rm := ind.get("spec").get("ratioMetric")
	switch {
	case !ind.ok():
		bad(spec, "no indicator or indicatorRef")
		return nil, diags
	case ind.get("spec").get("thresholdMetric").ok():
		bad(ind.get("spec").get("thresholdMetric"), "a threshold metric cannot be converted: dataopsgen's SLIs count good and bad events (for latency, a histogram bucket: sli.latency)")
		return nil, diags
	case !rm.ok():
		bad(ind, "no ratioMetric")
		return nil, diags
	}
	if c := rm.get("counter"); !c.boolean() {
		v := c.str()
		if !c.ok() {
			v = "missing"
		}
		bad(rm, "counter: %s: only counters convert (a gauge's ratio per sample is not an occurrence budget); a 0/1 gauge is a boolGauge SLI", v)
	}
	if rm.get("raw").ok() {
		bad(rm.get("raw"), "a raw ratio cannot be converted: dataopsgen counts events itself; give good or bad, and total")
	}
	var good, badq, total string
	if g := rm.get("good"); g.ok() {
		good = metricQuery(g, &diags)
	}
	if b := rm.get("bad"); b.ok() {
		badq = metricQuery(b, &diags)
	}
	total = metricQuery(rm.get("total"), &diags)
	if len(objectives) == 0 {
		bad(spec, "no objectives")
	}
	var out []SLO
	for i, obj := range objectives {
		o := base
		o.Name = name(meta.get("name").str())
		if len(objectives) > 1 {
			suffix := obj.get("displayName").str()
			if suffix == "" {
				suffix = strconv.Itoa(i)
			}
			o.Name = name(meta.get("name").str(), suffix)
		}
		if obj.get("indicator").ok() || obj.get("indicatorRef").ok() {
			bad(obj, "a composite SLO cannot be converted: one SLO per indicator")
		}
		o.Objective = target(obj, &diags)
		o.Good, o.Errors, o.Total = good, badq, total
		out = append(out, o)
	}
	return out, diags
}

// target is an objective's target as a percentage, in CUE.
func target(obj node, diags *diag.List) string {
	if p := obj.get("targetPercent"); p.ok() {
		if f, err := p.float(); err != nil || f <= 0 || f >= 100 {
			diags.Add(p.pos(), CheckOpenSLO, "targetPercent %q: in (0, 100)", p.str())
		}
		return p.str()
	}
	t := obj.get("target")
	if !t.ok() {
		t = obj.get("budgetTarget") // v1alpha
	}
	f, err := t.float()
	if err != nil || f <= 0 || f >= 1 {
		diags.Add(t.pos(), CheckOpenSLO, "target %q: a ratio in (0, 1)", t.str())
		return "0"
	}
	return percent(t.str())
}

// percent is 100 × a decimal ratio, in decimal ("0.999" -> "99.9").
func percent(ratio string) string {
	whole, frac, _ := strings.Cut(ratio, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	s := strings.TrimLeft(whole+frac[:2], "0")
	if s == "" {
		s = "0"
	}
	if rest := strings.TrimRight(frac[2:], "0"); rest != "" {
		s += "." + rest
	}
	return s
}

// metricQuery is a ratioMetric good/bad/total: a Prometheus metric source's
// query of a counter.
func metricQuery(n node, diags *diag.List) string {
	src := n.get("metricSource")
	if !src.ok() {
		diags.Add(n.pos(), CheckOpenSLO, "no metricSource")
		return ""
	}
	if t := src.get("type").str(); t != "" && !strings.EqualFold(t, "prometheus") {
		diags.Add(src.get("type").pos(), CheckOpenSLO, "metric source type %s: only Prometheus queries convert", t)
		return ""
	}
	return query(src.get("spec"), "query", diags)
}

func query(n node, key string, diags *diag.List) string {
	q := n.get(key)
	if q.str() == "" && n.get("source").ok() { // v1alpha: {source, queryType, query}
		q = n.get("query")
	}
	if q.str() == "" {
		diags.Add(n.pos(), CheckOpenSLO, "no %s", key)
		return ""
	}
	read := openSLOCounter
	if strings.Contains(q.str(), windowVar) {
		read = slothCounter // a v1alpha query written for Sloth
	}
	sel, err := read(q.str())
	if err != nil {
		diags.Add(q.pos(), CheckOpenSLO, "%v", err)
		return ""
	}
	return sel
}
