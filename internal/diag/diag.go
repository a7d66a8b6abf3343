// Package diag is the one diagnostic type every stage reports problems with:
// a position in the user's CUE, the name of the check, a message. Stages
// collect diagnostics instead of stopping at the first one.
package diag

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Pos is a position in a user's file. The zero Pos means "no position".
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

func (p Pos) IsValid() bool { return p.File != "" }

func (p Pos) String() string {
	if !p.IsValid() {
		return "-"
	}
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Diagnostic is one problem.
type Diagnostic struct {
	Pos Pos `json:"pos"`
	// Check names the check that found the problem ("cue" for schema errors).
	Check   string `json:"check"`
	Message string `json:"message"`
	// Detail is a second line, typically where in the generated output the
	// problem shows (generated-file positions are never the primary one).
	Detail string `json:"detail,omitempty"`
}

func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Check != "" {
		b.WriteString(d.Check)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	if d.Detail != "" {
		b.WriteString("\n\t")
		b.WriteString(strings.ReplaceAll(d.Detail, "\n", "\n\t"))
	}
	return b.String()
}

// List collects diagnostics.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(pos Pos, check, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Check: check, Message: fmt.Sprintf(format, args...)})
}

// Append appends whole diagnostics.
func (l *List) Append(ds ...Diagnostic) { *l = append(*l, ds...) }

// Sorted returns the diagnostics ordered by file, line, column, check and
// message, with exact duplicates removed.
func (l List) Sorted() List {
	out := slices.Clone(l)
	slices.SortStableFunc(out, compare)
	return slices.CompactFunc(out, func(a, b Diagnostic) bool { return compare(a, b) == 0 })
}

func compare(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.Pos.File, b.Pos.File),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Col, b.Pos.Col),
		cmp.Compare(a.Check, b.Check),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Detail, b.Detail),
	)
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return &Error{List: l.Sorted()}
}

// Error carries a sorted list of diagnostics.
type Error struct{ List List }

func (e *Error) Error() string {
	lines := make([]string, len(e.List))
	for i, d := range e.List {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// WriteText prints one diagnostic per line (plus detail lines).
func WriteText(w io.Writer, l List) {
	for _, d := range l {
		fmt.Fprintln(w, d.String())
	}
}

// WriteJSON prints the diagnostics as one JSON array.
func WriteJSON(w io.Writer, l List) error {
	if l == nil {
		l = List{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(l)
}
