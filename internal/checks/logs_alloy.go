package checks

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/grafana/alloy/syntax/ast"
	alloyparser "github.com/grafana/alloy/syntax/parser"
	"github.com/grafana/alloy/syntax/vm"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var logsAlloyParse = Check{
	Name: "logs/alloy-parse",
	Doc: "The generated Grafana Alloy config parses with Alloy's own syntax parser, and its relabel rules and `loki.process` stages, " +
		"read back with Alloy's evaluator, are the pipelines the generator rendered (the one check of the Alloy encoding; the other log " +
		"checks read the generator's typed pipelines, which the file must carry).",
	Run: func(in *Input) (out diag.List) {
		const check = "logs/alloy-parse"
		f := in.File(logs.AlloyConfigPath)
		if f == nil {
			return nil
		}
		c, typed := f.Value.(*logs.Collector)
		if !typed {
			out.Append(at(in, f.Source, check, f.Path, "%v", errUntypedCollector))
		}
		p := in.alloy()
		if p.err != nil {
			return append(out, at(in, f.Source, check, f.Path, "Alloy rejects the generated config: %v", p.err))
		}
		if typed {
			out.Append(alloyEncodingDiffs(in, f.Path, f.Source, c, p.f)...)
		}
		return out
	},
}

// alloyParse is the generated Alloy config parsed with Alloy's own parser
// (f nil when none was generated).
type alloyParse struct {
	f   *ast.File
	err error
}

// parseAlloy parses the generated Alloy config.
func parseAlloy(in *Input) alloyParse {
	f := in.File(logs.AlloyConfigPath)
	if f == nil {
		return alloyParse{}
	}
	af, err := alloyparser.ParseFile(f.Path, f.Data)
	return alloyParse{af, err}
}

// alloyEncodingDiffs compares the pipelines read back from the parsed
// config with those the generator rendered, and reports each difference at
// the spec path of the stage (or workload) it is in.
func alloyEncodingDiffs(in *Input, file, fileSource string, c *logs.Collector, f *ast.File) (out diag.List) {
	const check = "logs/alloy-parse"
	emitted := emittedAlloyPipelines(f)
	for _, p := range c.Pipelines {
		e, ok := emitted[p.ID]
		delete(emitted, p.ID)
		if !ok || !e.relabeled || !e.processed {
			out.Append(at(in, p.Source, check, file, "pipeline %q: the config has no discovery.relabel and loki.process %q: the workload's logs are not collected", p.ID, p.ID))
			continue
		}
		if e.err != nil {
			out.Append(at(in, p.Source, check, file, "pipeline %q: %v", p.ID, e.err))
			continue
		}
		for j := range max(len(e.rules), len(p.Rules)) {
			if got, want := nth(e.rules, j), nth(p.Rules, j); !reflect.DeepEqual(got, want) {
				out.Append(at(in, p.Source, check, file, "pipeline %q: rule %d is emitted as %s, the generator made %s", p.ID, j, jsonText(got), jsonText(want)))
			}
		}
		for i := range max(len(e.stages), len(p.Stages)) {
			if reflect.DeepEqual(nth(e.stages, i), nth(p.Stages, i)) {
				continue
			}
			src := p.Source
			if i < len(p.StageSources) {
				src = p.StageSources[i]
			}
			out.Append(at(in, src, check, file, "pipeline %q: stage %d is emitted as %s, the generator made %s", p.ID, i, jsonText(nth(e.stages, i)), jsonText(nth(p.Stages, i))))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(emitted)) {
		out.Append(at(in, fileSource, check, file, "the config has a pipeline %q the generator did not make", id))
	}
	return out
}

// emittedAlloy is one workload's pipeline as the config says it.
type emittedAlloy struct {
	// relabeled, processed: a discovery.relabel, a loki.process has the label.
	relabeled, processed bool
	rules                []logs.RelabelRule
	stages               []logs.Stage
	err                  error
}

// emittedAlloyPipelines reads each discovery.relabel's rules and the
// stages of the loki.process of the same label, by label.
func emittedAlloyPipelines(f *ast.File) map[string]*emittedAlloy {
	out := map[string]*emittedAlloy{}
	for _, b := range alloyBlocks(f.Body, "discovery.relabel") {
		e := &emittedAlloy{relabeled: true}
		out[b.Label] = e
		for _, rb := range alloyBlocks(b.Body, "rule") {
			var r logs.RelabelRule
			for _, a := range []struct {
				name string
				v    any
			}{
				{"source_labels", &r.SourceLabels}, {"separator", &r.Separator}, {"regex", &r.Regex},
				{"target_label", &r.TargetLabel}, {"replacement", &r.Replacement}, {"action", &r.Action},
			} {
				if _, err := alloyAttr(rb.Body, a.name, a.v); err != nil && e.err == nil {
					e.err = fmt.Errorf("rule %d: %s: %w", len(e.rules), a.name, err)
				}
			}
			e.rules = append(e.rules, r)
		}
	}
	for _, b := range alloyBlocks(f.Body, "loki.process") {
		e := out[b.Label]
		if e == nil {
			e = &emittedAlloy{}
			out[b.Label] = e
		}
		e.processed = true
		for _, st := range b.Body {
			sb, ok := st.(*ast.BlockStmt)
			if !ok || len(sb.Name) != 2 || sb.Name[0] != "stage" {
				continue
			}
			s, err := emittedStage(sb)
			if err != nil && e.err == nil {
				e.err = fmt.Errorf("stage %d (stage.%s): %w", len(e.stages), sb.Name[1], err)
			}
			e.stages = append(e.stages, s)
		}
	}
	return out
}

// emittedStage evaluates a stage block into the generator's type.
func emittedStage(b *ast.BlockStmt) (logs.Stage, error) {
	var s logs.Stage
	var attrs []struct {
		name string
		v    any
	}
	add := func(name string, v any) {
		attrs = append(attrs, struct {
			name string
			v    any
		}{name, v})
	}
	switch b.Name[1] {
	case "cri":
		s.CRI = &logs.CRIStage{}
	case "label_drop":
		s.LabelDrop = &logs.LabelDropStage{}
		add("values", &s.LabelDrop.Values)
	case "drop":
		s.Drop = &logs.DropStage{}
		add("source", &s.Drop.Source)
		add("expression", &s.Drop.Expression)
		add("drop_counter_reason", &s.Drop.Reason)
	case "match":
		s.Match = &logs.MatchStage{}
		add("selector", &s.Match.Selector)
		add("action", &s.Match.Action)
		add("drop_counter_reason", &s.Match.Reason)
	case "regex":
		s.Regex = &logs.RegexStage{}
		add("expression", &s.Regex.Expression)
	default:
		return s, fmt.Errorf("a stage the generator does not make")
	}
	for _, a := range attrs {
		if _, err := alloyAttr(b.Body, a.name, a.v); err != nil {
			return s, fmt.Errorf("%s: %w", a.name, err)
		}
	}
	return s, nil
}

func alloyBlocks(body ast.Body, name string) []*ast.BlockStmt {
	var out []*ast.BlockStmt
	for _, st := range body {
		if b, ok := st.(*ast.BlockStmt); ok && strings.Join(b.Name, ".") == name {
			out = append(out, b)
		}
	}
	return out
}

// alloyAttr evaluates a constant attribute of body into v.
func alloyAttr(body ast.Body, name string, v any) (found bool, err error) {
	for _, st := range body {
		if a, ok := st.(*ast.AttributeStmt); ok && a.Name.Name == name {
			return true, vm.New(a.Value).Evaluate(nil, v)
		}
	}
	return false, nil
}
