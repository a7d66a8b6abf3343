package render

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	amcommoncfg "github.com/prometheus/alertmanager/config/common"
	"github.com/prometheus/common/model"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/alertroute"
	dmodel "github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/slo"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// alert is one alerting rule of a PrometheusRule: its name and the labels
// its alerts carry whatever the series (the rule's labels).
type alert struct {
	Rule   string // PrometheusRule name
	Labels map[string]string
}

func (a alert) String() string { return fmt.Sprintf("%s %v", a.Rule, a.Labels) }

// alerts returns the alerting rules of PrometheusRule objects, each with
// alertname among its labels.
func alerts(t *testing.T, objs []*harness.Object) []alert {
	t.Helper()
	var out []alert
	for _, o := range objs {
		var spec struct {
			Groups []struct {
				Rules []struct {
					Alert  string            `json:"alert"`
					Labels map[string]string `json:"labels"`
				} `json:"rules"`
			} `json:"groups"`
		}
		if err := remarshal(o.Object["spec"], &spec); err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		for _, g := range spec.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				ls := maps.Clone(r.Labels)
				if ls == nil {
					ls = map[string]string{}
				}
				ls["alertname"] = r.Alert
				out = append(out, alert{Rule: o.GetName(), Labels: ls})
			}
		}
	}
	return out
}

// intendedReceivers is where the spec says an alert goes, as the schema
// documents alerting.routes: tried in order, the first match wins unless
// it has continue; alerting.route.receiver when none matches.
func intendedReceivers(s *dmodel.Spec, ls map[string]string) []string {
	var out []string
	for _, r := range s.Alerting.Routes {
		match := true
		for k, v := range r.Match {
			if ls[k] != v {
				match = false
			}
		}
		if !match {
			continue
		}
		out = append(out, r.Receiver)
		if !r.Continue {
			break
		}
	}
	if len(out) == 0 {
		out = []string{s.Alerting.Route.Receiver}
	}
	return out
}

// renderedAlertmanagerConfig returns the Alertmanager config the chart
// renders for the Alertmanager CR: the Secret the operator reads
// (spec.configSecret, by default alertmanager-<name>: prometheus-operator
// pkg/apis/monitoring/v1/alertmanager_types.go, ConfigSecret), key
// alertmanager.yaml.
func renderedAlertmanagerConfig(t *testing.T, d *deployment) (*harness.Object, *alertroute.Router) {
	t.Helper()
	kps := d.Release(t, "kube-prometheus-stack")
	am, err := kps.Rendered.One("Alertmanager")
	if err != nil {
		t.Fatal(err)
	}
	secret := str(am.Object, "spec", "configSecret")
	if secret == "" {
		secret = "alertmanager-" + am.GetName()
	}
	text, err := dataOf(kps.Rendered.Objects, "Secret", am.GetNamespace(), secret, "alertmanager.yaml")
	if err != nil {
		t.Fatalf("the config of %s: %v", am, err)
	}
	router, err := alertroute.Load(text)
	if err != nil {
		t.Fatalf("Alertmanager rejects the config the chart renders (Secret %s): %v\n%s", secret, err, text)
	}
	return am, router
}

// checkAlertmanager: the config the chart renders (our values merged with
// the chart's defaults) keeps the chart's inhibit rules, routes every
// generated alert to the receivers the spec intends, silences none of them
// on its own, silences the chart's info alerts while InfoInhibitor fires,
// and reads every credential from a Secret the Alertmanager CR mounts.
func checkAlertmanager(t *testing.T, d *deployment) {
	am, router := renderedAlertmanagerConfig(t, d)
	kps := d.Release(t, "kube-prometheus-stack")

	// The chart's own inhibit rules, from its values.yaml.
	chartRules := chartInhibitRules(t, kps.Chart.Path)
	if diff := cmp.Diff(chartRules, promstack.ChartInhibitRules()); diff != "" {
		t.Errorf("promstack.ChartInhibitRules() is not the chart's alertmanager.config.inhibit_rules (-chart +ours):\n%s", diff)
	}
	chartParsed := parsedInhibitRules(t, chartRules)
	rendered := router.Config().InhibitRules
	for i, c := range chartParsed {
		if !slices.ContainsFunc(rendered, func(r amcommoncfg.InhibitRule) bool { return keepsRule(r, c) }) {
			t.Errorf("the rendered config drops the chart's inhibit rule %d %s (Helm replaces lists: the values must repeat it)", i, ruleString(c))
		}
	}

	// Every generated alert reaches the receivers the spec intends, and
	// nothing silences it on its own.
	generated := alerts(t, d.Config.OfKind("PrometheusRule"))
	if len(generated) == 0 {
		t.Fatal("the overlay has no alert")
	}
	var targets []model.LabelSet
	for _, a := range generated {
		ls := alertroute.Labels(a.Labels)
		want := intendedReceivers(d.Spec, a.Labels)
		if got := router.Receivers(ls); !slices.Equal(got, want) {
			t.Errorf("alert %s goes to %q, the spec intends %q", a, got, want)
		}
		targets = append(targets, ls)
	}
	muted, err := router.Mutes(targets, targets)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range muted {
		if generated[i].Labels["alertname"] == slo.TicketAlert {
			checkSLOTicketHeld(t, router, targets, i, m)
			continue
		}
		if m && generated[i].Labels["severity"] != "info" {
			// Only a critical of the same alert and workload may silence a
			// warning; the generated alerts differ in name or workload.
			t.Errorf("alert %s is silenced while every generated alert fires", generated[i])
		}
	}

	// The chart's info alerts (CPUThrottlingHigh, ...) are silenced while
	// the chart's InfoInhibitor fires in their namespace, and only then.
	chartAlerts := alerts(t, kps.Rendered.OfKind("PrometheusRule"))
	var inhibitor map[string]string
	var info []map[string]string
	for _, a := range chartAlerts {
		switch {
		case a.Labels["alertname"] == "InfoInhibitor":
			inhibitor = maps.Clone(a.Labels)
		case a.Labels["severity"] == "info":
			info = append(info, maps.Clone(a.Labels))
		}
	}
	if inhibitor == nil || len(info) == 0 {
		t.Fatalf("the chart renders no InfoInhibitor (%v) or no info alert (%d): the inhibit check would prove nothing", inhibitor, len(info))
	}
	namespace := d.Spec.Stack.Namespace
	for _, w := range d.Spec.Workloads {
		namespace = w.Namespace
		break
	}
	inhibitor["namespace"] = namespace
	elsewhere := maps.Clone(inhibitor)
	elsewhere["namespace"] = namespace + "-other"
	for _, ls := range info {
		ls["namespace"] = namespace
		target := alertroute.Labels(ls)
		for _, tc := range []struct {
			firing []model.LabelSet
			want   bool
		}{
			{[]model.LabelSet{alertroute.Labels(inhibitor)}, true},
			{[]model.LabelSet{alertroute.Labels(elsewhere)}, false},
			{nil, false},
		} {
			got, err := router.Muted(target, tc.firing...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("chart info alert %v with %v firing: silenced %v, want %v (receivers %q)", ls, tc.firing, got, tc.want, router.Receivers(target))
			}
		}
	}

	// Credentials: every *_file of the config is a key of a Secret the
	// Alertmanager CR mounts (the operator mounts spec.secrets at
	// /etc/alertmanager/secrets/<name>/).
	var mounted []string
	if err := remarshal(field(am.Object, "spec", "secrets"), &mounted); err != nil {
		t.Fatal(err)
	}
	for _, f := range alertmanagerFiles(t, router) {
		rest, ok := strings.CutPrefix(f, stack.AlertmanagerSecretsDir+"/")
		secret, _, found := strings.Cut(rest, "/")
		if !ok || !found || !slices.Contains(mounted, secret) {
			t.Errorf("the config reads %s, which is not in a Secret %s mounts (spec.secrets %q)", f, am, mounted)
		}
	}
}

// chartInhibitRules reads alertmanager.config.inhibit_rules from the
// chart's values.yaml (`helm show values`).
func chartInhibitRules(t *testing.T, chart string) []promstack.InhibitRule {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := buildHelm(t).ShowValues(ctx, chart)
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		Alertmanager struct {
			Config struct {
				InhibitRules []promstack.InhibitRule `json:"inhibit_rules"`
			} `json:"config"`
		} `json:"alertmanager"`
	}
	if err := yaml.Unmarshal(b, &values); err != nil {
		t.Fatal(err)
	}
	if len(values.Alertmanager.Config.InhibitRules) == 0 {
		t.Fatalf("%s has no alertmanager.config.inhibit_rules", chart)
	}
	return values.Alertmanager.Config.InhibitRules
}

// parsedInhibitRules parses rules as Alertmanager's config loader does.
func parsedInhibitRules(t *testing.T, rules []promstack.InhibitRule) []amcommoncfg.InhibitRule {
	t.Helper()
	cfg := map[string]any{
		"route":         map[string]any{"receiver": "null"},
		"receivers":     []any{map[string]any{"name": "null"}},
		"inhibit_rules": rules,
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := alertroute.Load(string(b))
	if err != nil {
		t.Fatalf("the chart's inhibit rules do not load: %v", err)
	}
	return r.Config().InhibitRules
}

// keepsRule reports whether r decides as c for alerts without r's extra
// equal labels: the same matchers, and a superset of c's equal labels.
func keepsRule(r, c amcommoncfg.InhibitRule) bool {
	if matcherSet(r.SourceMatchers) != matcherSet(c.SourceMatchers) || matcherSet(r.TargetMatchers) != matcherSet(c.TargetMatchers) {
		return false
	}
	for _, e := range c.Equal {
		if !slices.Contains(r.Equal, e) {
			return false
		}
	}
	return true
}

func matcherSet(ms amcommoncfg.Matchers) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.String())
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}

func ruleString(r amcommoncfg.InhibitRule) string {
	return fmt.Sprintf("{source %s, target %s, equal %v}", matcherSet(r.SourceMatchers), matcherSet(r.TargetMatchers), r.Equal)
}

// alertmanagerFiles lists every *_file path of the loaded config.
func alertmanagerFiles(t *testing.T, r *alertroute.Router) []string {
	t.Helper()
	b, err := yaml.Marshal(r.Config())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && strings.HasSuffix(k, "_file") && s != "" {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(m)
	slices.Sort(out)
	return out
}

// checkSLOTicketHeld: while every generated alert fires, the ticket of an
// SLO (targets[i], muted or not) is held exactly when its own SLO's page
// fires — the generated inhibit rule, in the config the chart renders —
// and nothing else silences it.
func checkSLOTicketHeld(t *testing.T, router *alertroute.Router, targets []model.LabelSet, i int, muted bool) {
	t.Helper()
	ticket := targets[i]
	ownPage := func(ls model.LabelSet) bool {
		return ls["alertname"] == slo.PageAlert && ls[slo.LabelSLO] == ticket[slo.LabelSLO]
	}
	if slices.ContainsFunc(targets, ownPage) != muted {
		t.Errorf("SLO ticket %v: held %v, its SLO's page fires %v: a page holds exactly its own SLO's ticket", ticket, muted, !muted)
	}
	others := slices.DeleteFunc(slices.Clone(targets), ownPage)
	again, err := router.Mutes([]model.LabelSet{ticket}, others)
	if err != nil {
		t.Fatal(err)
	}
	if again[0] {
		t.Errorf("SLO ticket %v is silenced by another alert than its SLO's page", ticket)
	}
}
