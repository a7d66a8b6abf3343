package checks_test

import (
	"bytes"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// TestWiringValuesFrom pins kustomize's name hashing off for the values
// ConfigMaps: turned on, kustomize renames them and helm-controller finds
// no values.
func TestWiringValuesFrom(t *testing.T) {
	famRunCases(t, "wiring/values-from", famBase, []famCase{
		{name: "generated"},
		{
			name: "name hashing on",
			edit: famEditCase(famStackKust, "  name: values-loki\n  options:\n    disableNameSuffixHash: true\n", "  name: values-loki\n  options:\n"),
			want: []string{"HelmRelease loki valuesFrom[0]: ConfigMap values-loki is not in the overlay as kustomize builds it (namespace monitoring); " +
				"kustomize made values-loki-"},
		},
		{
			name: "name hashing on for every generator",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEditFunc(t, in, famStackKust, func(b []byte) []byte {
					return bytes.ReplaceAll(b, []byte("    disableNameSuffixHash: true\n"), nil)
				})
			},
			want: []string{
				"HelmRelease alloy valuesFrom[0]: ConfigMap values-alloy is not in the overlay",
				"HelmRelease dcgm-exporter valuesFrom[0]: ConfigMap values-dcgm-exporter is not",
				"HelmRelease loki valuesFrom[0]: ConfigMap values-loki is not",
				"HelmRelease prometheus valuesFrom[0]: ConfigMap values-kube-prometheus-stack is not",
			},
		},
		{
			name: "another key",
			edit: famEditCase(famReleases, "    name: values-loki\n    valuesKey: values.yaml\n", "    name: values-loki\n    valuesKey: loki.yaml\n"),
			want: []string{"HelmRelease loki valuesFrom[0]: ConfigMap values-loki has no key loki.yaml (has: [values.yaml])"},
		},
		{
			name: "a Secret that is not there",
			edit: famEditCase(famReleases, "  - kind: ConfigMap\n    name: values-loki\n", "  - kind: Secret\n    name: values-loki\n"),
			want: []string{"HelmRelease loki valuesFrom[0]: Secret values-loki is not in the overlay as kustomize builds it (namespace monitoring)"},
		},
		{
			name: "optional values may be absent",
			edit: famEditCase(famReleases, "    name: values-loki\n", "    name: values-absent\n    optional: true\n"),
		},
	})
}
