package logs

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Stage is one pipeline stage: exactly one field is set. For Alloy it is an
// element of loki.process's `stage.<name>` enum; for Promtail one item of
// pipeline_stages. The stages we use have the same fields in both.
type Stage struct {
	CRI       *CRIStage       `json:"cri,omitempty" alloy:"cri,block,optional"`
	LabelDrop *LabelDropStage `json:"labeldrop,omitempty" alloy:"label_drop,block,optional"`
	Drop      *DropStage      `json:"drop,omitempty" alloy:"drop,block,optional"`
	Match     *MatchStage     `json:"match,omitempty" alloy:"match,block,optional"`
	Regex     *RegexStage     `json:"regex,omitempty" alloy:"regex,block,optional"`
}

// CRIStage parses the CRI log format (timestamp, stream, flags) and joins
// partial lines.
type CRIStage struct{}

// LabelDropStage is Alloy's `stage.label_drop { values = [...] }` and
// Promtail's `labeldrop: [...]` (a bare list, hence MarshalJSON).
type LabelDropStage struct {
	Values []string `alloy:"values,attr"`
}

func (l LabelDropStage) MarshalJSON() ([]byte, error) { return json.Marshal(l.Values) }

// UnmarshalJSON reads the bare list back (logs/promtail-decode decodes the
// emitted config into these types).
func (l *LabelDropStage) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &l.Values) }

// DropStage drops a line when Expression matches it (no Source) or matches
// the extracted value Source (an absent value is matched as "").
type DropStage struct {
	Source     string `json:"source,omitempty" alloy:"source,attr,optional"`
	Expression string `json:"expression" alloy:"expression,attr"`
	Reason     string `json:"drop_counter_reason,omitempty" alloy:"drop_counter_reason,attr,optional"`
}

// MatchStage with action "drop" drops the lines its LogQL selector matches.
type MatchStage struct {
	Selector string `json:"selector" alloy:"selector,attr"`
	Action   string `json:"action" alloy:"action,attr"`
	Reason   string `json:"drop_counter_reason,omitempty" alloy:"drop_counter_reason,attr,optional"`
}

// RegexStage extracts the named groups of Expression from the line.
type RegexStage struct {
	Expression string `json:"expression" alloy:"expression,attr"`
}

// levelKey is the extracted-map key the detected level goes into (prefixed
// so that it cannot collide with what other stages extract).
const levelKey = "dataops_level"

// levelRegex finds a level in logfmt (level=info), JSON ("level":"info") and
// "level: info" lines.
const levelRegex = `(?i)\blevel"?[=:]\s*"?(?P<` + levelKey + `>trace|debug|info|warn|warning|error|fatal)\b`

// below maps a minLevel to the levels under it.
var below = map[string]string{
	"debug": "trace",
	"info":  "trace|debug",
	"warn":  "trace|debug|info",
	"error": "trace|debug|info|warn|warning",
}

// filenameLabel is added to every line by both collectors' file tailers; it
// changes with every container restart, so it is dropped (streams carry
// namespace/pod/container instead).
const filenameLabel = "filename"

// stages is one workload's pipeline: CRI parsing, then its filters. Drop and
// keep regexes match anywhere in the line (unanchored, as in LogQL).
// valid tells whether a filter regex compiles; it remembers the answer, as
// the same filters recur across many workloads.
type validRegexes map[string]bool

func (v validRegexes) ok(re string) bool {
	ok, seen := v[re]
	if !seen {
		_, err := regexp.Compile(re)
		ok = err == nil
		v[re] = ok
	}
	return ok
}

// stages returns w's stages and, in parallel, the spec path each comes from.
func stages(w *model.Workload, valid validRegexes) ([]Stage, []string, error) {
	out := []Stage{
		{CRI: &CRIStage{}},
		{LabelDrop: &LabelDropStage{Values: []string{filenameLabel}}},
	}
	logs := w.Path("logs")
	sources := []string{logs, logs}
	for i, re := range w.Logs.Drop {
		if !valid.ok(re) {
			continue // refused by the logs/filter-regex check, at its position
		}
		re, err := helmSafeRegex(re)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, Stage{Drop: &DropStage{Expression: re, Reason: "dataops_drop"}})
		sources = append(sources, w.Path("logs", "drop", strconv.Itoa(i)))
	}
	if len(w.Logs.Keep) > 0 {
		var alts []string
		for _, re := range w.Logs.Keep {
			if !valid.ok(re) {
				continue // refused by the logs/filter-regex check, at its position
			}
			re, err := helmSafeRegex(re)
			if err != nil {
				return nil, nil, err
			}
			alts = append(alts, "(?:"+re+")")
		}
		// "Drop what matches none of them": a negated LogQL line filter. The
		// label matcher only satisfies LogQL's need for a stream selector.
		sel := "{" + stack.LabelWorkload + "=" + stack.QuoteLabelValue(w.Name) + "} !~ " +
			strconv.Quote(strings.Join(alts, "|"))
		out = append(out, Stage{Match: &MatchStage{Selector: sel, Action: "drop", Reason: "dataops_keep"}})
		sources = append(sources, w.Path("logs", "keep"))
	}
	if lv := below[w.Logs.MinLevel]; lv != "" {
		out = append(out,
			Stage{Regex: &RegexStage{Expression: levelRegex}},
			// Anchored: a line without a level extracts nothing, is matched
			// as "" and kept.
			Stage{Drop: &DropStage{Source: levelKey, Expression: "^(?i:" + lv + ")$", Reason: "dataops_min_level"}},
		)
		minLevel := w.Path("logs", "minLevel")
		sources = append(sources, minLevel, minLevel)
	}
	return out, sources, nil
}
