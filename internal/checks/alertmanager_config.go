package checks

import (
	"fmt"
	"path"
	"slices"
	"strings"

	amconfig "github.com/prometheus/alertmanager/config"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// amSecretFields are, per integration, the fields that hold a credential
// inline (each has a *_file twin), with the spec field that feeds it.
var amSecretFields = map[string]map[string]string{
	"slack_configs":      {"api_url": "slack.apiURL", "app_token": "slack"},
	"webhook_configs":    {"url": "webhook.url"},
	"pagerduty_configs":  {"routing_key": "pagerduty.routingKey", "service_key": "pagerduty"},
	"email_configs":      {"auth_password": "email.authPassword", "auth_secret": "email"},
	"opsgenie_configs":   {"api_key": ""},
	"victorops_configs":  {"api_key": ""},
	"telegram_configs":   {"bot_token": ""},
	"discord_configs":    {"webhook_url": ""},
	"msteams_configs":    {"webhook_url": ""},
	"msteamsv2_configs":  {"webhook_url": ""},
	"mattermost_configs": {"webhook_url": ""},
	"rocketchat_configs": {"token": "", "token_id": ""},
	"pushover_configs":   {"user_key": "", "token": ""},
	"wechat_configs":     {"api_secret": ""},
	"incidentio_configs": {"url": "", "alert_source_token": ""},
}

// amGlobalSecretFields are the credentials of the global section.
var amGlobalSecretFields = []string{
	"slack_api_url", "slack_app_token", "smtp_auth_password", "smtp_auth_secret", "opsgenie_api_key", "victorops_api_key",
	"wechat_api_secret", "telegram_bot_token", "rocketchat_token", "rocketchat_token_id", "mattermost_webhook_url",
}

// amHTTPSecretFields are the credentials of an http_config, by sub-object.
var amHTTPSecretFields = map[string][]string{
	"":              {"bearer_token"},
	"basic_auth":    {"password"},
	"authorization": {"credentials"},
	"oauth2":        {"client_secret"},
}

// amIntegrationSpec maps integration lists to the spec's receiver fields.
var amIntegrationSpec = map[string]string{
	"slack_configs": "slack", "webhook_configs": "webhook", "pagerduty_configs": "pagerduty", "email_configs": "email",
}

var alertmanagerConfigCheck = Check{
	Name: "alertmanager/config",
	Doc: "The generated Alertmanager config (`alertmanager.config` in the values) loads on its own with `github.com/prometheus/alertmanager/config`; " +
		"every route's receiver exists; credentials appear only as `*_file` paths, each inside a Secret listed in `alertmanagerSpec.secrets` " +
		"(mounted at /etc/alertmanager/secrets/<name>/) and the one the spec references.",
	Run: func(in *Input) (out diag.List) {
		const check = "alertmanager/config"
		pv := in.values()
		if pv.file == nil || pv.err != nil {
			return nil
		}
		vf := pv.file.Path
		cfg := pv.v.Alertmanager.Config
		if len(cfg) == 0 {
			return append(out, at(in, "alerting", check, vf, "the values carry no alertmanager.config: the chart's default config routes every alert to nobody"))
		}
		secrets := pv.v.Alertmanager.AlertmanagerSpec.Secrets

		// Receivers and the routes that name them.
		receivers := map[string]map[string]any{}
		var names []string
		for _, r := range amList(cfg["receivers"]) {
			rm := amMap(r)
			name, _ := rm["name"].(string)
			receivers[name] = rm
			names = append(names, name)
		}
		undefined := false
		root := amMap(cfg["route"])
		if root == nil {
			out.Append(at(in, "alerting.route", check, vf, "the Alertmanager config has no route"))
		} else {
			children := amList(root["routes"])
			offset := len(children) - len(in.Spec.Alerting.Routes)
			var walk func(r map[string]any, top bool, source, where string)
			walk = func(r map[string]any, top bool, source, where string) {
				recv, _ := r["receiver"].(string)
				if recv != "" && receivers[recv] == nil {
					undefined = true
					out.Append(at(in, source, check, vf, "%s sends to receiver %q, which the config does not define (receivers: %s)", where, recv, strings.Join(names, ", ")))
				}
				for j, c := range amList(r["routes"]) {
					src := source
					if top && offset >= 0 && j >= offset {
						src = load.PathString("alerting", "routes", fmt.Sprint(j-offset), "receiver")
					}
					walk(amMap(c), false, src, fmt.Sprintf("%s.routes[%d]", where, j))
				}
			}
			walk(root, true, "alerting.route.receiver", "route")
		}

		// Credentials: no literal, every file inside a mounted Secret.
		checkFile := func(source, where, p string) {
			if msg := amFileProblem(p, secrets); msg != "" {
				out.Append(at(in, source, check, vf, "%s: %s", where, msg))
			}
		}
		global := amMap(cfg["global"])
		for _, k := range amGlobalSecretFields {
			if v, ok := global[k]; ok && !wiringEmpty(v) {
				out.Append(at(in, "alerting", check, vf, "global.%s is a literal credential in the config (it ends up in a ConfigMap): use %s_file", k, k))
			}
		}
		walkFiles(global, "global", func(where, p string) { checkFile("alerting", where, p) })
		walkHTTPConfig(global["http_config"], "global.http_config", func(where string) {
			out.Append(at(in, "alerting", check, vf, "%s is a literal credential in the config: use its *_file form", where))
		})
		for _, name := range names {
			r := receivers[name]
			base := load.PathString("alerting", "receivers", name)
			for _, list := range amSortedKeys(amSecretFields) {
				fields := amSecretFields[list]
				for i, c := range amList(r[list]) {
					cm := amMap(c)
					where := fmt.Sprintf("receiver %q %s[%d]", name, list, i)
					src := base
					if sf := amIntegrationSpec[list]; sf != "" {
						src = base + "." + sf
					}
					for _, field := range amSortedKeys(fields) {
						if v, ok := cm[field]; ok && !wiringEmpty(v) {
							fsrc := base
							if fields[field] != "" {
								fsrc = base + "." + fields[field]
							}
							out.Append(at(in, fsrc, check, vf,
								"%s: %s is a literal credential in the config (it ends up in a ConfigMap): use %s_file with a Secret listed in alertmanagerSpec.secrets",
								where, field, field))
						}
					}
					walkFiles(cm, where, func(w, p string) { checkFile(src, w, p) })
					walkHTTPConfig(cm["http_config"], where+".http_config", func(w string) {
						out.Append(at(in, src, check, vf, "%s is a literal credential in the config: use its *_file form", w))
					})
				}
			}
		}
		out.Append(amSpecFiles(in, receivers, vf)...)

		data, err := artifact.YAML(cfg)
		if err != nil {
			return append(out, at(in, "alerting", check, vf, "%v", err))
		}
		if _, err := amconfig.Load(string(data)); err != nil && !(undefined && strings.Contains(err.Error(), "undefined receiver")) {
			out.Append(at(in, "alerting", check, vf, "Alertmanager rejects the generated config: %v", err))
		}
		return out
	},
}

// amFileProblem says what is wrong with a credential file path, or "".
func amFileProblem(p string, secrets []string) string {
	dir := stack.AlertmanagerSecretsDir + "/"
	rest, ok := strings.CutPrefix(p, dir)
	parts := strings.Split(rest, "/")
	if !ok || path.Clean(p) != p || len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return fmt.Sprintf("%s is not a key of a mounted Secret (the operator mounts each Secret of alertmanagerSpec.secrets at %s<secret>/<key>)", p, dir)
	}
	if !slices.Contains(secrets, parts[0]) {
		return fmt.Sprintf("%s reads Secret %s, which alertmanagerSpec.secrets does not list (has: [%s]): the file does not exist in the pod",
			p, parts[0], strings.Join(secrets, ", "))
	}
	return ""
}

// walkFiles calls f for every *_file field in m and its sub-objects.
func walkFiles(m map[string]any, where string, f func(where, p string)) {
	for _, k := range amSortedKeys(m) {
		switch v := m[k].(type) {
		case string:
			if strings.HasSuffix(k, "_file") && v != "" {
				f(where+"."+k, v)
			}
		case map[string]any:
			walkFiles(v, where+"."+k, f)
		}
	}
}

// walkHTTPConfig calls f for every literal credential of an http_config.
func walkHTTPConfig(hc any, where string, f func(where string)) {
	m := amMap(hc)
	for _, sub := range amSortedKeys(amHTTPSecretFields) {
		obj := m
		w := where
		if sub != "" {
			obj = amMap(m[sub])
			w += "." + sub
		}
		for _, field := range amHTTPSecretFields[sub] {
			if v, ok := obj[field]; ok && !wiringEmpty(v) {
				f(w + "." + field)
			}
		}
	}
}

// amSpecFiles checks that each receiver reads the Secret key the spec
// references.
func amSpecFiles(in *Input, receivers map[string]map[string]any, vf string) diag.List {
	var out diag.List
	for _, r := range in.Spec.Alerting.Receivers {
		base := load.PathString("alerting", "receivers", r.Name)
		want := func(list, field, specField string, c *model.Credential) {
			if c == nil || c.Literal != "" {
				return
			}
			cfgs := amList(receivers[r.Name][list])
			if len(cfgs) == 0 {
				out.Append(at(in, base+"."+strings.Split(specField, ".")[0], "alertmanager/config", vf,
					"receiver %q has no %s in the generated config", r.Name, list))
				return
			}
			got, _ := amMap(cfgs[0])[field].(string)
			if w := stack.SecretFile(*c); got != w {
				out.Append(at(in, base+"."+specField, "alertmanager/config", vf,
					"receiver %q: %s reads %q, but the spec references Secret %s key %s (%s)", r.Name, field, got, c.Secret, c.Key, w))
			}
		}
		if r.Slack != nil {
			want("slack_configs", "api_url_file", "slack.apiURL", &r.Slack.APIURL)
		}
		if r.Email != nil {
			want("email_configs", "auth_password_file", "email.authPassword", r.Email.AuthPassword)
		}
		if r.Webhook != nil {
			want("webhook_configs", "url_file", "webhook.url", &r.Webhook.URL)
		}
		if r.PagerDuty != nil {
			want("pagerduty_configs", "routing_key_file", "pagerduty.routingKey", &r.PagerDuty.RoutingKey)
		}
	}
	return out
}

func amMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func amList(v any) []any {
	l, _ := v.([]any)
	return l
}

func amSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
