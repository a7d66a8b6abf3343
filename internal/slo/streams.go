package slo

import (
	"fmt"
	"maps"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
)

// Stream is one input series a test of the SLI needs: what a real source
// would export for good and bad events, named so that exactly the SLI's
// selectors that must read it do. Per step of a test, a counter stream grows
// by Good×(good events) + Bad×(bad events); a gauge stream is 1 while things
// are good and 0 while they are not.
type Stream struct {
	Metric string
	// Labels are the labels the SLI's matchers fix (the test adds the
	// scrape target's).
	Labels    map[string]string
	Good, Bad float64
	// Decoy streams must be read by none of the selectors: each breaks one
	// matcher of a stream that is, and carries bad events only.
	Decoy bool
	// Breaks is the matcher a decoy breaks.
	Breaks string
}

// Streams returns the input series that test the SLI: one stream per kind
// of event the selectors tell apart, and the decoys. It fails when no
// series can be what the selectors ask: errors (or good) and total that
// read no common series, errors that read series total does not (a bad
// event must be one of all events), matchers nothing satisfies.
//
// The numerator's events (bad ones for errors, good ones for good) go to
// a series both the numerator and total read when there is one (one
// counter with a status label; Triton's failure counter, a term of both);
// the other events to a series total reads and the numerator does not.
// When no series is read by both, the numerator and total are different
// counters (TGI's failures and requests, a histogram's le bucket and its
// count): an event of the numerator's increments both.
func (s *SLI) Streams() ([]Stream, error) {
	var out []Stream
	num, good := s.Bad, false
	if num == nil {
		num, good = s.Good, true
	}
	numName := "errors"
	if good {
		numName = "good"
	}
	if s.Gauge {
		l, ok := satisfy(s.Total[0].Matchers)
		if !ok {
			return nil, fmt.Errorf("no series can match %s", s.Total)
		}
		return s.withDecoys([]Stream{{Metric: s.Total[0].Metric, Labels: l, Good: 1}}), nil
	}
	var in *Stream // read by both
	sameMetric := false
	for _, n := range num {
		same := s.Total.ofMetric(n.Metric)
		sameMetric = sameMetric || len(same) > 0
		if len(same) == 1 {
			if err := subset(n, same[0], numName); err != nil {
				return nil, err
			}
		}
		for _, t := range same {
			if l, ok := satisfy(append(slices.Clone(n.Matchers), t.Matchers...)); ok && in == nil {
				in = &Stream{Metric: n.Metric, Labels: l}
			}
		}
	}
	if in == nil && sameMetric {
		return nil, fmt.Errorf("%s %s and total %s read no common series", numName, num, s.Total)
	}
	rest, err := s.others(num, in != nil, numName)
	if err != nil {
		return nil, err
	}
	switch {
	case in != nil && good:
		out = append(out, Stream{Metric: in.Metric, Labels: in.Labels, Good: 1}, Stream{Metric: rest.Metric, Labels: rest.Labels, Bad: 1})
	case in != nil:
		out = append(out, Stream{Metric: rest.Metric, Labels: rest.Labels, Good: 1}, Stream{Metric: in.Metric, Labels: in.Labels, Bad: 1})
	default:
		nl, ok := satisfy(num[0].Matchers)
		if !ok {
			return nil, fmt.Errorf("no series can match %s", num[0])
		}
		n := Stream{Metric: num[0].Metric, Labels: nl, Bad: 1}
		if good {
			n = Stream{Metric: num[0].Metric, Labels: nl, Good: 1}
		}
		out = append(out, n, Stream{Metric: rest.Metric, Labels: rest.Labels, Good: 1, Bad: 1})
	}
	return s.withDecoys(out), nil
}

// others finds the series of the other events: one total reads and num
// does not. Candidates first break one matcher of a numerator term of the
// same metric, then take a total term as it is.
func (s *SLI) others(num Sum, shared bool, numName string) (Stream, error) {
	for _, t := range s.Total {
		var cands [][]*labels.Matcher
		for _, n := range num.ofMetric(t.Metric) {
			for _, m := range n.Matchers {
				cands = append(cands, append(slices.Clone(t.Matchers), negate(m)))
			}
		}
		cands = append(cands, t.Matchers)
		for _, c := range cands {
			if l, ok := satisfy(c); ok && !num.Matches(t.Metric, l) {
				return Stream{Metric: t.Metric, Labels: l}, nil
			}
		}
	}
	if shared {
		return Stream{}, fmt.Errorf("every series total %s reads is also read by %s %s: it must pick out some of them", s.Total, numName, num)
	}
	return Stream{}, fmt.Errorf("no series can match %s", s.Total)
}

// ofMetric are the terms of metric name.
func (s Sum) ofMetric(name string) Sum {
	var out Sum
	for _, sel := range s {
		if sel.Metric == name {
			out = append(out, sel)
		}
	}
	return out
}

// withDecoys adds, to the streams, every stream again with one matcher of
// a selector reading it broken, bad events only.
func (s *SLI) withDecoys(out []Stream) []Stream {
	real := len(out)
	seen := map[string]bool{}
	for _, st := range out[:real] {
		for _, sel := range s.reading(st) {
			for _, m := range sel.Matchers {
				l := maps.Clone(st.Labels)
				v, ok := violating(m)
				if !ok {
					continue
				}
				setLabel(l, m.Name, v)
				d := Stream{Metric: st.Metric, Labels: l, Bad: st.Good + st.Bad, Decoy: true, Breaks: m.String()}
				if s.reads(d) {
					continue // breaking it alone does not leave every selector
				}
				key := d.Metric + fmt.Sprint(sortedPairs(d.Labels))
				if !seen[key] {
					seen[key] = true
					out = append(out, d)
				}
			}
		}
	}
	return out
}

// reading are the selectors that read stream st.
func (s *SLI) reading(st Stream) []Selector {
	var out []Selector
	for _, sel := range slices.Concat(s.Bad, s.Good, s.Total) {
		if sel.Matches(st.Metric, st.Labels) && !slices.ContainsFunc(out, func(o Selector) bool { return o.String() == sel.String() }) {
			out = append(out, sel)
		}
	}
	return out
}

// reads reports whether any selector reads st.
func (s *SLI) reads(st Stream) bool { return len(s.reading(st)) > 0 }

// subset reports a numerator of total's metric that can read a series
// total does not.
func subset(num, total Selector, name string) error {
	for _, m := range total.Matchers {
		if slices.ContainsFunc(num.Matchers, func(n *labels.Matcher) bool { return n.String() == m.String() }) {
			continue
		}
		if l, ok := satisfy(append(slices.Clone(num.Matchers), negate(m))); ok {
			return fmt.Errorf("%s %s reads series total %s does not (such as one with %s): every %s event must be one of total's; add %s to %s",
				name, num, total, describe(l, m.Name), strings.TrimSuffix(name, "s"), m, name)
		}
	}
	return nil
}

func describe(l map[string]string, name string) string {
	if v, ok := l[name]; ok {
		return fmt.Sprintf("%s=%q", name, v)
	}
	return "no " + name + " label"
}

func sortedPairs(l map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(l)) {
		out = append(out, k+"="+l[k])
	}
	return out
}

func setLabel(l map[string]string, name, v string) {
	if v == "" {
		delete(l, name)
	} else {
		l[name] = v
	}
}

// negate is the matcher that matches what m does not.
func negate(m *labels.Matcher) *labels.Matcher {
	t := map[labels.MatchType]labels.MatchType{
		labels.MatchEqual: labels.MatchNotEqual, labels.MatchNotEqual: labels.MatchEqual,
		labels.MatchRegexp: labels.MatchNotRegexp, labels.MatchNotRegexp: labels.MatchRegexp,
	}[m.Type]
	return labels.MustNewMatcher(t, m.Name, m.Value)
}

// satisfy finds label values that every matcher accepts ("" leaves the
// label out, which a matcher sees as the empty value).
func satisfy(ms []*labels.Matcher) (map[string]string, bool) {
	byName := map[string][]*labels.Matcher{}
	var names []string
	for _, m := range ms {
		if _, ok := byName[m.Name]; !ok {
			names = append(names, m.Name)
		}
		byName[m.Name] = append(byName[m.Name], m)
	}
	out := map[string]string{}
	for _, n := range names {
		v, ok := valueFor(byName[n])
		if !ok {
			return nil, false
		}
		setLabel(out, n, v)
	}
	return out, true
}

// fallbackValues are tried when no matcher suggests a value.
var fallbackValues = []string{"x", "ok", "200", "500", "1", "0", "other", "decoy", "+Inf", ""}

func valueFor(ms []*labels.Matcher) (string, bool) {
	var cands []string
	for _, m := range ms {
		switch m.Type {
		case labels.MatchEqual:
			cands = append(cands, m.Value)
		case labels.MatchRegexp:
			if v, ok := sample(m.Value); ok {
				cands = append(cands, v)
			}
		}
	}
	cands = append(cands, fallbackValues...)
	for _, m := range ms {
		cands = append(cands, m.Value+"-other")
	}
	for _, c := range cands {
		if all(ms, c) {
			return c, true
		}
	}
	return "", false
}

func all(ms []*labels.Matcher, v string) bool {
	for _, m := range ms {
		if !m.Matches(v) {
			return false
		}
	}
	return true
}

// violating is a value m rejects ("" leaves the label out).
func violating(m *labels.Matcher) (string, bool) {
	if m.Name == "le" && !m.Matches("+Inf") {
		return "+Inf", true // the next bucket a histogram really has
	}
	cands := append([]string{m.Value + "-other"}, fallbackValues...)
	if m.Type == labels.MatchRegexp {
		if v, ok := sample(m.Value); ok {
			cands = append([]string{v + "-other"}, cands...)
		}
	}
	if m.Type == labels.MatchNotEqual || m.Type == labels.MatchNotRegexp {
		cands = append([]string{m.Value}, cands...)
		if v, ok := sample(m.Value); ok {
			cands = append(cands, v)
		}
	}
	for _, c := range cands {
		if !m.Matches(c) {
			return c, true
		}
	}
	return "", false
}

// sample is a shortest-ish string the regular expression matches fully.
func sample(re string) (string, bool) {
	r, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	if !walk(r.Simplify(), &b) {
		return "", false
	}
	return b.String(), true
}

func walk(r *syntax.Regexp, b *strings.Builder) bool {
	switch r.Op {
	case syntax.OpLiteral:
		b.WriteString(string(r.Rune))
	case syntax.OpCharClass:
		if len(r.Rune) == 0 {
			return false
		}
		b.WriteRune(r.Rune[0])
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		return walk(r.Sub[0], b)
	case syntax.OpConcat:
		for _, s := range r.Sub {
			if !walk(s, b) {
				return false
			}
		}
	case syntax.OpAlternate:
		return walk(r.Sub[0], b)
	case syntax.OpPlus:
		return walk(r.Sub[0], b)
	case syntax.OpRepeat:
		for range r.Min {
			if !walk(r.Sub[0], b) {
				return false
			}
		}
	case syntax.OpStar, syntax.OpQuest, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
	default:
		return false
	}
	return true
}
