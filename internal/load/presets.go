package load

import (
	"strings"

	"cuelang.org/go/cue"

	"github.com/dataopsgen/dataopsgen/presets/servers"
)

// signalBlocks are the inference blocks the schema declares only for the
// servers that export their signal, with what the signal is.
var signalBlocks = map[string]string{
	"ttft":    "time-to-first-token histogram",
	"tpot":    "time-per-output-token histogram",
	"queue":   "count of waiting requests",
	"kvCache": "KV-cache usage",
}

// serverHint says why a signal block of an inference workload is not
// allowed (workloads.<name>.inference.<block>): its server exports no such
// signal; it names the servers that do. "" for any other field.
func serverHint(v cue.Value, names []string) string {
	if len(names) != 4 || names[0] != "workloads" || names[2] != "inference" {
		return ""
	}
	what, ok := signalBlocks[names[3]]
	if !ok {
		return ""
	}
	server, _ := v.LookupPath(cue.MakePath(cue.Str("workloads"), cue.Str(names[1]), cue.Str("inference"), cue.Str("server"))).String()
	var have []string
	for _, p := range servers.All() {
		for _, a := range servers.Alerts(p) {
			if a.Key == names[3] && a.Exported {
				have = append(have, p.Name)
			}
		}
	}
	return ": server " + server + " exports no " + what + " (only " + strings.Join(have, ", ") + " do: schema/servers.cue)"
}
