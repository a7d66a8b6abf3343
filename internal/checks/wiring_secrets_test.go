package checks_test

import (
	"slices"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/secrets"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

const (
	famStackKust = "stack/kustomization.yaml"
	famReleases  = "flux/helmreleases.yaml"
)

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
		{
			// The list comes typed from the secrets generator (not from
			// running it again): a generator that forgets a Secret is caught.
			name: "Secret left out of the list",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
				f := famFile(t, out, secrets.Path)
				f.Value = slices.DeleteFunc(slices.Clone(f.Value.([]secrets.Secret)), func(s secrets.Secret) bool { return s.Name == "grafana-admin" })
				return out
			},
			want: []string{"grafana.admin.existingSecret (passwordKey): Secret grafana-admin is neither made by the overlay nor listed in SECRETS.md",
				"grafana.admin.existingSecret (userKey): Secret grafana-admin is neither made"},
		},
		{
			name: "list without its typed value",
			edit: famUntypedEdit(secrets.Path),
			want: []string{"wiring/secrets: SECRETS.md comes without its typed list of Secrets (artifact.File.Value)"},
		},
	})
}
