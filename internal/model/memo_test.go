package model

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
)

// mapMemo is a load.Memo in memory that counts its hits and misses.
type mapMemo struct {
	m            map[string][]byte
	hits, misses int
}

func (m *mapMemo) Load(key []byte) ([]byte, bool) {
	data, ok := m.m[string(key)]
	if ok {
		m.hits++
	} else {
		m.misses++
	}
	return data, ok
}

func (m *mapMemo) Store(key, json []byte) { m.m[string(key)] = json }

// memoEdits are pairs of specs, a first load and an edit of it: each
// changes what a workload evaluates to without changing the text of its
// value, except "plain" (the control: its other workloads come from the
// memo).
var memoEdits = []struct{ name, before, after string }{{
	name:   "plain",
	before: `workloads: {a: {kind: "training", namespace: "ml"}, b: {kind: "training", namespace: "ml"}}`,
	after:  `workloads: {a: {kind: "training", namespace: "ml"}, b: {kind: "training", namespace: "ml", team: "x"}}`,
}, {
	name:   "hidden field",
	before: "_team: \"x\"\nworkloads: a: {kind: \"training\", namespace: \"ml\", team: _team}",
	after:  "_team: \"y\"\nworkloads: a: {kind: \"training\", namespace: \"ml\", team: _team}",
}, {
	name:   "definition",
	before: "#ns: \"ml\"\nworkloads: a: {kind: \"training\", namespace: #ns}",
	after:  "#ns: \"prod\"\nworkloads: a: {kind: \"training\", namespace: #ns}",
}, {
	name:   "let",
	before: "let ns = \"ml\"\nworkloads: a: {kind: \"training\", namespace: ns}",
	after:  "let ns = \"prod\"\nworkloads: a: {kind: \"training\", namespace: ns}",
}, {
	name:   "pattern in workloads",
	before: "workloads: a: {kind: \"training\", namespace: \"ml\"}",
	after:  "workloads: [string]: team: *\"x\" | string\nworkloads: a: {kind: \"training\", namespace: \"ml\"}",
}, {
	name:   "pattern in the same struct",
	before: "workloads: {a: {kind: \"training\", namespace: \"ml\"}}",
	after:  "workloads: {[string]: gpu: true, a: {kind: \"training\", namespace: \"ml\"}}",
}, {
	name:   "embedding in workloads",
	before: "_more: {a: team: \"x\"}\nworkloads: {a: {kind: \"training\", namespace: \"ml\"}}",
	after:  "_more: {a: team: \"x\"}\nworkloads: {_more, a: {kind: \"training\", namespace: \"ml\"}}",
}, {
	name:   "second declaration",
	before: "workloads: a: {kind: \"training\", namespace: \"ml\"}",
	after:  "workloads: a: {kind: \"training\", namespace: \"ml\"}\nworkloads: a: gpu: true",
}, {
	name:   "comprehension in the workload",
	before: "workloads: a: {kind: \"training\", namespace: \"ml\", for x in [\"ml\"] {team: x}}",
	after:  "workloads: a: {kind: \"training\", namespace: \"ml\", for x in [\"ml\"] {team: x}}\n#other: 1",
}, {
	name:   "a workload named like a builtin, read by another",
	before: `workloads: {string: {kind: "training", namespace: "ml", team: "x"}, b: {kind: "training", namespace: "ml", team: string.team}}`,
	after:  `workloads: {string: {kind: "training", namespace: "ml", team: "y"}, b: {kind: "training", namespace: "ml", team: string.team}}`,
}, {
	name:   "default of the workload's own",
	before: "workloads: a: {kind: \"training\", namespace: *\"ml\" | \"prod\"}",
	after:  "workloads: a: {kind: \"training\", namespace: *\"ml\" | \"prod\"}\nworkloads: a: namespace: \"prod\"",
}}

// A workload that reads a let, moved from a file with one let of that
// name to a file with another (TestMemoIsEvaluating, a seed of
// FuzzMemoIsEvaluating): a let is seen only in its own file.
const (
	movedWorkload = "workloads: w: {kind: \"training\", namespace: ns}\n"
	movedFromFile = apiVersion + "let ns = \"ml\"\n_a: ns\n"
	movedToFile   = "let ns = \"prod\"\n_b: ns\n"
)

// TestMemoIsEvaluating: a load that takes workloads from a memo (filled by
// the load of another spec, or of the same one) gives the model and the
// diagnostics a load without one gives: on every spec of the decoder's
// tests, loaded twice; on edits made to change a workload's value without
// its text; and on rounds of random edits of the synthetic spec.
func TestMemoIsEvaluating(t *testing.T) {
	same := func(t *testing.T, what string, files []load.File, memo *mapMemo) {
		t.Helper()
		if d := memoDiff(files, memo); d != "" {
			t.Fatalf("%s: %s", what, d)
		}
	}
	spec := func(src string) []load.File {
		return []load.File{{Name: "spec.cue", Data: []byte(apiVersion + src + "\n")}}
	}

	t.Run("twice", func(t *testing.T) {
		all := specs(t)
		for name, src := range partsSpecs {
			all[name] = spec(src)
		}
		memo := &mapMemo{m: map[string][]byte{}}
		for _, name := range slices.Sorted(maps.Keys(all)) {
			same(t, name+", first", all[name], memo)
			same(t, name+", again", all[name], memo)
		}
		if memo.hits < 200 {
			t.Errorf("%d workloads from the memo", memo.hits)
		}
	})

	t.Run("edits", func(t *testing.T) {
		for _, e := range memoEdits {
			memo := &mapMemo{m: map[string][]byte{}}
			if res, diags := load.FilesMemo(spec(e.before), memo); res == nil {
				t.Fatalf("%s: refused: %v", e.name, diags)
			}
			hits := memo.hits
			same(t, e.name, spec(e.after), memo)
			if e.name == "plain" && memo.hits == hits {
				t.Errorf("%s: nothing from the memo", e.name)
			}
		}
	})

	// A let is seen only in its own file: the same text read in another
	// file is another value.
	t.Run("moved to another file", func(t *testing.T) {
		memo := &mapMemo{m: map[string][]byte{}}
		w, a, b := movedWorkload, movedFromFile, movedToFile
		before := []load.File{{Name: "a.cue", Data: []byte(a + w)}, {Name: "b.cue", Data: []byte(b)}}
		after := []load.File{{Name: "a.cue", Data: []byte(a)}, {Name: "b.cue", Data: []byte(b + w)}}
		if res, diags := load.FilesMemo(before, memo); res == nil || res.Workloads == nil {
			t.Fatalf("not loaded in parts: %v", diags)
		}
		same(t, "moved", after, memo)
	})

	t.Run("context edited", func(t *testing.T) {
		// Every workload reads _defaults; one changes: the others come
		// from the memo. Then _defaults changes: none does.
		spec := func(gpu, team string) []load.File {
			return spec(fmt.Sprintf("_defaults: {kind: \"training\", namespace: \"ml\"}\n_defaults: gpu: %s\nworkloads: {a: _defaults, b: _defaults & {team: %q}, c: _defaults}", gpu, team))
		}
		memo := &mapMemo{m: map[string][]byte{}}
		if res, diags := load.FilesMemo(spec("true", "x"), memo); res == nil || res.Workloads == nil {
			t.Fatalf("not loaded in parts: %v", diags)
		}
		hits := memo.hits
		same(t, "one workload edited", spec("true", "y"), memo)
		if memo.hits-hits != 2 {
			t.Errorf("one workload edited: %d from the memo, want 2", memo.hits-hits)
		}
		hits = memo.hits
		same(t, "the hidden field edited", spec("false", "y"), memo)
		if memo.hits != hits {
			t.Errorf("the hidden field edited: %d from the memo, want none", memo.hits-hits)
		}
	})

	t.Run("random", func(t *testing.T) {
		files := synthFiles(30)
		names := regexp.MustCompile(`(?m)^\t"([a-z0-9-]+)": \{`).FindAllStringSubmatch(string(files[len(files)-1].Data), -1)
		if len(names) != 30 {
			t.Fatalf("%d workloads found in %s", len(names), files[len(files)-1].Name)
		}
		memo := &mapMemo{m: map[string][]byte{}}
		r := rand.New(rand.NewPCG(7, 2026))
		var applied []string
		for round := range 30 {
			w := names[r.IntN(len(names))][1]
			e := randomEdits[r.IntN(len(randomEdits))]
			files = e.apply(files, w, r)
			applied = append(applied, e.name)
			same(t, fmt.Sprintf("round %d (%s)", round, strings.Join(applied, ", ")), files, memo)
		}
		t.Logf("edits %s: %d workloads from the memo, %d evaluated", strings.Join(applied, ", "), memo.hits, memo.misses)
		if memo.hits == 0 || memo.misses == 0 {
			t.Errorf("hits %d, misses %d: the edits did not exercise the memo", memo.hits, memo.misses)
		}
	})
}

// randomEdits change a spec's text: a workload's own values, or what a
// workload's value may be read with (a hidden field it names, a pattern,
// a second declaration of it, a file of its own).
var randomEdits = []struct {
	name  string
	apply func(files []load.File, workload string, r *rand.Rand) []load.File
}{
	{"a workload's namespace", func(files []load.File, w string, r *rand.Rand) []load.File {
		return editWorkload(files, w, regexp.MustCompile(`namespace: +"[a-z-]+"`), fmt.Sprintf(`namespace: %q`, []string{"ml", "vision", "prod"}[r.IntN(3)]))
	}},
	{"a workload's namespace from a hidden field", func(files []load.File, w string, r *rand.Rand) []load.File {
		return editWorkload(files, w, regexp.MustCompile(`namespace: +"[a-z-]+"`), "namespace: _ns")
	}},
	{"the hidden field", func(files []load.File, w string, r *rand.Rand) []load.File {
		return setFile(files, "hidden.cue", fmt.Sprintf("_ns: %q\n", []string{"ml", "vision", "prod"}[r.IntN(3)]))
	}},
	{"a pattern", func(files []load.File, w string, r *rand.Rand) []load.File {
		return setFile(files, "pattern.cue", fmt.Sprintf("workloads: [string]: runbookURL: *%q | string\n", fmt.Sprintf("https://runbooks.example.com/%d", r.IntN(3))))
	}},
	{"no pattern", func(files []load.File, w string, r *rand.Rand) []load.File {
		return setFile(files, "pattern.cue", "")
	}},
	{"a second declaration", func(files []load.File, w string, r *rand.Rand) []load.File {
		return setFile(files, "second.cue", fmt.Sprintf("workloads: %q: gpu: %v\n", w, r.IntN(2) == 0))
	}},
	{"no second declaration", func(files []load.File, w string, r *rand.Rand) []load.File {
		return setFile(files, "second.cue", "")
	}},
}

// editWorkload replaces the first match of re in workload w's value.
func editWorkload(files []load.File, w string, re *regexp.Regexp, repl string) []load.File {
	out := slices.Clone(files)
	for i, f := range out {
		text := string(f.Data)
		start := strings.Index(text, fmt.Sprintf("\t%q: {", w))
		if start < 0 {
			continue
		}
		end := start + strings.Index(text[start:], "\n\t}")
		body := re.ReplaceAllStringFunc(text[start:end], func(m string) string {
			if repl == "" {
				return m
			}
			r := repl
			repl = ""
			return r
		})
		out[i].Data = []byte(text[:start] + body + text[end:])
	}
	return out
}

// setFile sets (or adds) the file name to text, in the spec's package.
func setFile(files []load.File, name, text string) []load.File {
	if m := regexp.MustCompile(`(?m)^package \w+$`).Find(files[0].Data); m != nil {
		text = string(m) + "\n" + text
	}
	out := slices.Clone(files)
	for i, f := range out {
		if f.Name == name {
			out[i].Data = []byte(text)
			return out
		}
	}
	return append(out, load.File{Name: name, Data: []byte(text)})
}

// FuzzMemoIsEvaluating: a spec loaded with the memo of another spec's load
// gives the diagnostics, and the model, it gives without a memo (each
// input split into files at fileBreak).
func FuzzMemoIsEvaluating(f *testing.F) {
	for _, e := range memoEdits {
		f.Add([]byte(apiVersion+e.before), []byte(apiVersion+e.after))
	}
	w, a, b := movedWorkload, movedFromFile, movedToFile
	f.Add([]byte(a+w+fileBreak+b), []byte(a+fileBreak+b+w))
	f.Fuzz(func(t *testing.T, before, after []byte) {
		memo := &mapMemo{m: map[string][]byte{}}
		load.FilesMemo(fuzzFiles(before), memo)
		if d := memoDiff(fuzzFiles(after), memo); d != "" {
			t.Fatal(d)
		}
	})
}

const apiVersion = "apiVersion: \"dataopsgen.dev/v1alpha1\"\n"

// memoDiff says how loading files with memo differs from loading them
// without one ("" if not at all): diagnostics, or the decoded model.
func memoDiff(files []load.File, memo load.Memo) string {
	want, wantDiags := load.Files(files)
	got, gotDiags := load.FilesMemo(files, memo)
	if !reflect.DeepEqual(letIDs(gotDiags), letIDs(wantDiags)) {
		return fmt.Sprintf("diagnostics differ:\nmemo %v\nnone %v", gotDiags, wantDiags)
	}
	if want == nil {
		return ""
	}
	wantSpec, wantDiags := Decode(want)
	gotSpec, gotDiags := Decode(got)
	if !reflect.DeepEqual(gotDiags, wantDiags) || !reflect.DeepEqual(gotSpec, wantSpec) {
		return fmt.Sprintf("the model differs:\nmemo %+v %v\nnone %+v %v", gotSpec, gotDiags, wantSpec, wantDiags)
	}
	return ""
}
