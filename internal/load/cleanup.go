package load

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	cueerrors "cuelang.org/go/cue/errors"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// rawErr is a CUE error reduced to what the cleanup needs.
type rawErr struct {
	path string // without the #Spec prefix
	msg  string
	pos  diag.Pos
	// where are the places in the user's files the error names, when
	// more than one (the two sides of a conflict).
	where []string
}

var (
	conflictRE   = regexp.MustCompile(`^conflicting values (.+) and (.+)$`)
	mismatchRE   = regexp.MustCompile(` \(mismatched types (\S+) and (\S+)\)$`)
	incompleteRE = regexp.MustCompile(`^(incomplete value|non-concrete value) `)
	// boundsRE: bounds no value of the user's type meets (max: 2 against
	// >0 & <1: no integer is in between), which CUE words without the value.
	boundsRE = regexp.MustCompile(`^incompatible (?:integer|number|float) bounds (.+) and (.+)$`)
)

const msgMissing = "required field is missing"

// cleanup turns CUE's errors into one readable diagnostic per problem. A
// default such as `*"5m" | #Duration` makes CUE report every failed branch of
// the disjunction ("conflicting values "5m" and "5 min"", "invalid value ...",
// "2 errors in empty disjunction"); the user wants the one that explains.
//
// value returns the user's own value at a path, as CUE prints it, to quote
// it where CUE's message does not.
func cleanup(errs []cueerrors.Error, positions map[string]diag.Pos, value func(path string) (string, bool)) diag.List {
	byPath := map[string][]rawErr{}
	var order []string
	for _, e := range errs {
		format, args := e.Msg()
		r := rawErr{
			path: strings.TrimPrefix(strings.TrimPrefix(strings.Join(e.Path(), "."), "#Spec"), "."),
			msg:  explainMessage(fmt.Sprintf(format, args...)),
			pos:  pickPos(e),
		}
		if where := userPositions(e); len(where) > 1 {
			r.where = where
		}

		if m := boundsRE.FindStringSubmatch(r.msg); m != nil {
			if v, ok := value(r.path); ok {
				r.msg = fmt.Sprintf("invalid value %s: want a number %s and %s", v, m[1], m[2])
			}
		}
		if _, ok := byPath[r.path]; !ok {
			order = append(order, r.path)
		}
		// validateDeep sees an error again from each subtree it is in.
		if !slices.ContainsFunc(byPath[r.path], func(o rawErr) bool { return o.msg == r.msg }) {
			byPath[r.path] = append(byPath[r.path], r)
		}
	}
	var out diag.List
	for _, path := range order {
		if strings.HasPrefix(path, "#") && len(order) > 1 {
			// the same error seen from inside a schema definition
			continue
		}
		if dependsOnBadKind(path, byPath) || dependsOnBadInference(path, byPath) {
			continue
		}
		for _, r := range explain(byPath[path], value) {
			if r.msg == msgMissing {
				if _, written := positions[PathString(splitPath(r.path)...)]; written {
					// The user wrote the field: its value is a
					// reference that never resolves, not a hole.
					r.msg = "its value is never known: it refers to a field that refers back to it (a reference cycle) or that has no value"
				}
			}
			pos := r.pos
			if !pos.IsValid() || pos.File == SchemaFile {
				pos = nearest(positions, r.path, pos)
			}
			msg := r.msg
			if r.where != nil && conflictRE.MatchString(msg) {
				msg += " (set at " + strings.Join(r.where, " and ") + ")"
			}
			if r.path != "" {
				msg = r.path + ": " + msg
			}
			out.Add(pos, "cue", "%s", msg)
		}
	}
	return out
}

// explain reduces the errors of one path.
func explain(rs []rawErr, value func(path string) (string, bool)) []rawErr {
	var invalid, conflicts, incomplete, other []rawErr
	for _, r := range rs {
		switch {
		case strings.Contains(r.msg, "errors in empty disjunction"):
			// a header; the branches follow
		case strings.HasPrefix(r.msg, "invalid value"), boundsRE.MatchString(r.msg):
			invalid = append(invalid, r)
		case conflictRE.MatchString(r.msg):
			conflicts = append(conflicts, r)
		case incompleteRE.MatchString(r.msg):
			incomplete = append(incomplete, r)
		default:
			other = append(other, r)
		}
	}
	out := other
	switch {
	case len(invalid) > 0:
		out = append(out, invalid...)
	case len(conflicts) == 1 && (!mismatchRE.MatchString(conflicts[0].msg) || conflicts[0].where != nil):
		// One conflict, or the user's files contradict each other
		// (both sides are the user's, where says which): as it is.
		out = append(out, conflicts[0])
	case len(conflicts) > 0:
		out = append(out, mergeConflicts(conflicts, value))
	}
	if len(out) == 0 && len(incomplete) > 0 {
		r := incomplete[0]
		if strings.HasSuffix(r.path, ".0") {
			r.path = strings.TrimSuffix(r.path, ".0")
			r.msg = "needs at least one element"
		} else {
			r.msg = msgMissing
		}
		out = append(out, r)
	}
	if len(out) == 0 && len(rs) > 0 {
		out = append(out, rs[0])
	}
	return out
}

// nearest finds where the user wrote path or, failing that, its closest
// ancestor: a missing field is reported at the struct that lacks it.
func nearest(positions map[string]diag.Pos, path string, fallback diag.Pos) diag.Pos {
	sels := splitPath(path)
	for i := len(sels); i > 0; i-- {
		if p, ok := positions[PathString(sels[:i]...)]; ok {
			return p
		}
	}
	// Nothing of it was written: point at the first thing the user wrote.
	var first diag.Pos
	for _, p := range positions {
		if !first.IsValid() || p.File < first.File || (p.File == first.File && (p.Line < first.Line || (p.Line == first.Line && p.Col < first.Col))) {
			first = p
		}
	}
	if first.IsValid() {
		return diag.Pos{File: first.File, Line: 1, Col: 1}
	}
	return fallback
}

// splitPath splits a CUE error path ("a.b."c.d".e") into selectors.
func splitPath(path string) []string {
	var sels []string
	var cur strings.Builder
	inQuote := false
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\\' && inQuote && i+1 < len(path):
			i++
			cur.WriteByte(path[i])
		case c == '.' && !inQuote:
			sels = append(sels, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 || len(sels) > 0 {
		sels = append(sels, cur.String())
	}
	return sels
}

// mergeConflicts explains the failed branches of one disjunction: the value
// the user gave is the one every branch conflicts with.
func mergeConflicts(conflicts []rawErr, value func(path string) (string, bool)) rawErr {
	count := map[string]int{}
	var pairs [][2]string
	mismatch := ""
	for _, c := range conflicts {
		msg := c.msg
		if m := mismatchRE.FindStringSubmatch(msg); m != nil {
			mismatch = m[0]
			msg = strings.TrimSuffix(msg, m[0])
		}
		m := conflictRE.FindStringSubmatch(msg)
		pairs = append(pairs, [2]string{m[1], m[2]})
		count[m[1]]++
		if m[2] != m[1] {
			count[m[2]]++
		}
	}
	// The user's value conflicts with every branch; when that does not
	// tell it (one branch: both sides count once), the user's own value
	// does.
	given := ""
	if v, ok := value(conflicts[0].path); ok && count[sameValue(v, count)] == len(conflicts) {
		given = sameValue(v, count)
	} else {
		for v, n := range count {
			if n == len(conflicts) && (given == "" || v < given) {
				given = v
			}
		}
	}
	r := conflicts[0]
	if given == "" {
		return r
	}
	var want []string
	for _, p := range pairs {
		for _, v := range p {
			if v != given {
				want = append(want, v)
			}
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if mismatch != "" && IsCredentialPath(strings.Join(splitPath(r.path), ".")) && strings.HasPrefix(given, "{") {
		// A credential is a Secret reference (or a literal, to be
		// refused): a struct of other fields is a wrong reference.
		r.msg = fmt.Sprintf("%s is not a Secret reference: want {secret: \"NAME\", key: \"KEY\"}", given)
		return r
	}
	if mismatch != "" {
		m := mismatchRE.FindStringSubmatch(mismatch)
		r.msg = fmt.Sprintf("%s is of type %s, want %s", given, m[1], m[2])
		if strings.HasPrefix(given, m[2]) || given == m[2] {
			r.msg = fmt.Sprintf("%s is of type %s, want %s", given, m[2], m[1])
		}
		return r
	}
	r.msg = fmt.Sprintf("%s is not allowed; want one of %s", given, strings.Join(want, ", "))
	return r
}

// dependsOnBadKind reports whether every error at path is an incomplete value
// while a `kind` field beside it or above it is wrong: defaults computed from
// the kind (the selector, the chart version) cannot resolve, and saying so
// would only repeat the kind error.
func dependsOnBadKind(path string, byPath map[string][]rawErr) bool {
	for _, r := range byPath[path] {
		if !incompleteRE.MatchString(r.msg) {
			return false
		}
	}
	sels := splitPath(path)
	for i := len(sels) - 1; i >= 0; i-- {
		kind := PathString(append(slices.Clone(sels[:i]), "kind")...)
		if kind != path && len(byPath[kind]) > 0 {
			return true
		}
	}
	return false
}

// dependsOnBadInference reports that path is a workload's metrics port or
// path, incomplete only because the workload's inference block has an
// error, or the preset of an unknown inference.server: their values come
// from inference.server's preset (#Servers), which an erroneous block
// cannot give, and saying so would only repeat that error.
func dependsOnBadInference(path string, byPath map[string][]rawErr) bool {
	sels := splitPath(path)
	// The schema's `let preset = #Servers[server]` fails with the server:
	// the server's own error says why.
	if len(sels) == 4 && sels[0] == "workloads" && sels[2] == "inference" && sels[3] == "preset" {
		return len(byPath[PathString("workloads", sels[1], "inference", "server")]) > 0
	}
	if len(sels) != 4 || sels[0] != "workloads" || sels[2] != "metrics" || (sels[3] != "port" && sels[3] != "path") {
		return false
	}
	for _, r := range byPath[path] {
		if !incompleteRE.MatchString(r.msg) {
			return false
		}
	}
	prefix := PathString("workloads", sels[1], "inference")
	for p := range byPath {
		if p == prefix || strings.HasPrefix(p, prefix+".") {
			return true
		}
	}
	return false
}

// sameValue finds the value of the messages that is v: CUE prints a value
// on its own over several lines ("{\n\turl: \"x\"\n}") and in a message
// on one ("{url:\"x\"}").
func sameValue(v string, values map[string]int) string {
	flat := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == ',' {
				return -1
			}
			return r
		}, s)
	}
	for k := range values {
		if flat(k) == flat(v) {
			return k
		}
	}
	return v
}
