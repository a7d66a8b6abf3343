package load

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// patterns says in words what each regular expression of the schema
// asks for (for a refusing bound, !~, what it leaves: the zero duration
// pattern asks for "a duration above zero"), keyed by the expression as
// schema.cue writes it. CUE's own
// message ("out of bound =~"^([0-9]+(ms|s|m|h|d|w|y))+$"") leaves the
// user to read the regex. TestEveryPatternDescribed keeps the table in
// step with the schema.
var patterns = map[string]string{
	`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`: "a name of lower-case letters, digits and '-', starting and ending with a letter or digit (a DNS-1123 label)",
	`^([0-9]+(ms|s|m|h|d|w|y))+$`:     `a Prometheus duration: numbers with units ms, s, m, h, d, w or y, such as "30s", "5m" or "1h30m"`,
	`^(0+(ms|s|m|h|d|w|y))+$`:         "a duration above zero",
	`^[a-zA-Z_][a-zA-Z0-9_]*$`:        "letters, digits and '_', not starting with a digit (a Prometheus label name)",
	`^[a-zA-Z_:][a-zA-Z0-9_:]*$`:      "letters, digits, '_' and ':', not starting with a digit (a Prometheus metric name)",
	`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`: "a Kubernetes label key: an optional DNS prefix and '/', then letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
	`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`:                                                                 "a Kubernetes label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
	`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`:                                                                  `an exact version such as "88.5.3" (no ranges: builds must be reproducible)`,
	`^[-._a-zA-Z0-9]+$`:     "a Secret key: letters, digits, '-', '_' and '.'",
	`^(https?|oci)://`:      "a URL starting with https://, http:// or oci://",
	`^[0-9]+(Ki|Mi|Gi|Ti)$`: `a size such as "50Gi" (units Ki, Mi, Gi, Ti)`,
	`^https?://`:            "a URL starting with http:// or https://",
	`^[^/"\\]+$`:            `a name without '/', '"' or '\'`,
	`^https?://[^\s]*[^/]$`: "a URL starting with http:// or https://, without spaces or a trailing '/'",
	`^/[^\s]*$`:             "a path starting with '/', without spaces",
	`^[#@]?[^\s]+$`:         `a Slack channel such as "#alerts" or "@someone", without spaces`,
	`^[^@\s]+@[^@\s]+$`:     "an email address",
	`^[^:\s]+:[0-9]+$`:      `host:port, such as "smtp.example.com:587"`,
	`^[A-Za-z0-9]([-A-Za-z0-9_./:@+]*[A-Za-z0-9])?$`: `a model name: letters, digits, '-', '_', '.', '/', ':', '@' and '+', starting and ending with a letter or digit, such as "meta-llama/Llama-3.1-8B-Instruct"`,
}

// boundRE matches CUE's message for a value a regex bound refuses.
var boundRE = regexp.MustCompile(`^invalid value (.*) \(out of bound ([=!])~("(?:[^"\\]|\\.)*")\)$`)

// numBoundRE matches CUE's message for a number out of a numeric bound.
var numBoundRE = regexp.MustCompile(`^invalid value (-?[0-9][0-9.e+-]*) \(out of bound ([<>]=? ?-?[0-9][0-9.e+-]*)\)$`)

// describeBound rewrites "invalid value X (out of bound =~"re")" into what
// the value must be, when the schema's table knows re.
func describeBound(msg string) string {
	if v, ok := strings.CutSuffix(msg, ` (out of bound !="")`); ok {
		return v + ": want a value that is not empty"
	}
	if m := numBoundRE.FindStringSubmatch(msg); m != nil {
		return "invalid value " + m[1] + ": want a number " + m[2]
	}
	m := boundRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	re, err := strconv.Unquote(m[3])
	if err != nil {
		return msg
	}
	d, ok := patterns[re]
	if !ok {
		return msg
	}
	return "invalid value " + m[1] + ": want " + d
}

// keyRules say what a map's keys must be, for the maps whose keys the
// schema constrains: the path of the map, "*" standing for any selector.
var keyRules = []struct {
	path, pattern string
}{
	{"workloads", `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`},
	{"extraRules", `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`},
	{"alerting.receivers", `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`},
	{"environments", `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`},
	{"workloads.*.selector", `^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`},
	{"logs.extraLabels", `^[a-zA-Z_][a-zA-Z0-9_]*$`},
	{"alerting.routes.*.match", `^[a-zA-Z_][a-zA-Z0-9_]*$`},
	{"extraRules.*.rules.*.labels", `^[a-zA-Z_][a-zA-Z0-9_]*$`},
	{"extraRules.*.rules.*.annotations", `^[a-zA-Z_][a-zA-Z0-9_]*$`},
	{"slos", `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`},
	{"slos.*.labels", `^[a-zA-Z_][a-zA-Z0-9_]*$`},
	{"slos.*.alerting.*.labels", `^[a-zA-Z_][a-zA-Z0-9_]*$`},
	{"slos.*.alerting.*.annotations", `^[a-zA-Z_][a-zA-Z0-9_]*$`},
}

// keyRule returns what the keys of the map at path must be.
func keyRule(path []string) (string, bool) {
	for _, r := range keyRules {
		sels := strings.Split(r.path, ".")
		if len(sels) != len(path) {
			continue
		}
		ok := true
		for i, s := range sels {
			ok = ok && (s == "*" || s == path[i])
		}
		if ok {
			return patterns[r.pattern], true
		}
	}
	return "", false
}

// apiVersionRE: the user's apiVersion against the schema's (the only
// field whose conflict is with a constant, not a default).
var apiVersionRE = regexp.MustCompile(`^conflicting values ("[^"]*") and ("dataopsgen\.dev/[^"]*")$`)

var importRE = regexp.MustCompile(`^package "([^"]+)" imported but not defined in`)

// explainMessage rewords a CUE message where it leaves out what the user
// needs: the meaning of a regex bound, the second place of a conflict, why
// an import fails.
func explainMessage(msg string) string {
	if m := apiVersionRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s is not a spec version this dataopsgen reads: it reads %s", m[1], m[2])
	}
	if m := importRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("cannot import %q: a spec is plain CUE, unified with the schema built into dataopsgen, "+
			"so it can import only CUE's standard library (\"strings\", \"list\", \"math\", ...)", m[1])
	}
	return describeBound(msg)
}

// userPositions lists the distinct places in the user's files an error
// names, in order.
func userPositions(e cueerrors.Error) []string {
	var out []string
	for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
		dp := position(p)
		if !dp.IsValid() || dp.File == SchemaFile {
			continue
		}
		s := dp.String()
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// userValue returns a lookup of the user's concrete values (before the
// schema), printed as CUE prints them in messages.
func userValue(user cue.Value) func(path string) (string, bool) {
	return func(path string) (string, bool) {
		if path == "" {
			return "", false
		}
		sels := splitPath(path)
		cs := make([]cue.Selector, len(sels))
		for i, s := range sels {
			if allDigits(s) {
				n, _ := strconv.Atoi(s)
				cs[i] = cue.Index(n)
			} else {
				cs[i] = cue.Str(s)
			}
		}
		v := user.LookupPath(cue.MakePath(cs...))
		if !v.Exists() || v.Validate(cue.Concrete(true)) != nil {
			return "", false
		}
		return fmt.Sprint(v), true
	}
}

// importFailed reports whether the user's files import what cannot be had.
func importFailed(l diag.List) bool {
	return slices.ContainsFunc(l, func(d diag.Diagnostic) bool { return strings.Contains(d.Message, "cannot import ") })
}
