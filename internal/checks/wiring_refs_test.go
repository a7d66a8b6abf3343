package checks_test

import (
	"bytes"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

const (
	famStackKust = "stack/kustomization.yaml"
	famReleases  = "flux/helmreleases.yaml"
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

// TestWiringSecrets: every Secret the values make a component read is made
// by the overlay or listed for the user to create.
func TestWiringSecrets(t *testing.T) {
	famRunCases(t, "wiring/secrets", famBase, []famCase{
		{name: "generated"},
		{
			name: "Grafana admin Secret not listed",
			edit: famEditCase(famValues, "existingSecret: grafana-admin", "existingSecret: grafana-creds"),
			want: []string{"grafana.admin.existingSecret (passwordKey): Secret grafana-creds is neither made by the overlay nor listed in SECRETS.md",
				"grafana.admin.existingSecret (userKey): Secret grafana-creds is neither made"},
		},
		{
			name: "Grafana admin key not listed",
			edit: famEditCase(famValues, "passwordKey: admin-password", "passwordKey: password"),
			want: []string{"grafana.admin.existingSecret (passwordKey): key password of Secret grafana-admin is not listed in SECRETS.md (listed: [admin-password, admin-user])"},
		},
		{
			name: "receiver credential read from another key",
			edit: famEditCase(famValues, "/etc/alertmanager/secrets/alertmanager-slack/webhook-url", "/etc/alertmanager/secrets/alertmanager-slack/url"),
			want: []string{"alertmanager.config.receivers[3].slack_configs[0].api_url_file: key url of Secret alertmanager-slack is not listed in SECRETS.md (listed: [webhook-url])"},
		},
		{
			name: "mounted Secret nobody creates",
			edit: famEditCase(famValues, "    - alertmanager-slack\n", "    - alertmanager-slack\n    - alertmanager-templates\n"),
			want: []string{"alertmanager.alertmanagerSpec.secrets: Secret alertmanager-templates is neither made by the overlay nor listed"},
		},
		{
			name: "scrape Secret renamed in the values",
			edit: famEditCase(famValues, "name: dataops-additional-scrape-configs", "name: additional-scrape-configs"),
			want: []string{"prometheus.prometheusSpec.additionalScrapeConfigsSecret: Secret additional-scrape-configs is neither made by the overlay nor listed"},
		},
		{
			name: "scrape Secret hashed",
			edit: famEditCase(famStackKust, "  name: dataops-additional-scrape-configs\n  options:\n    disableNameSuffixHash: true\n", "  name: dataops-additional-scrape-configs\n"),
			want: []string{"prometheus.prometheusSpec.additionalScrapeConfigsSecret: Secret dataops-additional-scrape-configs is neither made by the overlay nor listed"},
		},
		{
			name: "scrape Secret key",
			edit: famEditCase(famValues, "key: additional-scrape-configs.yaml", "key: scrape.yaml"),
			want: []string{"Secret dataops-additional-scrape-configs, which the overlay makes, has no key scrape.yaml (has: [additional-scrape-configs.yaml])"},
		},
	})
}
