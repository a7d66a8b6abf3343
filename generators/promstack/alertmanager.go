package promstack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// AlertmanagerConfig is the subset of the Alertmanager configuration we emit.
// The chart deep-merges it with its defaults (maps merge, lists replace), so
// the lists here are complete: the "null" receiver and the Watchdog route.
type AlertmanagerConfig struct {
	Global       map[string]string `json:"global"`
	Route        Route             `json:"route"`
	Receivers    []Receiver        `json:"receivers"`
	InhibitRules []InhibitRule     `json:"inhibit_rules"`
	Templates    []string          `json:"templates"`
}

type Route struct {
	Receiver       string   `json:"receiver"`
	GroupBy        []string `json:"group_by,omitempty"`
	GroupWait      string   `json:"group_wait,omitempty"`
	GroupInterval  string   `json:"group_interval,omitempty"`
	RepeatInterval string   `json:"repeat_interval,omitempty"`
	Matchers       []string `json:"matchers,omitempty"`
	Continue       bool     `json:"continue,omitempty"`
	Routes         []Route  `json:"routes,omitempty"`
}

type Receiver struct {
	Name             string            `json:"name"`
	SlackConfigs     []SlackConfig     `json:"slack_configs,omitempty"`
	EmailConfigs     []EmailConfig     `json:"email_configs,omitempty"`
	WebhookConfigs   []WebhookConfig   `json:"webhook_configs,omitempty"`
	PagerdutyConfigs []PagerdutyConfig `json:"pagerduty_configs,omitempty"`
}

type SlackConfig struct {
	SendResolved bool   `json:"send_resolved"`
	APIURLFile   string `json:"api_url_file"`
	Channel      string `json:"channel"`
}

type EmailConfig struct {
	SendResolved     bool   `json:"send_resolved"`
	To               string `json:"to"`
	From             string `json:"from"`
	Smarthost        string `json:"smarthost"`
	AuthUsername     string `json:"auth_username,omitempty"`
	AuthPasswordFile string `json:"auth_password_file,omitempty"`
}

type WebhookConfig struct {
	SendResolved bool   `json:"send_resolved"`
	URLFile      string `json:"url_file"`
}

type PagerdutyConfig struct {
	SendResolved   bool   `json:"send_resolved"`
	RoutingKeyFile string `json:"routing_key_file"`
}

type InhibitRule struct {
	SourceMatchers []string `json:"source_matchers,omitempty"`
	TargetMatchers []string `json:"target_matchers"`
	Equal          []string `json:"equal,omitempty"`
}

// NullReceiver drops what reaches it (the chart's default receiver name).
const NullReceiver = "null"

// BuildAlertmanager builds the Alertmanager configuration and the list of
// Secrets the Alertmanager pods must mount (credentials are read from files).
func BuildAlertmanager(s *model.Spec) (AlertmanagerConfig, []string) {
	var secrets []string
	file := func(c model.Credential) string {
		if !slices.Contains(secrets, c.Secret) {
			secrets = append(secrets, c.Secret)
		}
		return stack.SecretFile(c)
	}
	receivers := []Receiver{{Name: NullReceiver}}
	for _, r := range s.Alerting.Receivers {
		rc := Receiver{Name: r.Name}
		if r.Slack != nil {
			rc.SlackConfigs = []SlackConfig{{SendResolved: r.Slack.SendResolved, APIURLFile: file(r.Slack.APIURL), Channel: stack.TemplateLiteral(r.Slack.Channel)}}
		}
		if e := r.Email; e != nil {
			ec := EmailConfig{SendResolved: e.SendResolved, To: stack.TemplateLiteral(e.To), From: stack.TemplateLiteral(e.From), Smarthost: e.Smarthost, AuthUsername: e.AuthUsername}
			if e.AuthPassword != nil {
				ec.AuthPasswordFile = file(*e.AuthPassword)
			}
			rc.EmailConfigs = []EmailConfig{ec}
		}
		if r.Webhook != nil {
			rc.WebhookConfigs = []WebhookConfig{{SendResolved: r.Webhook.SendResolved, URLFile: file(r.Webhook.URL)}}
		}
		if r.PagerDuty != nil {
			rc.PagerdutyConfigs = []PagerdutyConfig{{SendResolved: r.PagerDuty.SendResolved, RoutingKeyFile: file(r.PagerDuty.RoutingKey)}}
		}
		receivers = append(receivers, rc)
	}
	slices.Sort(secrets)

	rt := s.Alerting.Route
	root := Route{
		Receiver:       rt.Receiver,
		GroupBy:        rt.GroupBy,
		GroupWait:      rt.GroupWait,
		GroupInterval:  rt.GroupInterval,
		RepeatInterval: rt.RepeatInterval,
		// The chart's own routes are replaced (lists do not merge): keep its
		// Watchdog heartbeat and InfoInhibitor away from people.
		Routes: []Route{
			{Receiver: NullReceiver, Matchers: []string{`alertname = "Watchdog"`}},
			{Receiver: NullReceiver, Matchers: []string{`alertname = "InfoInhibitor"`}},
		},
	}
	for _, r := range s.Alerting.Routes {
		root.Routes = append(root.Routes, Route{Receiver: r.Receiver, Matchers: matchers(r.Match), Continue: r.Continue})
	}
	return AlertmanagerConfig{
		Global:    map[string]string{"resolve_timeout": "5m"},
		Route:     root,
		Receivers: receivers,
		// The chart's own rules (InfoInhibitor) with ours merged in: the
		// list replaces the chart's (generators/promstack/inhibit.go); the
		// SLOs' page-holds-ticket rule last (slo_inhibit.go).
		InhibitRules: MergeInhibitRules(ChartInhibitRules(), append(OwnInhibitRules(), SLOInhibitRules(s)...)),
		Templates:    []string{"/etc/alertmanager/config/*.tmpl"},
	}, secrets
}

// matchers renders equality matchers in Alertmanager's matcher syntax, sorted.
func matchers(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s = %s", k, stack.QuoteLabelValue(v)))
	}
	slices.SortFunc(out, strings.Compare)
	return out
}
