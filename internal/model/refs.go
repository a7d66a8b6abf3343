package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
)

// checkReferences checks what the schema cannot express: credentials are
// Secret references, route receivers exist.
func (s *Spec) checkReferences() diag.List {
	var out diag.List
	credential := func(c *Credential, path ...string) {
		if c == nil || c.Literal == "" {
			return
		}
		p := load.PathString(path...)
		out.Add(s.Pos(p), load.LiteralSecretCheck, "%s", load.LiteralSecretMessage(strings.Join(path, ".")))
	}
	for i := range s.Stack.Prometheus.RemoteWrite {
		rw := &s.Stack.Prometheus.RemoteWrite[i]
		credential(rw.Username, "stack", "prometheus", "remoteWrite", fmt.Sprint(i), "username")
		credential(rw.Password, "stack", "prometheus", "remoteWrite", fmt.Sprint(i), "password")
	}
	names := []string{"null"}
	for _, r := range s.Alerting.Receivers {
		names = append(names, r.Name)
		base := []string{"alerting", "receivers", r.Name}
		if r.Slack != nil {
			credential(&r.Slack.APIURL, append(base, "slack", "apiURL")...)
		}
		if r.Email != nil {
			credential(r.Email.AuthPassword, append(base, "email", "authPassword")...)
		}
		if r.Webhook != nil {
			credential(&r.Webhook.URL, append(base, "webhook", "url")...)
		}
		if r.PagerDuty != nil {
			credential(&r.PagerDuty.RoutingKey, append(base, "pagerduty", "routingKey")...)
		}
		if r.Slack == nil && r.Email == nil && r.Webhook == nil && r.PagerDuty == nil {
			p := load.PathString(base...)
			out.Add(s.Pos(p), "spec/receiver", "%s: receiver has no integration; set slack, email, webhook or pagerduty", p)
		}
		if r.Name == "null" {
			p := load.PathString(base...)
			out.Add(s.Pos(p), "spec/receiver", "%s: the name \"null\" is reserved for the receiver that drops alerts", p)
		}
	}
	if !slices.Contains(names, s.Alerting.Route.Receiver) {
		p := "alerting.route.receiver"
		out.Add(s.Pos(p), "spec/receiver", "%s: no receiver %q in alerting.receivers", p, s.Alerting.Route.Receiver)
	}
	for i, r := range s.Alerting.Routes {
		if !slices.Contains(names, r.Receiver) {
			p := load.PathString("alerting", "routes", fmt.Sprint(i), "receiver")
			out.Add(s.Pos(p), "spec/receiver", "%s: no receiver %q in alerting.receivers", p, r.Receiver)
		}
	}
	out.Append(s.checkRoutes()...)
	return out
}
