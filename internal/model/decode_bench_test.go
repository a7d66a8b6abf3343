package model_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/benchgen/synth"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// A prototype for the decode stage, measured against model.Decode: the
// loaded value is exported to JSON once (cue.Value.MarshalJSON) and read
// with encoding/json, instead of cue.Value.Decode walking the value (which
// creates an evaluation context per access and decodes the workloads twice:
// once skipped by the whole-spec Decode, once by decodeMap).
//
//	go test ./internal/model/ -run '^$' -bench Decode
//
// TestDecodeJSONPrototype checks that it gives the same model.

func synthResult(tb testing.TB, n int) *load.Result {
	tb.Helper()
	var files []load.File
	for _, f := range synth.Generate(n) {
		files = append(files, load.File{Name: f.Name, Data: f.Data})
	}
	res, diags := load.Files(files)
	if diags != nil {
		tb.Fatal(diags.Err())
	}
	return res
}

// decodeJSON is the prototype (without positions and reference checks,
// which do not change).
func decodeJSON(res *load.Result) (*model.Spec, error) {
	b, err := res.Value.MarshalJSON()
	if err != nil {
		return nil, err
	}
	s := &model.Spec{}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, err
	}
	var maps struct {
		Workloads map[string]*model.Workload  `json:"workloads"`
		Extra     map[string]*model.RuleGroup `json:"extraRules"`
		Alerting  struct {
			Receivers map[string]*model.Receiver `json:"receivers"`
		} `json:"alerting"`
	}
	if err := json.Unmarshal(b, &maps); err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(maps.Workloads) {
		w := maps.Workloads[name]
		w.Name = name
		s.Workloads = append(s.Workloads, w)
	}
	for _, name := range sortedKeys(maps.Alerting.Receivers) {
		r := maps.Alerting.Receivers[name]
		r.Name = name
		s.Alerting.Receivers = append(s.Alerting.Receivers, r)
	}
	for _, name := range sortedKeys(maps.Extra) {
		g := maps.Extra[name]
		g.Name = name
		s.ExtraRules = append(s.ExtraRules, g)
	}
	return s, nil
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestDecodeJSONPrototype(t *testing.T) {
	res := synthResult(t, 60)
	want, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	got, err := decodeJSON(res)
	if err != nil {
		t.Fatal(err)
	}
	// Compare everything but the unexported positions.
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"stack", got.Stack, want.Stack},
		{"logs", got.Logs, want.Logs},
		{"alerting", got.Alerting, want.Alerting},
		{"workloads", got.Workloads, want.Workloads},
		{"extraRules", got.ExtraRules, want.ExtraRules},
		{"extraPanels", got.ExtraPanels, want.ExtraPanels},
		{"apiVersion", got.APIVersion, want.APIVersion},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			g, _ := json.Marshal(c.got)
			w, _ := json.Marshal(c.want)
			t.Errorf("%s differs:\nJSON: %.400s\ncue:  %.400s", c.name, g, w)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	sizes := []int{100, 1000, 5000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		res := synthResult(b, n)
		b.Run(fmt.Sprintf("cue/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, diags := model.Decode(res); diags != nil {
					b.Fatal(diags.Err())
				}
			}
		})
		b.Run(fmt.Sprintf("json-prototype/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := decodeJSON(res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
