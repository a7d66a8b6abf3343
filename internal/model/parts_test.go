package model

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
)

// partsSpecs are specs load.Files must load whole (they refer from one
// part to another, or hold what inParts does not take apart), refused
// specs, and specs it can take apart with hidden fields, definitions,
// lets, comprehensions, imports and the user's own patterns.
var partsSpecs = map[string]string{
	"workload refers to stack": `
stack: namespace: "mon"
workloads: a: {kind: "training", namespace: stack.namespace}
`,
	"workload refers to a schema default": `
workloads: a: {kind: "training", namespace: "ml"}
workloads: b: {kind: "training", namespace: "ml", team: workloads.a.team}
`,
	"narrowed disjunction": `
stack: prometheus: scrapeInterval: *"1x" | "30s"
workloads: a: {kind: "training", namespace: "ml", runbookURL: "https://r/" + stack.prometheus.scrapeInterval}
`,
	"self": `@experiment(aliasv2)
workloads: a: {kind: "training", namespace: "ml", runbookURL: "https://r/" + self.team}
`,
	"__self": `@experiment(aliasv2)
workloads: a: {kind: "training", namespace: "ml", runbookURL: "https://r/" + __self.team}
`,
	"a workload named like a builtin, read by another": `
workloads: {string: {kind: "training", namespace: "ml", team: "x"}, b: {kind: "training", namespace: "ml", team: string.team}}
`,
	"environments": `
workloads: a: {kind: "training", namespace: "ml"}
environments: prod: stack: prometheus: retention: "30d"
`,
	"unknown top-level field": `
workloads: a: {kind: "training", namespace: "ml"}
nosuch: 1
`,
	"unknown field in stack": `
stack: nosuch: 1
workloads: a: {kind: "training", namespace: "ml"}
`,
	"unknown field in a workload": `
workloads: a: {kind: "training", namespace: "ml", nosuch: 1}
`,
	"bad workload name": `
workloads: A: {kind: "training", namespace: "ml"}
`,
	"workloads not a struct": `
workloads: 1
`,
	"incomplete workload": `
workloads: a: {kind: "training"}
`,
	"embedding at the top": `
{workloads: a: {kind: "training", namespace: "ml"}}
`,
	"comprehension at the top": `
for n in ["a", "b"] {workloads: (n): {kind: "training", namespace: "ml"}}
`,
	"hidden, definitions, lets, comprehensions, imports, patterns": `
import "strings"

#ns: "ml"
_team: "research"
let prefix = "serve"
workloads: [string]: {namespace: #ns, team: _team}
workloads: {
	for i, m in ["a", "b"] {
		"\(prefix)-\(m)": {kind: "inference", inference: models: [strings.ToUpper(m) + "\(i)"]}
	}
}
workloads: t: {kind: "training", gpu: len(_team) > 3}
`,
}

// TestPartsAreWhole: load.Files (in parts where it can) and
// load.FilesWhole (the whole spec unified at once) give the same model, or
// the same diagnostics, on every spec of the decoder's tests and on specs
// made to tell the two apart; and load.Files does take apart the specs
// without references between their parts.
func TestPartsAreWhole(t *testing.T) {
	all := specs(t)
	for name, src := range partsSpecs {
		all[name] = []load.File{{Name: "spec.cue", Data: []byte(src + `apiVersion: "dataopsgen.dev/v1alpha1"` + "\n")}}
	}
	// Two files: the first refers to a regular field, the second only to a
	// hidden one (each file's references decide alone for none).
	all["reference in one file, hidden field in the next"] = []load.File{
		{Name: "a.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
stack: prometheus: scrapeInterval: *"1x" | "30s"
workloads: a: {kind: "training", namespace: "ml", runbookURL: "https://r/" + stack.prometheus.scrapeInterval}
`)},
		{Name: "b.cue", Data: []byte("_team: \"x\"\nworkloads: b: {kind: \"training\", namespace: \"ml\", team: _team}\n")},
	}
	inParts := 0
	for _, name := range slices.Sorted(maps.Keys(all)) {
		files := all[name]
		whole, wholeDiags := load.FilesWhole(files)
		parts, partsDiags := load.Files(files)
		if !reflect.DeepEqual(wholeDiags, partsDiags) {
			t.Errorf("%s: diagnostics differ:\nparts %v\nwhole %v", name, partsDiags, wholeDiags)
			continue
		}
		if whole == nil {
			continue
		}
		if whole.Workloads != nil {
			t.Fatalf("%s: FilesWhole loaded in parts", name)
		}
		if parts.Workloads != nil {
			inParts++
		}
		want, wantDiags := Decode(whole)
		got, gotDiags := Decode(parts)
		if !reflect.DeepEqual(gotDiags, wantDiags) {
			t.Errorf("%s: model diagnostics differ:\nparts %v\nwhole %v", name, gotDiags, wantDiags)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the model differs:\nparts %+v\nwhole %+v", name, got, want)
		}
	}
	if inParts < 20 {
		t.Errorf("only %d specs loaded in parts", inParts)
	}
	for _, name := range []string{"hidden, definitions, lets, comprehensions, imports, patterns"} {
		if res, _ := load.Files(all[name]); res == nil || res.Workloads == nil {
			t.Errorf("%s: not loaded in parts", name)
		}
	}
	// A workload read through a name that shadows a builtin refers to a
	// regular field: whole (the memo keys no sibling workload's text).
	for _, name := range []string{"a workload named like a builtin, read by another"} {
		if res, _ := load.Files(all[name]); res == nil || res.Workloads != nil {
			t.Errorf("%s: loaded in parts", name)
		}
	}
}

// FuzzPartsAreWhole: on any input, load.Files and load.FilesWhole give the
// same diagnostics, and the same model when they accept it (each input
// split into files at fileBreak).
func FuzzPartsAreWhole(f *testing.F) {
	for _, src := range partsSpecs {
		f.Add([]byte(src + `apiVersion: "dataopsgen.dev/v1alpha1"` + "\n"))
	}
	f.Add([]byte(apiVersion + "stack: prometheus: scrapeInterval: *\"1x\" | \"30s\"\n" +
		"workloads: a: {kind: \"training\", namespace: \"ml\", runbookURL: \"https://r/\" + stack.prometheus.scrapeInterval}" +
		fileBreak + "_team: \"x\"\nworkloads: b: {kind: \"training\", namespace: \"ml\", team: _team}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := fuzzFiles(data)
		whole, wholeDiags := load.FilesWhole(files)
		parts, partsDiags := load.Files(files)
		if !reflect.DeepEqual(letIDs(wholeDiags), letIDs(partsDiags)) {
			t.Fatalf("diagnostics differ:\nparts %v\nwhole %v", partsDiags, wholeDiags)
		}
		if whole == nil {
			return
		}
		want, wantDiags := Decode(whole)
		got, gotDiags := Decode(parts)
		if !reflect.DeepEqual(gotDiags, wantDiags) || !reflect.DeepEqual(got, want) {
			t.Fatalf("the model differs:\nparts %+v %v\nwhole %+v %v", got, gotDiags, want, wantDiags)
		}
	})
}

// letID is the number CUE gives each let it evaluates (let prefix#250A),
// which counts the process's lets so far: a message quoting a let differs
// between two loads of one spec in one process.
var letID = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)#[0-9A-F]+\b`)

func letIDs(l diag.List) diag.List {
	out := slices.Clone(l)
	for i := range out {
		out[i].Message = letID.ReplaceAllString(out[i].Message, "$1#N")
	}
	return out
}

// fileBreak splits a fuzz input into files (fuzzFiles), so that the
// fuzzers reach specs of several files: a let or an import is seen only in
// its own file, and a reference the parser cannot resolve in one file may
// name a field of another.
const fileBreak = "\n---\n"

// fuzzFiles are the files of a fuzz input: its parts between fileBreaks.
func fuzzFiles(data []byte) []load.File {
	var files []load.File
	for i, part := range bytes.Split(data, []byte(fileBreak)) {
		files = append(files, load.File{Name: fmt.Sprintf("fuzz%d.cue", i), Data: part})
	}
	return files
}
