package load

import (
	"path"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// credentialPaths are the spec fields that hold credentials, as path.Match
// patterns over dotted paths.
var credentialPaths = []string{
	"alerting.receivers.*.slack.apiURL",
	"alerting.receivers.*.email.authPassword",
	"alerting.receivers.*.webhook.url",
	"alerting.receivers.*.pagerduty.routingKey",
	"stack.prometheus.remoteWrite.*.username",
	"stack.prometheus.remoteWrite.*.password",
}

// LiteralSecretCheck names the check that refuses credentials in the spec.
const LiteralSecretCheck = "spec/literal-secret"

// LiteralSecretMessage is the message for a literal credential at p.
func LiteralSecretMessage(p string) string {
	return p + ": a literal credential must not be written in the spec (it would end up in Git and in a ConfigMap); " +
		"create a Kubernetes Secret and reference it: {secret: \"NAME\", key: \"KEY\"}"
}

// IsCredentialPath reports whether the dotted path p holds a credential.
func IsCredentialPath(p string) bool {
	slashed := strings.ReplaceAll(p, ".", "/")
	for _, pat := range credentialPaths {
		if ok, _ := path.Match(strings.ReplaceAll(pat, ".", "/"), slashed); ok {
			return true
		}
	}
	return false
}

// literalCredentials reports credentials written as string literals. It
// works on the syntax, so it runs even when the spec has schema errors (the
// model's check covers credentials computed by expressions).
func literalCredentials(stringLits map[string]diag.Pos) diag.List {
	var out diag.List
	for p, pos := range stringLits {
		if IsCredentialPath(p) {
			out.Add(pos, LiteralSecretCheck, "%s", LiteralSecretMessage(p))
		}
	}
	return out
}
