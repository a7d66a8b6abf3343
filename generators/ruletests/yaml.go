package ruletests

import (
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// appendTestFile appends tf's YAML to dst: artifact.YAML(tf)'s bytes.
//
// The test files are most of the build's output, and artifact.YAML
// marshals to JSON and reads the JSON back before writing YAML; the fields
// the generator fills are written here directly, through the same
// emitter (artifact.YAMLWriter), in the order YAML writes them (yaml.v2
// sorts keys: TestGroup's alert_rule_test, input_series, interval, name),
// leaving out what json.Marshal's omitempty leaves out. A file with a
// field this writer does not write, or a string the writer cannot carry
// as YAML does, takes artifact.YAML: it stays the reference
// (TestDirectYAMLMatchesYAML, FuzzDirectYAMLMatchesYAML).
func appendTestFile(dst []byte, tf *promunit.TestFile) ([]byte, error) {
	return appendTestFileWith(artifact.NewYAMLWriter(nil), dst, tf)
}

// appendTestFileWith is appendTestFile with writer w (reset, reused: its
// memory is kept between files).
func appendTestFileWith(w *artifact.YAMLWriter, dst []byte, tf *promunit.TestFile) ([]byte, error) {
	if out, ok := directTestFile(w, dst, tf); ok {
		return out, nil
	}
	return artifact.AppendYAML(dst, tf)
}

// directTestFile is appendTestFile's direct path, with writer w; false:
// take YAML's.
func directTestFile(w *artifact.YAMLWriter, dst []byte, tf *promunit.TestFile) ([]byte, bool) {
	if !modelled(tf) {
		return nil, false
	}
	w.Reset(dst)
	m := w.BeginMap()
	if tf.EvaluationInterval != 0 {
		w.Key("evaluation_interval")
		w.String(tf.EvaluationInterval.String())
	}
	w.Key("rule_files")
	stringList(w, tf.RuleFiles)
	w.Key("tests")
	if tf.Tests == nil {
		w.Null()
	} else if len(tf.Tests) == 0 {
		w.EmptySeq()
	} else {
		s := w.BeginSeq(true)
		for i := range tf.Tests {
			w.Item()
			testGroup(w, &tf.Tests[i])
		}
		w.EndSeq(s)
	}
	w.EndMap(m)
	out := w.Bytes()
	if !w.OK() {
		// The writer appended to dst's array: a fallback appends over it.
		return nil, false
	}
	return out, true
}

// modelled reports whether tf uses only the fields the direct writer
// writes (the generator's; the others are omitempty and zero).
func modelled(tf *promunit.TestFile) bool {
	if len(tf.GroupEvalOrder) > 0 || tf.FuzzyCompare {
		return false
	}
	for i := range tf.Tests {
		g := &tf.Tests[i]
		if len(g.PromqlExprTests) > 0 || len(g.ExternalLabels) > 0 || g.ExternalURL != "" || g.StartTimestamp != "" {
			return false
		}
	}
	return true
}

func testGroup(w *artifact.YAMLWriter, g *promunit.TestGroup) {
	m := w.BeginMap()
	if len(g.AlertRuleTests) > 0 {
		w.Key("alert_rule_test")
		s := w.BeginSeq(true)
		for i := range g.AlertRuleTests {
			w.Item()
			alertTestCase(w, &g.AlertRuleTests[i])
		}
		w.EndSeq(s)
	}
	w.Key("input_series")
	switch {
	case g.InputSeries == nil:
		w.Null()
	case len(g.InputSeries) == 0:
		w.EmptySeq()
	default:
		s := w.BeginSeq(true)
		for i := range g.InputSeries {
			w.Item()
			sm := w.BeginMap()
			// Every scenario has the same series (other values), and
			// values repeat: written once per file, copied after.
			w.Key("series")
			w.StringMemo(g.InputSeries[i].Series)
			w.Key("values")
			w.StringMemo(g.InputSeries[i].Values)
			w.EndMap(sm)
		}
		w.EndSeq(s)
	}
	if g.Interval != 0 {
		w.Key("interval")
		w.String(g.Interval.String())
	}
	if g.Name != "" {
		w.Key("name")
		w.String(g.Name)
	}
	w.EndMap(m)
}

func alertTestCase(w *artifact.YAMLWriter, c *promunit.AlertTestCase) {
	m := w.BeginMap()
	w.Key("alertname")
	w.String(c.Alertname)
	w.Key("eval_time")
	w.String(c.EvalTime.String())
	w.Key("exp_alerts")
	switch {
	case c.ExpAlerts == nil:
		w.Null()
	case len(c.ExpAlerts) == 0:
		w.EmptySeq()
	default:
		s := w.BeginSeq(true)
		for i := range c.ExpAlerts {
			w.Item()
			a := &c.ExpAlerts[i]
			if len(a.ExpAnnotations) == 0 && len(a.ExpLabels) == 0 {
				w.EmptyMap()
				continue
			}
			am := w.BeginMap()
			if len(a.ExpAnnotations) > 0 {
				w.Key("exp_annotations")
				stringMap(w, a.ExpAnnotations)
			}
			if len(a.ExpLabels) > 0 {
				w.Key("exp_labels")
				stringMap(w, a.ExpLabels)
			}
			w.EndMap(am)
		}
		w.EndSeq(s)
	}
	w.EndMap(m)
}

// stringList writes a []string map value.
func stringList(w *artifact.YAMLWriter, l []string) {
	switch {
	case l == nil:
		w.Null()
	case len(l) == 0:
		w.EmptySeq()
	default:
		s := w.BeginSeq(true)
		for _, v := range l {
			w.Item()
			w.String(v)
		}
		w.EndSeq(s)
	}
}

// stringMap writes a non-empty map[string]string, keys in YAML's order.
func stringMap(w *artifact.YAMLWriter, m map[string]string) {
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	artifact.SortYAMLKeys(keys)
	mm := w.BeginMap()
	for _, k := range keys {
		w.Key(k)
		w.String(m[k])
	}
	w.EndMap(mm)
}
