package checks_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Helpers of the wiring, logs, alertmanager and spec tests (prefixed fam*
// so that they cannot clash with other families' test helpers).

// famSpec loads and decodes a spec (the file is named spec.cue).
func famSpec(t testing.TB, src string) *model.Spec {
	t.Helper()
	res, diags := load.Files([]load.File{{Name: "spec.cue", Data: []byte(src)}})
	if diags != nil {
		t.Fatalf("load: %v", diags.Err())
	}
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatalf("decode: %v", diags.Err())
	}
	return s
}

// famInput compiles a spec into the Input the checks see (no check run).
func famInput(t testing.TB, src string) *checks.Input {
	t.Helper()
	s := famSpec(t, src)
	files, err := build.Generate(s)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return &checks.Input{Spec: s, Files: files}
}

// famCheck returns the named check.
func famCheck(t testing.TB, name string) checks.Check {
	t.Helper()
	for _, c := range checks.All() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q", name)
	return checks.Check{}
}

// famRun runs one check on a fresh copy of in (fresh views) and returns its
// sorted diagnostics.
func famRun(t testing.TB, name string, in *checks.Input) diag.List {
	t.Helper()
	fresh := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	return famCheck(t, name).Run(fresh).Sorted()
}

// famFile finds a generated file by path suffix.
func famFile(t testing.TB, in *checks.Input, suffix string) *artifact.File {
	t.Helper()
	for i := range in.Files {
		if strings.HasSuffix(in.Files[i].Path, suffix) {
			return &in.Files[i]
		}
	}
	t.Fatalf("no generated file *%s", suffix)
	return nil
}

// famEdit returns a copy of in where the file ending in suffix has old
// replaced by new (which must occur).
func famEdit(t testing.TB, in *checks.Input, suffix, old, new string) *checks.Input {
	t.Helper()
	out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	f := famFile(t, out, suffix)
	if !strings.Contains(string(f.Data), old) {
		t.Fatalf("%s does not contain %q:\n%s", f.Path, old, f.Data)
	}
	f.Data = []byte(strings.ReplaceAll(string(f.Data), old, new))
	famRetype(t, f)
	return out
}

// famRetype gives an edited PrometheusRule file, values file, kustomization,
// object file, scrape config or dashboard the typed value its bytes say
// (checks.RetypeRules, checks.RetypeOverlay, checks.RetypeDashboard): the
// edit plays a generator bug, which the checks of the typed values must
// see as well as the one check of each kind that reads the bytes.
func famRetype(t testing.TB, f *artifact.File) {
	t.Helper()
	if err := checks.RetypeRules(f); err != nil {
		t.Fatalf("%s: %v", f.Path, err)
	}
	if err := checks.RetypeOverlay(f); err != nil {
		t.Fatalf("%s: %v", f.Path, err)
	}
	if err := checks.RetypeDashboard(f); err != nil {
		t.Fatalf("%s: %v", f.Path, err)
	}
}

// famEditFunc is famEdit with a function.
func famEditFunc(t testing.TB, in *checks.Input, suffix string, edit func([]byte) []byte) *checks.Input {
	t.Helper()
	out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	f := famFile(t, out, suffix)
	f.Data = edit(slices.Clone(f.Data))
	famRetype(t, f)
	return out
}

// famEditJSON returns a copy of in where the JSON file ending in suffix is
// decoded, edited and encoded again.
func famEditJSON(t testing.TB, in *checks.Input, suffix string, edit func(d map[string]any)) *checks.Input {
	t.Helper()
	return famEditFunc(t, in, suffix, func(b []byte) []byte {
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		edit(d)
		out, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return out
	})
}

// famPanel returns the dashboard panel with the given title.
func famPanel(t testing.TB, d map[string]any, title string) map[string]any {
	t.Helper()
	for _, p := range d["panels"].([]any) {
		if pm := p.(map[string]any); pm["title"] == title && pm["type"] != "row" {
			return pm
		}
	}
	t.Fatalf("no panel %q", title)
	return nil
}

// famWant compares diagnostics with wanted ones: each want is a substring
// of one diagnostic's "pos: check: message" text, in order.
func famWant(t testing.TB, got diag.List, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d diagnostics, want %d:\n%s", len(got), len(want), famText(got))
		return
	}
	for i, w := range want {
		if s := got[i].String(); !strings.Contains(s, w) {
			t.Errorf("diagnostic %d:\n%s\nwant it to contain %q", i, s, w)
		}
	}
}

func famText(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// famBase is a valid spec with one workload of each kind, Loki extra
// labels, a receiver of each integration and routes.
const famBase = `
apiVersion: "dataopsgen.dev/v1alpha1"
stack: {
	prometheus: release: "prometheus"
	grafana: folder: "DataOps"
}
workloads: {
	trainer: {
		kind:      "training"
		namespace: "ml"
		gpu:       true
		training: lossMetric: "training_loss"
		logs: minLevel: "info"
	}
	resnet: {
		kind:      "inference"
		namespace: "ml"
		inference: models: ["resnet50"]
		logs: {
			drop: ["GET /healthz", "GET /metrics"]
			keep: ["level=(warn|error)"]
		}
	}
}
logs: extraLabels: cluster: "ml-prod"
alerting: {
	receivers: {
		"ml-oncall": slack: {
			channel: "#ml-alerts"
			apiURL: {secret: "alertmanager-slack", key: "webhook-url"}
		}
		pager: pagerduty: routingKey: {secret: "pd", key: "routing-key"}
		mail: email: {
			to:        "ml@example.com"
			from:      "am@example.com"
			smarthost: "smtp.example.com:587"
			authUsername: "am"
			authPassword: {secret: "smtp", key: "password"}
		}
		hook: webhook: url: {secret: "hook", key: "url"}
	}
	route: receiver: "ml-oncall"
	routes: [{
		match: severity: "critical"
		receiver: "pager"
	}, {
		match: team: "ml"
		receiver: "mail"
		continue: false
	}]
}
`

// famPromtail is famBase with Promtail as the collector.
const famPromtail = famBase + `
stack: logCollector: kind: "promtail"
`
