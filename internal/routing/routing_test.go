package routing_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/routing"
)

const workloads = `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: api: {kind: "inference", namespace: "ml", team: "serving", inference: models: ["bert"]}
workloads: train: {kind: "training", namespace: "ml", team: "research"}
`

// TestRouting: the generated alerts are routed as Alertmanager routes them,
// and alerts that only "null" gets are said to be dropped.
func TestRouting(t *testing.T) {
	for _, c := range []struct {
		name, alerting string
		want           []string
	}{{
		name: "no receiver: everything dropped",
		want: []string{`null 7 alerts (4 critical, 3 warning): DROPPED, no route matches them and alerting.route.receiver is the default "null"`},
	}, {
		name: "explicit null root, one team routed",
		alerting: `alerting: {
	receivers: hook: webhook: url: {secret: "s", key: "u"}
	route: receiver: "null"
	routes: [{match: team: "serving", receiver: "hook"}]
}`,
		want: []string{
			`null 4 alerts (2 critical, 2 warning): DROPPED`,
			`hook 3 alerts (2 critical, 1 warning)`,
		},
	}, {
		name: "continue sends to two receivers",
		alerting: `alerting: {
	receivers: {
		chat: webhook: url: {secret: "s", key: "chat"}
		pager: webhook: url: {secret: "s", key: "pager"}
	}
	route: receiver: "chat"
	routes: [
		{match: severity: "critical", receiver: "pager", continue: true},
		{match: severity: "critical", receiver: "chat"},
	]
}`,
		want: []string{
			`chat  7 alerts (4 critical, 3 warning)`,
			`pager 4 alerts (4 critical)`,
		},
	}} {
		t.Run(c.name, func(t *testing.T) {
			res, diags := build.Files([]load.File{{Name: "s.cue", Data: []byte(workloads + c.alerting)}}, build.Options{Routing: true})
			if diags != nil {
				t.Fatal(diags)
			}
			if len(res.Routing) != 1 {
				t.Fatalf("%d routing tables", len(res.Routing))
			}
			got := res.Routing[0].Lines()
			if !slices.Equal(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestRoutingReadsTheValues: the routing is that of the Alertmanager
// configuration in the generated values (their typed value, else their
// bytes), not of the generator run again: a receiver changed in the values
// alone changes the table.
func TestRoutingReadsTheValues(t *testing.T) {
	res, files := generated(t, []load.File{{Name: "s.cue", Data: []byte(workloads)}})
	var values *artifact.File
	for i := range files {
		if files[i].Path == promstack.ValuesPath {
			values = &files[i]
		}
	}
	if values == nil {
		t.Fatalf("no %s", promstack.ValuesPath)
	}
	typed, ok := values.Value.(*promstack.Values)
	if !ok {
		t.Fatalf("%s carries %T, not *promstack.Values", values.Path, values.Value)
	}
	const want = "null 7 alerts (4 critical, 3 warning): DROPPED, no route matches them and alerting.route.receiver is the default \"null\""
	for _, c := range []struct {
		name string
		edit func()
	}{
		{"typed values", func() {}},
		{"bytes", func() { values.Value = nil }},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.edit()
			table, err := routing.Of(res.Spec, files, isRule)
			if err != nil {
				t.Fatal(err)
			}
			if got := table.Lines(); len(got) != 1 || got[0] != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	// The typed values alone renamed: the table follows them.
	values.Value = typed
	cfg := &typed.Alertmanager.Config
	for i := range cfg.Receivers {
		if cfg.Receivers[i].Name == "null" {
			cfg.Receivers[i].Name = "renamed"
		}
	}
	var rename func(r *promstack.Route)
	rename = func(r *promstack.Route) {
		if r.Receiver == "null" {
			r.Receiver = "renamed"
		}
		for i := range r.Routes {
			rename(&r.Routes[i])
		}
	}
	rename(&cfg.Route)
	table, err := routing.Of(res.Spec, files, isRule)
	if err != nil {
		t.Fatal(err)
	}
	if got := table.Lines(); len(got) != 1 || !strings.HasPrefix(got[0], "renamed 7 alerts") {
		t.Errorf("with the typed receiver renamed: %q", got)
	}
}

// isRule tells the PrometheusRule files, as the build does.
func isRule(p string) bool { return strings.HasPrefix(p, rules.Dir) }

// generated compiles files and generates their overlay again, with the
// typed values the build lets go of once it has checked them (res.Files has
// none): what the build routes from.
func generated(tb testing.TB, files []load.File) (*build.Result, []artifact.File) {
	tb.Helper()
	res, diags := build.Files(files, build.Options{})
	if diags != nil {
		tb.Fatal(diags)
	}
	typed, err := build.Generate(res.Spec)
	if err != nil {
		tb.Fatal(err)
	}
	return res, typed
}
