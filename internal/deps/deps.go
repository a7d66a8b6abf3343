//go:build !notools

package deps

import (
	_ "cuelang.org/go/cue"
	_ "github.com/prometheus/prometheus/model/rulefmt"
	_ "github.com/grafana/grafana-foundation-sdk/go/dashboard"
	_ "sigs.k8s.io/kustomize/api/krusty"
	_ "github.com/google/go-cmp/cmp"
	_ "sigs.k8s.io/yaml"
	_ "github.com/spf13/cobra"
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	_ "github.com/grafana/alloy/syntax"
	_ "github.com/rogpeppe/go-internal/testscript"
)
