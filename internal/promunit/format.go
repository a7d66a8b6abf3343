package promunit

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	promvalue "github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v2"
)

// TestFile is one `promtool test rules` file. The yaml tags read it the way
// promtool does (yaml.v2, strict); the json tags are how generators write it
// (artifact.YAML).
type TestFile struct {
	// Name is the file's name, for failures (not part of the format).
	Name string `yaml:"-" json:"-"`

	RuleFiles          []string       `yaml:"rule_files" json:"rule_files"`
	EvaluationInterval model.Duration `yaml:"evaluation_interval,omitempty" json:"evaluation_interval,omitempty"`
	GroupEvalOrder     []string       `yaml:"group_eval_order" json:"group_eval_order,omitempty"`
	Tests              []TestGroup    `yaml:"tests" json:"tests"`
	FuzzyCompare       bool           `yaml:"fuzzy_compare,omitempty" json:"fuzzy_compare,omitempty"`
}

// TestGroup is one entry of `tests`: input series and the checks on them.
type TestGroup struct {
	Name            string            `yaml:"name,omitempty" json:"name,omitempty"`
	Interval        model.Duration    `yaml:"interval" json:"interval,omitempty"`
	InputSeries     []Series          `yaml:"input_series" json:"input_series"`
	AlertRuleTests  []AlertTestCase   `yaml:"alert_rule_test,omitempty" json:"alert_rule_test,omitempty"`
	PromqlExprTests []PromqlTestCase  `yaml:"promql_expr_test,omitempty" json:"promql_expr_test,omitempty"`
	ExternalLabels  map[string]string `yaml:"external_labels,omitempty" json:"external_labels,omitempty"`
	ExternalURL     string            `yaml:"external_url,omitempty" json:"external_url,omitempty"`
	// StartTimestamp is RFC 3339 or Unix seconds; empty is the Unix epoch.
	StartTimestamp string `yaml:"start_timestamp,omitempty" json:"start_timestamp,omitempty"`
}

// Series is one input series in promqltest notation:
// `up{job="a"}` with values `1x10 0x5 stale`.
type Series struct {
	Series string `yaml:"series" json:"series"`
	Values string `yaml:"values" json:"values"`
	// Desc, when set, is the line `Series Values` already parsed, given by
	// the generator that wrote the line from it: the runner uses it
	// instead of parsing the line (not written, not read: a file read back
	// has none, and is parsed).
	Desc *SeriesDesc `yaml:"-" json:"-"`
}

// SeriesDesc is what promqltest's parser (parser.ParseSeriesDesc) gives for
// an input line of float values: its labels (__name__ included) and its
// values, as the runs of the notation they are written in rather than
// expanded (a sample is 24 bytes expanded; a file's series hold thousands).
// Sequence expands them as the parser does.
type SeriesDesc struct {
	Labels labels.Labels
	Runs   []SeriesRun
}

// SeriesRun is one item of the values notation: N samples from First, each Inc
// above the previous one (`First+IncxN-1`, `FirstxN-1` when Inc is 0, `First`
// when N is 1), or N omitted samples (`_`, `_xN`), or one staleness marker
// (`stale`).
type SeriesRun struct {
	First, Inc float64
	N          int
	Omitted    bool
	Stale      bool
}

// Sequence is the expanded values, exactly as the parser expands the
// notation: `axN` repeats a (no addition: -0 stays -0), `a+bxN` adds b to
// the previous value, `stale` is the staleness NaN.
func (d *SeriesDesc) Sequence() []parser.SequenceValue {
	n := 0
	for _, r := range d.Runs {
		n += r.len()
	}
	out := make([]parser.SequenceValue, 0, n)
	d.each(func(v float64, omitted bool) { out = append(out, parser.SequenceValue{Value: v, Omitted: omitted}) })
	return out
}

func (r SeriesRun) len() int {
	if r.Stale {
		return 1
	}
	return r.N
}

// each calls fn for each value of the sequence in order (what Sequence
// holds, without building it).
func (d *SeriesDesc) each(fn func(v float64, omitted bool)) {
	for _, r := range d.Runs {
		switch {
		case r.Stale:
			fn(math.Float64frombits(promvalue.StaleNaN), false)
		case r.Omitted:
			for range r.N {
				fn(0, true)
			}
		default:
			v := r.First
			for range r.N {
				fn(v, false)
				if r.Inc != 0 {
					v += r.Inc
				}
			}
		}
	}
}

// AlertTestCase lists the alerts expected to be firing at EvalTime. An empty
// ExpAlerts asserts that the alert does not fire.
type AlertTestCase struct {
	EvalTime  model.Duration `yaml:"eval_time" json:"eval_time"`
	Alertname string         `yaml:"alertname" json:"alertname"`
	ExpAlerts []Alert        `yaml:"exp_alerts" json:"exp_alerts"`
}

// Alert is one expected firing alert. ExpLabels need not include alertname.
type Alert struct {
	ExpLabels      map[string]string `yaml:"exp_labels" json:"exp_labels,omitempty"`
	ExpAnnotations map[string]string `yaml:"exp_annotations" json:"exp_annotations,omitempty"`
}

// PromqlTestCase checks the result of an instant query at EvalTime.
type PromqlTestCase struct {
	Expr       string         `yaml:"expr" json:"expr"`
	EvalTime   model.Duration `yaml:"eval_time" json:"eval_time"`
	ExpSamples []Sample       `yaml:"exp_samples" json:"exp_samples"`
}

// Sample is one expected query result: series labels and a value, or a
// native histogram in series notation (then Value is ignored).
type Sample struct {
	Labels    string  `yaml:"labels" json:"labels"`
	Value     float64 `yaml:"value" json:"value"`
	Histogram string  `yaml:"histogram" json:"histogram,omitempty"`
}

// Parse reads a test file as promtool does (unknown fields are errors).
func Parse(name string, data []byte) (*TestFile, error) {
	var tf TestFile
	if err := yaml.UnmarshalStrict(data, &tf); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	tf.Name = name
	if err := tf.check(); err != nil {
		return nil, err
	}
	return &tf, nil
}

// check is what Parse checks beyond the YAML shape.
func (tf *TestFile) check() error {
	for i, tg := range tf.Tests {
		if _, err := tg.start(); err != nil {
			return fmt.Errorf("%s: tests[%d]: %w", tf.Name, i, err)
		}
	}
	return nil
}

// start is the time of the first sample and first evaluation.
func (tg *TestGroup) start() (time.Time, error) {
	s := tg.StartTimestamp
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	// Same rules as promtool's parseTime.
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*float64(time.Second))).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("start_timestamp: cannot parse %q to a valid timestamp", s)
}
