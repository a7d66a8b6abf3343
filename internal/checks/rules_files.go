package checks

import (
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// ruleFile is a generated PrometheusRule file's bytes, decoded as the API
// server would: rules/parse, the one check that verifies the encoder of the
// rules, reads them; every other check reads the generator's typed objects
// (rules_model.go).
type ruleFile struct {
	file *artifact.File
	pr   monitoringv1.PrometheusRule
	// strictErr is the error of a strict decode (unknown fields refused, as
	// the API server does): rules/parse reports it.
	strictErr error
}

// isRuleFile reports whether f is a generated PrometheusRule file.
func isRuleFile(f *artifact.File) bool {
	return f.Role == artifact.Resource && strings.HasPrefix(f.Path, rules.Dir)
}

// decodeRuleFiles decodes the generated PrometheusRule files.
func decodeRuleFiles(in *Input) []*ruleFile {
	var out []*ruleFile
	for i := range in.Files {
		if f := &in.Files[i]; isRuleFile(f) {
			out = append(out, &ruleFile{file: f})
		}
	}
	parallel(len(out), func(i int) {
		rf := out[i]
		rf.strictErr = yaml.UnmarshalStrict(rf.file.Data, &rf.pr)
	})
	return out
}
