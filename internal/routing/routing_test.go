package routing_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/load"
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
