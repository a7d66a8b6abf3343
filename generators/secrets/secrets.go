// Package secrets lists the Kubernetes Secrets the stack reads but the
// overlay does not create (credentials never appear in the spec or the
// overlay), and writes that list as SECRETS.md at the top of the overlay:
// what each key is for and one `kubectl create secret` per Secret.
//
// Markdown, not YAML: it is read by the person who creates the Secrets (by
// hand, with sealed-secrets or external-secrets), and no tool can mistake it
// for objects to apply (`kubectl apply -R -f out/` reads only .yaml, .yml
// and .json; no kustomization lists it). The build summary prints the same
// commands.
package secrets

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Path is the file at the top of the overlay (of each environment's
// overlay, with environments).
const Path = "SECRETS.md"

// Secret is one Secret the user must create.
type Secret struct {
	Name, Namespace string
	// Keys in name order.
	Keys []Key
}

// Key is one key of a required Secret.
type Key struct {
	Name string
	// UsedBy say what reads it, e.g. "Alertmanager receiver ml-oncall
	// (Slack API URL)", in spec order.
	UsedBy []string
	// Source is the spec path of the first reference, for diagnostics.
	Source string
}

// Required returns the Secrets the spec references, by name, each with the
// keys read from it: the Grafana admin Secret, every receiver credential
// (mounted into Alertmanager through alertmanagerSpec.secrets) and every
// remote-write credential (read by the operator for Prometheus). All live in
// the stack's namespace.
func Required(s *model.Spec) []Secret {
	byName := map[string]*Secret{}
	add := func(secret, key, usedBy, source string) {
		sec := byName[secret]
		if sec == nil {
			sec = &Secret{Name: secret, Namespace: s.Stack.Namespace}
			byName[secret] = sec
		}
		i := slices.IndexFunc(sec.Keys, func(k Key) bool { return k.Name == key })
		if i < 0 {
			sec.Keys = append(sec.Keys, Key{Name: key, Source: source})
			i = len(sec.Keys) - 1
		}
		if !slices.Contains(sec.Keys[i].UsedBy, usedBy) {
			sec.Keys[i].UsedBy = append(sec.Keys[i].UsedBy, usedBy)
		}
	}
	cred := func(c *model.Credential, usedBy string, path ...string) {
		if c != nil && c.Secret != "" && c.Key != "" {
			add(c.Secret, c.Key, usedBy, load.PathString(path...))
		}
	}

	g := s.Stack.Grafana.AdminSecret
	if g.Secret != "" {
		add(g.Secret, g.UserKey, "Grafana admin user name", "stack.grafana.adminSecret.userKey")
		add(g.Secret, g.PasswordKey, "Grafana admin password", "stack.grafana.adminSecret.passwordKey")
	}
	for _, r := range s.Alerting.Receivers {
		at := func(what string) string { return fmt.Sprintf("Alertmanager receiver %s (%s)", r.Name, what) }
		base := []string{"alerting", "receivers", r.Name}
		if r.Slack != nil {
			cred(&r.Slack.APIURL, at("Slack API URL"), append(base, "slack", "apiURL")...)
		}
		if r.Email != nil {
			cred(r.Email.AuthPassword, at("SMTP password"), append(base, "email", "authPassword")...)
		}
		if r.Webhook != nil {
			cred(&r.Webhook.URL, at("webhook URL"), append(base, "webhook", "url")...)
		}
		if r.PagerDuty != nil {
			cred(&r.PagerDuty.RoutingKey, at("PagerDuty routing key"), append(base, "pagerduty", "routingKey")...)
		}
	}
	for i, rw := range s.Stack.Prometheus.RemoteWrite {
		at := func(what string) string { return fmt.Sprintf("Prometheus remote write to %s (%s)", rw.URL, what) }
		base := []string{"stack", "prometheus", "remoteWrite", fmt.Sprint(i)}
		cred(rw.Username, at("basic auth user name"), append(base, "username")...)
		cred(rw.Password, at("basic auth password"), append(base, "password")...)
	}

	out := make([]Secret, 0, len(byName))
	for _, sec := range byName {
		slices.SortFunc(sec.Keys, func(a, b Key) int { return cmp.Compare(a.Name, b.Name) })
		out = append(out, *sec)
	}
	slices.SortFunc(out, func(a, b Secret) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Key returns the key of name, if the Secret has it.
func (s Secret) Key(name string) (Key, bool) {
	i := slices.IndexFunc(s.Keys, func(k Key) bool { return k.Name == name })
	if i < 0 {
		return Key{}, false
	}
	return s.Keys[i], true
}

// Find returns the required Secret of name.
func Find(list []Secret, name string) (Secret, bool) {
	i := slices.IndexFunc(list, func(s Secret) bool { return s.Name == name })
	if i < 0 {
		return Secret{}, false
	}
	return list[i], true
}

// Commands returns, for each Secret of list, the one-line `kubectl create
// secret generic` that creates it, each value read from an environment
// variable named after the Secret and key (the shell stops with an error if
// one is unset, rather than create an empty credential). The values never
// appear in the file, nor in shell history.
func Commands(list []Secret) []string {
	vars := envVars(list)
	out := make([]string, len(list))
	for i, s := range list {
		var b strings.Builder
		fmt.Fprintf(&b, "kubectl create secret generic %s --namespace %s", s.Name, s.Namespace)
		for _, k := range s.Keys {
			fmt.Fprintf(&b, ` --from-literal=%s="${%s:?}"`, k.Name, vars[[2]string{s.Name, k.Name}])
		}
		out[i] = b.String()
	}
	return out
}

// envVars names the variable of each Secret and key of list: both in upper
// case, other characters as _, joined by __ (so that "a-b"/"c" and
// "a"/"b-c" differ), a leading _ when the name starts with a digit (a shell
// variable cannot; ${0...} is a positional parameter). Names that still
// collide ("a--b"/"c" and "a"/"b--c") get _2, _3, ... in list order, so that
// no two credentials of one list read the same variable.
func envVars(list []Secret) map[[2]string]string {
	out := map[[2]string]string{}
	taken := map[string]bool{}
	for _, s := range list {
		for _, k := range s.Keys {
			base := envName(s.Name) + "__" + envName(k.Name)
			if base[0] >= '0' && base[0] <= '9' {
				base = "_" + base
			}
			v := base
			for i := 2; taken[v]; i++ {
				v = fmt.Sprintf("%s_%d", base, i)
			}
			taken[v] = true
			out[[2]string{s.Name, k.Name}] = v
		}
	}
	return out
}

// envName is s in upper case, every character but letters and digits as _.
func envName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// New returns the generator of SECRETS.md.
func New() generators.Generator {
	return generators.Func{N: "secrets", F: generate}
}

// generate writes SECRETS.md; the list it writes goes with the file
// (artifact.File.Value, []Secret) for the checks to read.
func generate(s *model.Spec) ([]artifact.File, error) {
	list := Required(s)
	return []artifact.File{{Path: Path, Data: markdown(s, list), Role: artifact.Aside, Source: "stack", Value: list}}, nil
}

// Markdown is the text of SECRETS.md.
func Markdown(s *model.Spec) []byte { return markdown(s, Required(s)) }

// markdown is the text of SECRETS.md listing list.
func markdown(s *model.Spec, list []Secret) []byte {
	var b strings.Builder
	b.WriteString("<!-- Code generated by dataopsgen from the spec. DO NOT EDIT. -->\n\n")
	b.WriteString("# Secrets to create\n\n")
	if len(list) == 0 {
		b.WriteString("The stack reads no Secret that the overlay does not create.\n")
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "The stack reads these Secrets in namespace `%s`; the overlay does not create them\n", s.Stack.Namespace)
	b.WriteString("(credentials are references, never in the spec or the overlay). Create them before you\n")
	b.WriteString("apply the overlay, with these names and keys: the Alertmanager and Grafana pods that mount\n")
	b.WriteString("a missing Secret do not start, and the prometheus-operator does not configure Prometheus\n")
	b.WriteString("without the remote-write credentials it references.\n\n")
	b.WriteString("| Secret | key | read by |\n|---|---|---|\n")
	for _, sec := range list {
		for _, k := range sec.Keys {
			// A remote-write URL is the user's text: a | would end the cell.
			fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", sec.Name, k.Name, strings.ReplaceAll(strings.Join(k.UsedBy, "; "), "|", `\|`))
		}
	}
	b.WriteString("\nWith kubectl, each value taken from the environment variable named after the Secret and\n")
	b.WriteString("key (the command stops if one is unset); or give the same names and keys to\n")
	b.WriteString("sealed-secrets or external-secrets:\n\n```sh\n")
	for _, c := range Commands(list) {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	b.WriteString("```\n")
	return []byte(b.String())
}
