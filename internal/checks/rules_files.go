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

// ruleFilesOf returns the generated PrometheusRule files of in.
func ruleFilesOf(in *Input) []*artifact.File {
	var out []*artifact.File
	for i := range in.Files {
		if f := &in.Files[i]; isRuleFile(f) {
			out = append(out, f)
		}
	}
	return out
}

// decodeRuleFile decodes f's bytes as the API server would (rules/parse,
// the one check of the rules' encoding, reads them).
func decodeRuleFile(f *artifact.File) *ruleFile {
	rf := &ruleFile{file: f}
	rf.strictErr = yaml.UnmarshalStrict(f.Data, &rf.pr)
	return rf
}
