package ruletests

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/template"
)

// expander expands the templates of one workload's expected alerts
// (firing) together. Setting up an expansion (Prometheus's function map
// copied into a new text/template, about 18 kB) costs more than parsing and
// running a short text, and a workload's alerts have about six texts: they
// are expanded as one template set, each text a template of its own run
// on its own data, and the result split. The outputs are exactly those of
// separate expansions (expand) when the set parses and runs, which
// batchable makes sure of for the texts it lets in; otherwise each text is
// expanded alone, so errors are the ones expand gives, in order.
// TestBatchIsExpand and FuzzBatchIsExpand compare the two.
type expander struct {
	reqs []expansion
}

// expansion is one text to expand, and where its output goes.
type expansion struct {
	alert, what, key string // for errors: alert <alert>: <what> <key>: ...
	text             string
	l                labelSet
	v                float64
	dst              map[string]string
}

func (ex *expander) add(e expansion) { ex.reqs = append(ex.reqs, e) }

// run expands the queued texts into their maps and returns the first
// failure, in the order they were queued.
func (ex *expander) run() error {
	reqs := ex.reqs
	ex.reqs = nil
	outs, batched := batch(reqs)
	for i, r := range reqs {
		var out string
		var err error
		if batched[i] {
			out, err = checkExpansion(r.text, outs[i], r.l)
		} else {
			out, err = expand(r.alert, r.text, r.l, r.v)
		}
		if err != nil {
			return fmt.Errorf("alert %s: %w", r.alert, fmt.Errorf("%s %s: %w", r.what, r.key, err))
		}
		r.dst[r.key] = out
	}
	return nil
}

// batchSep separates the outputs of the texts of a batch; an output that
// holds it sends the batch back to separate expansions. No proper prefix of
// it is a suffix of it, so two occurrences cannot overlap: one that is not
// a separator lies within an output, and the outputs split into one part
// more than the texts (FuzzBatchIsExpand found an output ending with a
// prefix of a separator with a border, which split at the wrong place).
const batchSep = "\x00\x1d\x1e"

// batch expands the texts of reqs that batchable lets in, when there are
// at least two, as one template set: the main template calls each text's
// (defs and the text) on its data, `{{template "pI" index . I}}`, with
// batchSep between them. A called template runs as a template of its own:
// dot and $ are its data, its variables its own. in[i]: outs[i] is the
// expansion of reqs[i].
func batch(reqs []expansion) (outs []string, in []bool) {
	in = make([]bool, len(reqs))
	var idx []int
	for i, r := range reqs {
		if strings.Contains(r.text, "{{") && batchable(r.text) {
			idx = append(idx, i)
		}
	}
	if len(idx) < 2 {
		return nil, in
	}
	var b strings.Builder
	data := make([]any, len(idx))
	for j, i := range idx {
		if j > 0 {
			b.WriteString(batchSep)
		}
		b.WriteString(`{{template "p` + strconv.Itoa(j) + `" index . ` + strconv.Itoa(j) + `}}`)
		data[j] = alertData(reqs[i].l, reqs[i].v)
	}
	for j, i := range idx {
		// The newline in the closing action ends a quoted string or
		// character constant the text leaves open with a parse error
		// (they cannot hold one), rather than letting it run on.
		b.WriteString(`{{define "p` + strconv.Itoa(j) + `"}}` + defs + reqs[i].text + "{{end\n}}")
	}
	out, err := template.NewTemplateExpander(context.Background(), b.String(), "__alerts", data, 0, noQuery, nil, nil).Expand()
	if err != nil {
		return nil, in
	}
	parts := strings.Split(out, batchSep)
	if len(parts) != len(idx) {
		return nil, in
	}
	outs = make([]string, len(reqs))
	for j, i := range idx {
		outs[i], in[i] = parts[j], true
	}
	return outs, in
}

// notBatchable finds what could make a text, set between the batch's
// `{{define "pI"}}` + defs and `{{end}}`, mean something else than alone
// without a parse error: the keywords that end, define or call templates
// (an `{{end}}` of the text's own would close the define early, and what
// follows could define "pJ"), raw strings and comments (they span lines and
// could run into the next text). Any occurrence counts, in prose too (the
// text is then expanded alone). Control structures need an end, so a text
// let in has none: actions with pipelines only; one left open (an if
// without end) takes the define's end and leaves the define open, a parse
// error.
var notBatchable = regexp.MustCompile("\\b(end|define|block|template)\\b|`|/\\*")

func batchable(text string) bool {
	return !strings.Contains(text, batchSep) && !notBatchable.MatchString(text)
}
