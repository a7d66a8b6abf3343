package cli

import (
	"fmt"
	"io"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// printNotes prints the remarks on a spec that built (model.Spec.Notes:
// what it asks that cannot be had, such as a server without an error
// signal), one per line, `file:line:col: note: check: message`, to w. They
// fail nothing; the JSON format, a list of problems, leaves them out.
func printNotes(w io.Writer, res *build.Result) {
	var notes diag.List
	notes.Append(res.Spec.Notes...)
	for _, e := range res.Environments {
		notes.Append(e.Notes...)
	}
	for _, n := range notes.Sorted() {
		fmt.Fprintf(w, "%s: note: %s: %s\n", n.Pos, n.Check, n.Message)
	}
}
