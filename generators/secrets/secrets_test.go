package secrets

import (
	"bytes"
	"os/exec"
	"regexp"
	"slices"
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

func TestCommands(t *testing.T) {
	list := []Secret{
		{Name: "0day", Namespace: "monitoring", Keys: []Key{{Name: "x"}}},
		{Name: "a", Namespace: "monitoring", Keys: []Key{{Name: "b--c"}}},
		{Name: "a--b", Namespace: "monitoring", Keys: []Key{{Name: "c"}}},
		{Name: "grafana-admin", Namespace: "monitoring", Keys: []Key{{Name: "admin-password"}, {Name: "admin.user"}}},
	}
	want := []string{
		// A shell variable cannot start with a digit.
		`kubectl create secret generic 0day --namespace monitoring --from-literal=x="${_0DAY__X:?}"`,
		`kubectl create secret generic a --namespace monitoring --from-literal=b--c="${A__B__C:?}"`,
		// Same upper-cased name as a/b--c: a variable of its own.
		`kubectl create secret generic a--b --namespace monitoring --from-literal=c="${A__B__C_2:?}"`,
		`kubectl create secret generic grafana-admin --namespace monitoring` +
			` --from-literal=admin-password="${GRAFANA_ADMIN__ADMIN_PASSWORD:?}" --from-literal=admin.user="${GRAFANA_ADMIN__ADMIN_USER:?}"`,
	}
	if diff := cmp.Diff(want, Commands(list)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
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
	script := `kubectl() { for a in "$@"; do printf '%s\n' "$a"; done; }; ` + Commands([]Secret{s})[0]
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

// Names and keys as the schema admits them (#Name, #SecretRef.key).
var (
	schemaName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	schemaKey  = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)
)

// FuzzCommands: for every Secret name and key the schema admits, each
// command is one line of shell words that need no quoting but the value's
// "${VAR:?}", VAR is a valid shell variable name, and no two keys of the
// list read one variable.
func FuzzCommands(f *testing.F) {
	f.Add("grafana-admin", "admin-password", "admin.user", "a")
	f.Add("a--b", "c", "b--c", "a")
	f.Add("0a", "1", "b", "c")
	f.Fuzz(func(t *testing.T, name, key1, key2, name2 string) {
		if !schemaName.MatchString(name) || !schemaName.MatchString(name2) || name >= name2 ||
			!schemaKey.MatchString(key1) || !schemaKey.MatchString(key2) || key1 >= key2 {
			t.Skip()
		}
		list := []Secret{
			{Name: name, Namespace: "monitoring", Keys: []Key{{Name: key1}, {Name: key2}}},
			{Name: name2, Namespace: "monitoring", Keys: []Key{{Name: key1}}},
		}
		wordRE := regexp.MustCompile(`^--from-literal=([-._a-zA-Z0-9]+)="\$\{([A-Za-z_][A-Za-z0-9_]*):\?\}"$`)
		seen := map[string]bool{}
		for i, c := range Commands(list) {
			words := strings.Split(c, " ")
			want := []string{"kubectl", "create", "secret", "generic", list[i].Name, "--namespace", "monitoring"}
			if len(words) != len(want)+len(list[i].Keys) || !slices.Equal(words[:len(want)], want) {
				t.Fatalf("command %q", c)
			}
			for j, k := range list[i].Keys {
				m := wordRE.FindStringSubmatch(words[len(want)+j])
				if m == nil || m[1] != k.Name {
					t.Fatalf("word %q of %q", words[len(want)+j], c)
				}
				if seen[m[2]] {
					t.Fatalf("two keys read variable %s: %q", m[2], Commands(list))
				}
				seen[m[2]] = true
			}
		}
	})
}
