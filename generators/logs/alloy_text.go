package logs

import (
	"fmt"

	"github.com/grafana/alloy/syntax/scanner"
)

// alloyText writes the Alloy config directly, byte for byte what
// alloyConfigBuilder writes. The builder encodes the typed arguments by
// reflection, prints them as text, parses that text and pretty-prints the
// tree (tabwriter alignment included): at 1,000 workloads that was ~0.4
// CPU-s and ~230 MB of garbage for a 2 MB file. Our blocks have a fixed
// shape, so the printer's layout reduces to a few rules:
//
//   - a blank line comes before every block but the first statement of a
//     body (or of the file); attributes come before blocks;
//   - a run of attribute lines aligns "=" one blank after the longest name;
//   - a block without statements prints as `name { }`;
//   - strings are Go-quoted (%q), arrays are `[a, b]`.
//
// Where the printer's output is not obvious from these rules (a string with
// a byte %q would escape other than `"` and `\`, a required list left nil)
// alloyText reports !ok and the builder renders the config.
// TestAlloyTextMatchesBuilder compares both.
func alloyText(p *plan) (out []byte, ok bool, err error) {
	w := &alloyWriter{b: make([]byte, 0, 1024+3072*len(p.workloads)), ok: true} // ~2 KB a workload
	write := "loki.write." + alloyWrite + ".receiver"
	first := true
	sep := func() {
		if !first {
			w.b = append(w.b, '\n')
		}
		first = false
	}
	if len(p.workloads) > 0 {
		sep()
		w.open(0, "discovery.kubernetes", alloyPods)
		w.attrs(1, attr{name: "role", s: "pod"})
		w.b = append(w.b, '\n')
		w.open(1, "namespaces", "")
		w.attrs(2, attr{name: "names", kind: aStrs, ss: p.namespaces})
		w.close(1)
		w.b = append(w.b, '\n')
		w.open(1, "selectors", "")
		w.attrs(2, attr{name: "role", s: "pod"}, attr{name: "field", kind: aRaw, s: nodeFieldText})
		w.close(1)
		w.close(0)
	}
	for _, wp := range p.workloads {
		id := AlloyLabel(wp.w.Name)
		if !scanner.IsValidIdentifier(id) {
			return nil, false, fmt.Errorf("workload %q: no Alloy identifier (%q)", wp.w.Name, id)
		}
		sep()
		w.open(0, "discovery.relabel", id)
		w.attrs(1, attr{name: "targets", kind: aRaw, s: "discovery.kubernetes." + alloyPods + ".targets"})
		for _, r := range wp.rules {
			w.b = append(w.b, '\n')
			w.rule(1, r)
		}
		w.close(0)

		sep()
		w.open(0, "local.file_match", id)
		w.attrs(1, attr{name: "path_targets", kind: aRaw, s: "discovery.relabel." + id + ".output"})
		w.close(0)

		sep()
		w.open(0, "loki.source.file", id)
		w.attrs(1,
			attr{name: "targets", kind: aRaw, s: "local.file_match." + id + ".targets"},
			attr{name: "forward_to", kind: aRaws, ss: []string{"loki.process." + id + ".receiver"}},
		)
		w.close(0)

		sep()
		w.open(0, "loki.process", id)
		w.attrs(1, attr{name: "forward_to", kind: aRaws, ss: []string{write}})
		for _, st := range wp.stages {
			w.stage(1, st)
		}
		w.close(0)
	}
	sep()
	w.open(0, "loki.write", alloyWrite)
	w.open(1, "endpoint", "")
	w.attrs(2, attr{name: "url", s: p.pushURL})
	w.close(1)
	w.close(0)
	if !w.ok {
		return nil, false, nil
	}
	return w.b, true, nil
}

// nodeFieldText is nodeField as the printer prints it.
const nodeFieldText = `"spec.nodeName=" + coalesce(sys.env("HOSTNAME"), constants.hostname)`

type alloyWriter struct {
	b  []byte
	ok bool // false once something was met that only the builder renders surely
}

type attrKind int

const (
	aStr  attrKind = iota // s, quoted
	aStrs                 // ss, each quoted
	aRaw                  // s, an expression as is
	aRaws                 // ss, expressions as is
)

type attr struct {
	name string
	kind attrKind
	s    string
	ss   []string
}

func (w *alloyWriter) indent(depth int) {
	for range depth {
		w.b = append(w.b, '\t')
	}
}

// open starts a block with statements; close ends it.
func (w *alloyWriter) open(depth int, name, label string) {
	w.indent(depth)
	w.b = append(w.b, name...)
	if label != "" {
		w.b = append(w.b, ' ')
		w.quote(label)
	}
	w.b = append(w.b, " {\n"...)
}

func (w *alloyWriter) close(depth int) {
	w.indent(depth)
	w.b = append(w.b, "}\n"...)
}

// attrs writes one run of attributes, "=" aligned.
func (w *alloyWriter) attrs(depth int, as ...attr) {
	width := 0
	for _, a := range as {
		width = max(width, len(a.name))
	}
	for _, a := range as {
		w.indent(depth)
		w.b = append(w.b, a.name...)
		for range width - len(a.name) {
			w.b = append(w.b, ' ')
		}
		w.b = append(w.b, " = "...)
		switch a.kind {
		case aStr:
			w.quote(a.s)
		case aRaw:
			w.b = append(w.b, a.s...)
		case aStrs, aRaws:
			if a.ss == nil {
				w.ok = false // the builder's encoding of a nil list: not modelled
			}
			w.b = append(w.b, '[')
			for i, s := range a.ss {
				if i > 0 {
					w.b = append(w.b, ", "...)
				}
				if a.kind == aStrs {
					w.quote(s)
				} else {
					w.b = append(w.b, s...)
				}
			}
			w.b = append(w.b, ']')
		}
		w.b = append(w.b, '\n')
	}
}

// quote is %q for printable ASCII; anything else is left to the builder.
func (w *alloyWriter) quote(s string) {
	w.b = append(w.b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c >= 0x7f:
			w.ok = false
		case c == '"' || c == '\\':
			w.b = append(w.b, '\\')
		}
		w.b = append(w.b, c)
	}
	w.b = append(w.b, '"')
}

// rule is a discovery.relabel rule block; optional fields are omitted when
// zero (a nil list, an empty string), as the builder does.
func (w *alloyWriter) rule(depth int, r RelabelRule) {
	var buf [6]attr
	as := buf[:0]
	if r.SourceLabels != nil {
		as = append(as, attr{name: "source_labels", kind: aStrs, ss: r.SourceLabels})
	}
	if r.Separator != "" {
		as = append(as, attr{name: "separator", s: r.Separator})
	}
	if r.Regex != "" {
		as = append(as, attr{name: "regex", s: r.Regex})
	}
	if r.TargetLabel != "" {
		as = append(as, attr{name: "target_label", s: r.TargetLabel})
	}
	if r.Replacement != "" {
		as = append(as, attr{name: "replacement", s: r.Replacement})
	}
	as = append(as, attr{name: "action", s: r.Action})
	w.open(depth, "rule", "")
	w.attrs(depth+1, as...)
	w.close(depth)
}

// stage is one element of loki.process's stage enum: a block named after
// its first non-nil field (none: no block).
func (w *alloyWriter) stage(depth int, st Stage) {
	var buf [3]attr
	as := buf[:0]
	var name string
	switch {
	case st.CRI != nil:
		w.b = append(w.b, '\n')
		w.indent(depth)
		w.b = append(w.b, "stage.cri { }\n"...)
		return
	case st.LabelDrop != nil:
		name = "stage.label_drop"
		as = append(as, attr{name: "values", kind: aStrs, ss: st.LabelDrop.Values})
	case st.Drop != nil:
		name = "stage.drop"
		if st.Drop.Source != "" {
			as = append(as, attr{name: "source", s: st.Drop.Source})
		}
		as = append(as, attr{name: "expression", s: st.Drop.Expression})
		if st.Drop.Reason != "" {
			as = append(as, attr{name: "drop_counter_reason", s: st.Drop.Reason})
		}
	case st.Match != nil:
		name = "stage.match"
		as = append(as, attr{name: "selector", s: st.Match.Selector}, attr{name: "action", s: st.Match.Action})
		if st.Match.Reason != "" {
			as = append(as, attr{name: "drop_counter_reason", s: st.Match.Reason})
		}
	case st.Regex != nil:
		name = "stage.regex"
		as = append(as, attr{name: "expression", s: st.Regex.Expression})
	default:
		return
	}
	w.b = append(w.b, '\n')
	w.open(depth, name, "")
	w.attrs(depth+1, as...)
	w.close(depth)
}
