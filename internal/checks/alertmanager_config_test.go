package checks_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// The generated config is correct by construction and the spec's literal
// credentials and dangling receivers are refused before generation
// (spec/literal-secret, spec/receiver): each case here mutates the generated
// values as a generator bug would.
func TestAlertmanagerConfig(t *testing.T) {
	const (
		slackFile = "api_url_file: /etc/alertmanager/secrets/alertmanager-slack/webhook-url"
		pdFile    = "routing_key_file: /etc/alertmanager/secrets/pd/routing-key"
	)
	famRunCases(t, "alertmanager/config", famBase, []famCase{
		{name: "generated"},
		{
			name: "literal global",
			edit: famEditCase(famValues, "resolve_timeout: 5m", "resolve_timeout: 5m\n      smtp_auth_password: hunter2"),
			want: []string{`spec.cue:26:1: alertmanager/config: global.smtp_auth_password is a literal credential in the config (it ends up in a ConfigMap): use smtp_auth_password_file`},
		},
		{
			name: "secret not mounted",
			edit: famEditCase(famValues, "    - pd\n", ""),
			want: []string{`spec.cue:32:10: alertmanager/config: receiver "pager" pagerduty_configs[0].routing_key_file: /etc/alertmanager/secrets/pd/routing-key reads Secret pd, which alertmanagerSpec.secrets does not list (has: [alertmanager-slack, hook, smtp]): the file does not exist in the pod`},
		},
		{
			name: "file outside the secrets",
			edit: famEditCase(famValues, "auth_password_file: /etc/alertmanager/secrets/smtp/password", "auth_password_file: /etc/alertmanager/smtp-password"),
			want: []string{
				`spec.cue:33:9: alertmanager/config: receiver "mail" email_configs[0].auth_password_file: /etc/alertmanager/smtp-password is not a key of a mounted Secret`,
				`spec.cue:38:4: alertmanager/config: receiver "mail": auth_password_file reads "/etc/alertmanager/smtp-password", but the spec references Secret smtp key password`,
			},
		},
		{
			name: "other key",
			edit: famEditCase(famValues, pdFile, "routing_key_file: /etc/alertmanager/secrets/pd/key"),
			want: []string{`spec.cue:32:21: alertmanager/config: receiver "pager": routing_key_file reads "/etc/alertmanager/secrets/pd/key", but the spec references Secret pd key routing-key`},
		},
		{
			name: "route to unknown receiver",
			edit: famEditCase(famValues, "        receiver: pager", "        receiver: pagers"),
			want: []string{`spec.cue:45:3: alertmanager/config: route.routes[2] sends to receiver "pagers", which the config does not define (receivers: null, hook, mail, ml-oncall, pager)`},
		},
		{
			name: "root route to unknown receiver",
			edit: famEditCase(famValues, "      receiver: ml-oncall", "      receiver: oncall"),
			want: []string{`spec.cue:42:9: alertmanager/config: route sends to receiver "oncall", which the config does not define`},
		},
		{
			name: "receiver missing",
			edit: famEditCase(famValues, "    - name: \"null\"\n", ""),
			want: []string{`spec.cue:42:9: alertmanager/config: route.routes[0] sends to receiver "null", which the config does not define`, `route.routes[1] sends to receiver "null"`},
		},
		{
			name: "does not load",
			edit: famEditCase(famValues, "group_wait: 30s", "group_wait: soon"),
			want: []string{`spec.cue:26:1: alertmanager/config: Alertmanager rejects the generated config: not a valid duration string: "soon"`},
		},
		{
			name: "continue on the root route",
			edit: famEditCase(famValues, "      repeat_interval: 4h", "      repeat_interval: 4h\n      continue: true"),
			want: []string{`Alertmanager rejects the generated config: cannot have continue in root route`},
		},
	})
}

// The typed values have no place for a literal Slack URL, PagerDuty key or
// an http_config (promstack.AlertmanagerConfig): a generator cannot emit
// them today, and values/parse refuses bytes that carry them. The check
// still refuses them, should the typed values grow such a field: these
// cases show it on the values as the chart reads the edited bytes.
func TestAlertmanagerConfigFieldsTheTypedValuesLack(t *testing.T) {
	const (
		slackFile = "api_url_file: /etc/alertmanager/secrets/alertmanager-slack/webhook-url"
		pdFile    = "routing_key_file: /etc/alertmanager/secrets/pd/routing-key"
	)
	base := famInput(t, famBase)
	for _, c := range []famCase{
		{
			name: "literal slack url",
			edit: famEditCase(famValues, slackFile, "api_url: https://hooks.slack.com/services/T000/B000/XXXX"),
			want: []string{
				`spec.cue:30:4: alertmanager/config: receiver "ml-oncall" slack_configs[0]: api_url is a literal credential in the config (it ends up in a ConfigMap): use api_url_file with a Secret listed in alertmanagerSpec.secrets`,
				`spec.cue:30:4: alertmanager/config: receiver "ml-oncall": api_url_file reads "", but the spec references Secret alertmanager-slack key webhook-url (/etc/alertmanager/secrets/alertmanager-slack/webhook-url)`,
			},
		},
		{
			name: "literal pagerduty key",
			edit: famEditCase(famValues, pdFile, "routing_key: 0123456789abcdef0123456789abcdef"),
			want: []string{`spec.cue:32:21: alertmanager/config: receiver "pager" pagerduty_configs[0]: routing_key is a literal credential`, `receiver "pager": routing_key_file reads ""`},
		},
		{
			name: "literal http credentials",
			edit: famEditCase(famValues, "        url_file: /etc/alertmanager/secrets/hook/url", "        url_file: /etc/alertmanager/secrets/hook/url\n        http_config:\n          basic_auth:\n            username: am\n            password: hunter2"),
			want: []string{`spec.cue:40:9: alertmanager/config: receiver "hook" webhook_configs[0].http_config.basic_auth.password is a literal credential in the config: use its *_file form`},
		},
		{
			name: "tls file outside the secrets",
			edit: famEditCase(famValues, "        url_file: /etc/alertmanager/secrets/hook/url", "        url_file: /etc/alertmanager/secrets/hook/url\n        http_config:\n          tls_config:\n            ca_file: /etc/ssl/ca.pem"),
			want: []string{`receiver "hook" webhook_configs[0].http_config.tls_config.ca_file: /etc/ssl/ca.pem is not a key of a mounted Secret`},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			famWant(t, checks.RunOnValuesBytes(famCheck(t, "alertmanager/config"), c.edit(t, base)), c.want...)
		})
	}
}
