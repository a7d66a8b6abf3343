package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators/secrets"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// secretRefValues are the keys of the kube-prometheus-stack values that
// name Secrets and that kpsValues (wiring_parse.go) does not read, as the
// chart reads the typed values (chartView)
// (charts/kube-prometheus-stack/values.yaml of prometheus-community/helm-charts,
// kube-prometheus-stack-88.5.3; grafana.admin from the grafana subchart's
// values.yaml, grafana-community/helm-charts charts/grafana 12.11.1).
type secretRefValues struct {
	Prometheus struct {
		PrometheusSpec struct {
			RemoteWrite []struct {
				BasicAuth *struct {
					Username *secretKeyRef `json:"username"`
					Password *secretKeyRef `json:"password"`
				} `json:"basicAuth"`
			} `json:"remoteWrite"`
			// Mounted into the Prometheus pods at /etc/prometheus/secrets/<name>.
			Secrets []string `json:"secrets"`
		} `json:"prometheusSpec"`
	} `json:"prometheus"`
	Grafana struct {
		Admin struct {
			ExistingSecret string `json:"existingSecret"`
			// Defaults admin-user, admin-password (grafana chart values.yaml).
			UserKey     string `json:"userKey"`
			PasswordKey string `json:"passwordKey"`
		} `json:"admin"`
	} `json:"grafana"`
}

type secretKeyRef struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// secretUse is one Secret (and key, when one is read) the values make a
// component read.
type secretUse struct {
	secret, key, by string
}

var wiringSecrets = Check{
	Name: "wiring/secrets",
	Doc: "Every Secret the generated kube-prometheus-stack values make a component read — the scrape-config Secret, `alertmanagerSpec.secrets` " +
		"and each key an Alertmanager `*_file` reads from them, Grafana's admin `existingSecret` and its keys, remote-write basic auth, " +
		"`prometheusSpec.secrets` — is either made by the overlay (kustomize's output, the stack's namespace, with the key) or listed with that key " +
		"in SECRETS.md and the build summary, for the user to create: a Secret nobody creates keeps the pods that mount it from starting.",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/secrets"
		pv := in.values()
		if pv.file == nil || pv.err != nil {
			return nil // values/parse reports values without their typed value
		}
		f := pv.file
		var v secretRefValues
		if err := chartView(pv.typed, &v); err != nil {
			return nil
		}
		objs, err := kustomized(in)
		if err != nil {
			return nil // overlay/kustomize reports it
		}
		// The list SECRETS.md gives, as its generator made it.
		// Without the file, nothing is listed for the user to create.
		var required []secrets.Secret
		if sf := in.File(secrets.Path); sf != nil {
			var ok bool
			if required, ok = sf.Value.([]secrets.Secret); !ok {
				return append(out, at(in, sf.Source, check, sf.Path,
					"%s comes without its typed list of Secrets (artifact.File.Value): the Secrets the values read cannot be checked against it", secrets.Path))
			}
		}
		for _, u := range secretUses(&pv.v, &v) {
			if msg := secretUseProblem(objs, required, in.Spec.Stack.Namespace, u); msg != "" {
				out.Append(at(in, "stack", check, f.Path, "%s: %s", u.by, msg))
			}
		}
		return out
	},
}

// secretUses lists the Secrets the values make components read, in the
// order of the values.
func secretUses(kps *kpsValues, v *secretRefValues) []secretUse {
	var uses []secretUse
	if ref := kps.Prometheus.PrometheusSpec.AdditionalScrapeConfigsSecret; ref != nil && ref.Enabled != nil && *ref.Enabled {
		uses = append(uses, secretUse{ref.Name, ref.Key, "prometheus.prometheusSpec.additionalScrapeConfigsSecret"})
	}
	ps := v.Prometheus.PrometheusSpec
	for i, rw := range ps.RemoteWrite {
		if rw.BasicAuth == nil {
			continue
		}
		for field, ref := range map[string]*secretKeyRef{"username": rw.BasicAuth.Username, "password": rw.BasicAuth.Password} {
			if ref != nil {
				uses = append(uses, secretUse{ref.Name, ref.Key, fmt.Sprintf("prometheus.prometheusSpec.remoteWrite[%d].basicAuth.%s", i, field)})
			}
		}
	}
	for _, s := range ps.Secrets {
		uses = append(uses, secretUse{s, "", "prometheus.prometheusSpec.secrets"})
	}
	for _, s := range kps.Alertmanager.AlertmanagerSpec.Secrets {
		uses = append(uses, secretUse{s, "", "alertmanager.alertmanagerSpec.secrets"})
	}
	walkFilesDeep(kps.Alertmanager.Config, "alertmanager.config", func(where, p string) {
		rest, ok := strings.CutPrefix(p, stack.AlertmanagerSecretsDir+"/")
		if secret, key, found := strings.Cut(rest, "/"); ok && found {
			uses = append(uses, secretUse{secret, key, where})
		}
	})
	if a := v.Grafana.Admin; a.ExistingSecret != "" {
		userKey, passwordKey := a.UserKey, a.PasswordKey
		if userKey == "" {
			userKey = "admin-user"
		}
		if passwordKey == "" {
			passwordKey = "admin-password"
		}
		uses = append(uses,
			secretUse{a.ExistingSecret, userKey, "grafana.admin.existingSecret (userKey)"},
			secretUse{a.ExistingSecret, passwordKey, "grafana.admin.existingSecret (passwordKey)"})
	}
	slices.SortStableFunc(uses, func(a, b secretUse) int { return strings.Compare(a.by, b.by) })
	return uses
}

// secretUseProblem says why u is neither made by the overlay nor listed for
// the user to create, or "".
func secretUseProblem(objs []kustomizedObject, required []secrets.Secret, namespace string, u secretUse) string {
	for _, o := range objs {
		if o.Kind != "Secret" || o.Name != u.secret || o.Namespace != namespace {
			continue
		}
		if u.key == "" || slices.Contains(o.Keys, u.key) {
			return ""
		}
		return fmt.Sprintf("Secret %s, which the overlay makes, has no key %s (has: [%s])", u.secret, u.key, strings.Join(o.Keys, ", "))
	}
	sec, ok := secrets.Find(required, u.secret)
	if !ok {
		return fmt.Sprintf("Secret %s is neither made by the overlay nor listed in %s for the user to create: the component that reads it does not start", u.secret, secrets.Path)
	}
	if u.key != "" {
		if _, ok := sec.Key(u.key); !ok {
			var keys []string
			for _, k := range sec.Keys {
				keys = append(keys, k.Name)
			}
			return fmt.Sprintf("key %s of Secret %s is not listed in %s (listed: [%s])", u.key, u.secret, secrets.Path, strings.Join(keys, ", "))
		}
	}
	return ""
}

// walkFilesDeep calls f for every *_file field of m and of the maps and
// lists below it.
func walkFilesDeep(v any, where string, f func(where, p string)) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range amSortedKeys(x) {
			if s, ok := x[k].(string); ok && strings.HasSuffix(k, "_file") && s != "" {
				f(where+"."+k, s)
				continue
			}
			walkFilesDeep(x[k], where+"."+k, f)
		}
	case []any:
		for i, e := range x {
			walkFilesDeep(e, fmt.Sprintf("%s[%d]", where, i), f)
		}
	}
}
