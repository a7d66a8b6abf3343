package starter

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dataopsgen/dataopsgen/presets"
	"github.com/dataopsgen/dataopsgen/presets/servers"
)

// ForServer is a starter spec whose inference workload runs server p: the
// server named, its port and path and what it needs to serve metrics in
// comments, every alert it supports written out with a starting threshold
// to edit (those it does not support are not offered). It builds as is.
func ForServer(p *presets.Server) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("// dataopsgen spec: a %s inference service, and where its alerts go.\n", p.Title)
	w("//\n//   dataopsgen vet .            check it (pre-commit does this)\n")
	w("//   dataopsgen build . -o out   compile it into a kustomize overlay\n//\n")
	w("// Every field, its default and its bounds are documented in the schema:\n")
	w("// `schema/schema.cue` of github.com/dataopsgen/dataopsgen. You need no import.\n")
	w("package monitoring\n\napiVersion: \"dataopsgen.dev/v1alpha1\"\n\n")
	w("stack: namespace: \"monitoring\"\n\n")
	w("workloads: {\n")
	w("\t// %s. Its preset (presets/servers/%s.go) knows the metrics it exports —\n", p.Title, p.Name)
	w("\t// names, labels, units, buckets — for %s.\n", p.Versions)
	w("\t// Its pods are found by `selector`\n")
	w("\t// (default: app.kubernetes.io/component: inference) and scraped on\n")
	if p.Metrics.PortName != "" {
		w("\t// the container port named %q at %s.\n", p.Metrics.PortName, p.Metrics.Path)
	} else {
		w("\t// container port %d at %s (the container must declare it).\n", p.Metrics.Port, p.Metrics.Path)
	}
	for _, s := range p.Setup {
		w("\t// The server needs: %s.\n", s)
	}
	w("\t%s: {\n", p.Name)
	w("\t\tkind:      \"inference\"\n\t\tnamespace: \"ml\"\n")
	w("\t\tinference: {\n\t\t\tserver: %q\n", p.Name)
	if p.ModelLabel != "" {
		w("\t\t\t// The values of its %s label you serve.\n\t\t\tmodels: [\"my-model\"]\n", p.ModelLabel)
	}
	for _, a := range servers.Alerts(p) {
		if !a.Exported {
			continue
		}
		line := starterAlert(p, a)
		if !a.Default {
			w("\t\t\t// Off by default for %s; uncomment to turn it on.\n\t\t\t// %s\n", p.Title, line)
			continue
		}
		w("\t\t\t%s\n", line)
	}
	if p.Errors == nil {
		w("\t\t\t// No error alert: %s.\n", p.NoErrors)
		w("\t\t\terrorRate: enabled: false\n")
	}
	w("\t\t\tdown: for: \"2m\"\n\t\t}\n\t}\n}\n")
	b.WriteString(alertingBlock())
	return []byte(b.String())
}

// starterAlert is the spec line of one alert kind, with a starting threshold.
func starterAlert(p *presets.Server, a servers.AlertSupport) string {
	switch a.Key {
	case "latency":
		if p.Latency.Quantiles() {
			return `latency: {enabled: true, quantile: 0.95, threshold: "500ms", for: "5m"}`
		}
		return `latency: {threshold: "500ms", for: "5m"} // an average: ` + p.Title + ` exports no latency histogram`
	case "errorRate":
		return `errorRate: {max: 0.05, for: "5m"} // the share of requests that ` + p.Errors.What
	case "ttft":
		return `ttft: {quantile: 0.95, threshold: "1s", for: "10m"}`
	case "tpot":
		return `tpot: {quantile: 0.95, threshold: "200ms", for: "10m"}`
	case "queue":
		return `queue: {max: 10, for: "15m"} // requests waiting on a pod`
	case "kvCache":
		return `kvCache: {max: ` + strconv.FormatFloat(0.95, 'g', -1, 64) + `, for: "15m"}`
	}
	return ""
}

// alertingBlock is the default starter's alerting section (from "// Where
// alerts go" to its end): a preset starter routes its alerts to the same
// webhook receiver, never to "null".
func alertingBlock() string {
	s := string(Spec)
	i := strings.Index(s, "// Where alerts go")
	if i < 0 {
		panic("starter: monitoring.cue lost its \"// Where alerts go\" section")
	}
	return "\n" + s[i:]
}
