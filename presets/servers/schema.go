package servers

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/dataopsgen/dataopsgen/presets"
)

// SchemaCUE is schema/servers.cue: what the schema's defaults need of the
// presets (server names, default metrics port and path, whether a server
// labels its series by model, which alerts it supports and has on by
// default), so that the defaults live in the schema and the facts in one
// place, here. The schema embeds it after schema.cue; a test in package
// schema keeps the committed file fresh (DATAOPSGEN_UPDATE=1 rewrites it).
func SchemaCUE() []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated from presets/servers (servers.SchemaCUE); DO NOT EDIT.\n")
	b.WriteString("// DATAOPSGEN_UPDATE=1 go test ./schema/ rewrites it. The schema embeds it after\n")
	b.WriteString("// schema.cue (same package); it has no package clause of its own.\n\n")
	// The default is spelled out in the list rather than written
	// `*"custom" | #ServerName` where the field is: a disjunction inside a
	// disjunction, on every inference workload, costs CUE (see
	// #SeverityWarning in schema.cue).
	b.WriteString("// #ServerName is an inference server with a preset (presets/servers), or\n")
	b.WriteString("// \"custom\" (the default): metric and label names from the spec.\n")
	b.WriteString("#ServerName:")
	for i, n := range Names() {
		if i > 0 {
			b.WriteString(" |")
		}
		b.WriteString(" ")
		if n == presets.CustomName {
			b.WriteString("*")
		}
		b.WriteString(strconv.Quote(n))
	}
	b.WriteString("\n\n")
	b.WriteString("// #Servers: per server, the default metrics port (a container port number,\n")
	b.WriteString("// or name) and path, whether its series carry a model label, and for each\n")
	b.WriteString("// alert whether the server exports its signal and the alert is on by default.\n")
	b.WriteString("#Servers: {\n")
	custom := Custom(CustomNames{"r", "l", "model_name", "status", "error"})
	for _, s := range append([]*presets.Server{custom}, All()...) {
		fmt.Fprintf(&b, "\t%s: {\n", s.Name)
		port := strconv.Quote(s.Metrics.PortSpec())
		if s.Metrics.PortName == "" {
			port = strconv.Itoa(s.Metrics.Port)
		}
		fmt.Fprintf(&b, "\t\tport:       %s\n", port)
		fmt.Fprintf(&b, "\t\tpath:       %s\n", strconv.Quote(s.Metrics.Path))
		fmt.Fprintf(&b, "\t\tmodelLabel: %t\n", s.ModelLabel != "")
		for _, a := range Alerts(s) {
			fmt.Fprintf(&b, "\t\t%s: {exported: %t, default: %t}\n", a.Key, a.Exported, a.Default)
		}
		b.WriteString("\t}\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// AlertSupport says whether a server exports the signal of one alert kind
// (the spec block Key of workloads.<name>.inference) and whether the alert
// is on by default.
type AlertSupport struct {
	Key               string
	Exported, Default bool
}

// Alerts lists the inference alert kinds a server supports, in the spec's
// order of blocks.
func Alerts(s *presets.Server) []AlertSupport {
	return []AlertSupport{
		{"latency", s.Latency != nil, s.Latency != nil && s.LatencyAlert},
		{"errorRate", s.Errors != nil, s.Errors != nil},
		{"ttft", s.TTFT != nil, s.TTFT != nil},
		{"tpot", s.TPOT != nil, s.TPOT != nil},
		{"queue", s.Queue != nil, s.Queue != nil},
		{"kvCache", s.KVCache != nil, s.KVCache != nil},
	}
}
