package secrets

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

const spec = `
apiVersion: "dataopsgen.dev/v1alpha1"
stack: {
	prometheus: remoteWrite: [{
		url: "https://metrics.example.com/push"
		username: {secret: "remote-write", key: "user"}
		password: {secret: "remote-write", key: "password"}
	}]
	grafana: adminSecret: {secret: "grafana-creds", userKey: "user", passwordKey: "pass"}
}
workloads: api: {kind: "inference", namespace: "ml", inference: models: ["m"]}
alerting: receivers: {
	chat: slack: {channel: "#a", apiURL: {secret: "alertmanager", key: "slack-url"}}
	pager: pagerduty: routingKey: {secret: "alertmanager", key: "pd-key"}
	mail: email: {to: "a@example.com", from: "b@example.com", smarthost: "smtp:587", authPassword: {secret: "smtp", key: "password"}}
	hook: webhook: url: {secret: "alertmanager", key: "slack-url"}
}
`

func TestRequired(t *testing.T) {
	s := modeltest.Inline(t, spec)
	want := []Secret{
		{Name: "alertmanager", Namespace: "monitoring", Keys: []Key{
			{Name: "pd-key", UsedBy: []string{"Alertmanager receiver pager (PagerDuty routing key)"}, Source: "alerting.receivers.pager.pagerduty.routingKey"},
			{Name: "slack-url", UsedBy: []string{"Alertmanager receiver chat (Slack API URL)", "Alertmanager receiver hook (webhook URL)"},
				Source: "alerting.receivers.chat.slack.apiURL"},
		}},
		{Name: "grafana-creds", Namespace: "monitoring", Keys: []Key{
			{Name: "pass", UsedBy: []string{"Grafana admin password"}, Source: "stack.grafana.adminSecret.passwordKey"},
			{Name: "user", UsedBy: []string{"Grafana admin user name"}, Source: "stack.grafana.adminSecret.userKey"},
		}},
		{Name: "remote-write", Namespace: "monitoring", Keys: []Key{
			{Name: "password", UsedBy: []string{"Prometheus remote write to https://metrics.example.com/push (basic auth password)"}, Source: "stack.prometheus.remoteWrite.0.password"},
			{Name: "user", UsedBy: []string{"Prometheus remote write to https://metrics.example.com/push (basic auth user name)"}, Source: "stack.prometheus.remoteWrite.0.username"},
		}},
		{Name: "smtp", Namespace: "monitoring", Keys: []Key{
			{Name: "password", UsedBy: []string{"Alertmanager receiver mail (SMTP password)"}, Source: "alerting.receivers.mail.email.authPassword"},
		}},
	}
	if diff := cmp.Diff(want, Required(s)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCommand(t *testing.T) {
	s := Secret{Name: "grafana-admin", Namespace: "monitoring", Keys: []Key{{Name: "admin-password"}, {Name: "admin.user"}}}
	want := `kubectl create secret generic grafana-admin --namespace monitoring` +
		` --from-literal=admin-password="${GRAFANA_ADMIN__ADMIN_PASSWORD:?}" --from-literal=admin.user="${GRAFANA_ADMIN__ADMIN_USER:?}"`
	if got := s.Command(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Secret and key are told apart in the variable's name.
	if a, b := (Secret{Name: "a-b"}).EnvVar("c"), (Secret{Name: "a"}).EnvVar("b-c"); a == b {
		t.Errorf("a-b/c and a/b-c read the same variable %s", a)
	}
}

// TestCommandRuns runs the generated command in a shell with a stand-in
// kubectl that prints its arguments: each value arrives as one argument,
// and an unset variable stops the command.
func TestCommandRuns(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	s := Secret{Name: "alertmanager-slack", Namespace: "monitoring", Keys: []Key{{Name: "webhook-url"}}}
	script := `kubectl() { for a in "$@"; do printf '%s\n' "$a"; done; }; ` + s.Command()
	cmd := exec.Command(sh, "-c", script)
	cmd.Env = []string{"ALERTMANAGER_SLACK__WEBHOOK_URL=https://hooks.example.com/a b?c=$d"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "\n--from-literal=webhook-url=https://hooks.example.com/a b?c=$d\n") {
		t.Errorf("the value is not one argument:\n%s", out)
	}
	cmd = exec.Command(sh, "-c", script)
	cmd.Env = nil
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("an unset variable ran the command:\n%s", out)
	}
}

func TestMarkdown(t *testing.T) {
	s := modeltest.Inline(t, spec)
	md := Markdown(s)
	if !bytes.Equal(md, Markdown(modeltest.Inline(t, spec))) {
		t.Error("two runs differ")
	}
	for _, want := range []string{
		"| `alertmanager` | `slack-url` | Alertmanager receiver chat (Slack API URL); Alertmanager receiver hook (webhook URL) |\n",
		"| `grafana-creds` | `pass` | Grafana admin password |\n",
		"```sh\nkubectl create secret generic alertmanager --namespace monitoring --from-literal=pd-key=",
		"kubectl create secret generic smtp --namespace monitoring --from-literal=password=\"${SMTP__PASSWORD:?}\"\n```\n",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("SECRETS.md lacks %q:\n%s", want, md)
		}
	}
	files, err := New().Generate(s)
	if err != nil || len(files) != 1 || files[0].Path != Path || !bytes.Equal(files[0].Data, md) {
		t.Errorf("Generate: %v %v", files, err)
	}
}
