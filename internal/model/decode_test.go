package model

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"cuelang.org/go/cue"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/load/loadtest"
	"github.com/dataopsgen/dataopsgen/internal/synth"
)

// decodeReference is the decoder decodeValue replaced: cue.Value.Decode.
func decodeReference(v cue.Value) (*Spec, error) {
	s := &Spec{}
	if err := v.Decode(s); err != nil {
		return nil, err
	}
	var m struct {
		Workloads map[string]*Workload  `json:"workloads"`
		Extra     map[string]*RuleGroup `json:"extraRules"`
		Alerting  struct {
			Receivers map[string]*Receiver `json:"receivers"`
		} `json:"alerting"`
	}
	if err := v.Decode(&m); err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(m.Workloads) {
		m.Workloads[name].Name = name
		s.Workloads = append(s.Workloads, m.Workloads[name])
	}
	for _, name := range sortedKeys(m.Alerting.Receivers) {
		m.Alerting.Receivers[name].Name = name
		s.Alerting.Receivers = append(s.Alerting.Receivers, m.Alerting.Receivers[name])
	}
	for _, name := range sortedKeys(m.Extra) {
		m.Extra[name].Name = name
		s.ExtraRules = append(s.ExtraRules, m.Extra[name])
	}
	return s, nil
}

// specs are loadable specs with the variety the decoder must handle: the
// examples, every corpus spec that loads, a synthetic spec, and specs with
// literal credentials, optional fields and empty lists and maps.
func specs(t *testing.T) map[string][]load.File {
	t.Helper()
	out := map[string][]load.File{}
	for _, dir := range []string{"../../examples/dataops", "../../examples/environments"} {
		out[dir] = readDir(t, dir)
	}
	maps.Copy(out, loadtest.Corpus(t))
	out["synth-200"] = synthFiles(200)
	out["edge"] = []load.File{{Name: "edge.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
stack: prometheus: remoteWrite: [{url: "https://a", username: "u", password: {secret: "s", key: "k"}}, {url: "https://b"}]
workloads: t: {kind: "training", namespace: "ml", metrics: exported: [], selector: {}}
workloads: i: {kind: "inference", namespace: "ml", inference: models: ["m"], logs: {drop: [], keep: ["x"]}}
logs: extraLabels: {}
alerting: receivers: {
	w: webhook: url: "http://literal"
	e: email: {to: "a@b", from: "c@d", smarthost: "h:25"}
	f: email: {to: "a@b", from: "c@d", smarthost: "h:25", authPassword: "pw"}
}
alerting: routes: [{receiver: "w", match: {}}]
extraRules: g: {interval: "1m", rules: [{record: "r", expr: "up", labels: {}, annotations: {}}]}
extraRules: h: rules: []
extraPanels: [{title: "t", expr: "up"}]
`)}}
	return out
}

func readDir(t *testing.T, dir string) []load.File {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []load.File
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".cue") {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, load.File{Name: e.Name(), Data: data})
		}
	}
	return files
}

// TestDecodeMatchesCUEDecode: the model is what cue.Value.Decode gives, for
// the base spec and every environment.
func TestDecodeMatchesCUEDecode(t *testing.T) {
	loaded := 0
	for name, files := range specs(t) {
		res, diags := load.FilesWhole(files)
		if diags != nil {
			continue // refused by the loader: nothing to decode
		}
		loaded++
		values := map[string]cue.Value{"": res.Value}
		for _, e := range res.Environments {
			values[e.Name] = e.Value
		}
		for env, v := range values {
			want, err := decodeReference(v)
			if err != nil {
				t.Fatalf("%s %s: reference: %v", name, env, err)
			}
			// decode's own diagnostics (literal credentials, receivers)
			// come after decoding and do not change the model.
			got, _ := decode(v, nil, nil)
			if got == nil {
				t.Fatalf("%s %s: not decoded", name, env)
			}
			got.positions, want.positions = nil, nil
			// The presets are resolved after decoding (json:"-").
			for _, w := range got.Workloads {
				if w.Inference != nil {
					w.Inference.Preset = nil
				}
			}
			got.Notes = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: decoded spec differs from cue.Value.Decode:\ngot  %+v\nwant %+v", name, env, got, want)
			}
		}
	}
	if loaded < 20 {
		t.Fatalf("only %d specs loaded", loaded)
	}
}

// BenchmarkDecode: decode (decodeValue) against the reference
// (cue.Value.Decode). cpu-ms/op is the process CPU time per decode
// (including the garbage collector's), steadier than wall time on a busy
// machine.
//
//	go test ./internal/model/ -run '^$' -bench Decode
func BenchmarkDecode(b *testing.B) {
	sizes := []int{100, 1000, 5000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		res, diags := load.FilesWhole(synthFiles(n))
		if diags != nil {
			b.Fatal(diags.Err())
		}
		b.Run(fmt.Sprintf("model/n=%d", n), func(b *testing.B) {
			c0 := cpuTime()
			for b.Loop() {
				if _, diags := Decode(res); diags != nil {
					b.Fatal(diags.Err())
				}
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
		})
		b.Run(fmt.Sprintf("cue-reference/n=%d", n), func(b *testing.B) {
			c0 := cpuTime()
			for b.Loop() {
				if _, err := decodeReference(res.Value); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// synthFiles: the synthetic spec of n workloads (modeltest.SynthFiles, which
// this package's own tests cannot import).
func synthFiles(n int) []load.File {
	var files []load.File
	for _, f := range synth.Generate(n) {
		files = append(files, load.File{Name: f.Name, Data: f.Data})
	}
	return files
}
