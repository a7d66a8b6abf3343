package checks_test

import (
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/logs"
)

func TestLogsLogQLLabels(t *testing.T) {
	panels := `
extraPanels: [{
	title: "ok", datasource: "loki", type: "logs"
	expr: "{namespace=~\"$namespace\", pod=~\"${pod}\", container!=\"\", workload=\"resnet\", cluster=\"ml-prod\", stream=\"stderr\"} |= \"a{b}\" | line_format \"{{.x}}\""
}, {
	title: "metric", datasource: "loki"
	expr: "sum by (pod) (count_over_time({service_name=\"app\"} |~ \"err\" [$__auto])) / sum(rate({namespace=\"ml\"}[5m]))"
}, {
	title: "seed", datasource: "loki", type: "logs"
	expr: "{app=\"x\"}"
}, {
	title: "file", datasource: "loki", type: "logs"
	expr: "{namespace=\"ml\", filename=~\".+\"}"
}, {
	title: "prom", expr: "up{app=\"x\"}"
}]
`
	for _, kind := range []string{"alloy", "promtail"} {
		t.Run(kind, func(t *testing.T) {
			in := famInput(t, famBase+"stack: logCollector: kind: \""+kind+"\"\n"+panels)
			famWant(t, famRun(t, "logs/logql-labels", in),
				`spec.cue:62:2: logs/logql-labels: panel "seed": stream selector {app="x"} filters on label "app", which the log collector does not attach (streams carry: cluster, container, namespace, pod, service_name, stream, workload): the query matches nothing`,
				`spec.cue:65:2: logs/logql-labels: panel "file": stream selector {namespace="ml", filename=~".+"} filters on label "filename"`,
			)
		})
	}
	// The generated Logs panel, if it filtered on a label no stream has:
	// reported at the first workload whose logs it shows (resnet).
	in := famEdit(t, famInput(t, famBase), famDash, `"expr": "{namespace=~\"$namespace\", pod=~\"$pod\"}"`, `"expr": "{namespace=~\"$namespace\", app=~\"$pod\"}"`)
	famWant(t, famRun(t, "logs/logql-labels", in), `spec.cue:15:2: logs/logql-labels: panel "Logs": stream selector {namespace=~"$namespace", app=~"$pod"} filters on label "app"`)
	// Without extra labels, cluster is not attached; without collected logs nothing is.
	in = famEditCollector(t, famInput(t, famBase+panels), famEachRule(func(r *logs.RelabelRule) {
		if r.TargetLabel == "cluster" {
			r.TargetLabel = "__cluster"
		}
	}))
	got := famRun(t, "logs/logql-labels", in)
	if len(got) != 3 || !strings.Contains(got[0].Message, `"ok"`) || !strings.Contains(got[0].Message, `label "cluster"`) {
		t.Errorf("cluster not attached: got\n%s", famText(got))
	}
	in = famInput(t, famBase+panels+"\nworkloads: [string]: logs: enabled: false\n")
	got = famRun(t, "logs/logql-labels", in)
	if len(got) == 0 || !strings.Contains(got[0].Message, "streams carry: none: no workload's logs are collected") {
		t.Errorf("nothing collected: got\n%s", famText(got))
	}
}
