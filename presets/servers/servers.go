// Package servers holds the inference server presets, one file per server.
// Each is a presets.Server literal whose every metric, label and bucket
// cites the file of the server's own source (or documentation) that
// defines it.
package servers

import (
	"slices"

	"github.com/dataopsgen/dataopsgen/presets"
)

// all are the presets, by name.
var all = []*presets.Server{
	&BentoML, &KServe, &NIM, &RayServe, &SGLang, &TGI, &TorchServe, &Triton, &VLLM,
}

// All returns the presets in name order (custom, built from the spec, is
// not among them: see Custom).
func All() []*presets.Server {
	out := slices.Clone(all)
	slices.SortFunc(out, func(a, b *presets.Server) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// Names are the values `inference: server:` takes, custom first.
func Names() []string {
	out := []string{presets.CustomName}
	for _, s := range All() {
		out = append(out, s.Name)
	}
	return out
}

// ByName returns the preset called name (not custom), or nil.
func ByName(name string) *presets.Server {
	for _, s := range all {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Label values the generated tests' series carry where a server labels
// every series the same way.
const (
	exampleEngine = "0"
)

func l(name, example string) presets.Label { return presets.Label{Name: name, Example: example} }

func eq(label, value string) presets.Matcher {
	return presets.Matcher{Label: label, Op: "=", Value: value}
}

func re(label, value string) presets.Matcher {
	return presets.Matcher{Label: label, Op: "=~", Value: value}
}

func nre(label, value string) presets.Matcher {
	return presets.Matcher{Label: label, Op: "!~", Value: value}
}

func one(family string, ms ...presets.Matcher) presets.Counter {
	return presets.Counter{{Family: family, Matchers: ms}}
}

func count(family string) presets.Counter {
	return presets.Counter{{Family: family, Suffix: "_count"}}
}

func sum(family string) presets.Counter {
	return presets.Counter{{Family: family, Suffix: "_sum"}}
}

func inc(family string, labels ...presets.Label) presets.Increment {
	return presets.Increment{Family: family, Labels: labels}
}

// prometheusClientDefaultBuckets are prometheus_client's Histogram
// defaults (prometheus/client_python, prometheus_client/metrics.py,
// Histogram.DEFAULT_BUCKETS), +Inf left out.
var prometheusClientDefaultBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}
