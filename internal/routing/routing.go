// Package routing tells where Alertmanager sends the alerts an overlay
// generates, as `amtool config routes test` would: each alert rule's labels
// (its own and alertname) through the routing tree of the generated
// Alertmanager configuration, decided by Alertmanager's own code
// (internal/alertroute). The build summary prints it, so that alerts that
// reach only the "null" receiver are not dropped silently.
package routing

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/alertroute"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// ruleLabels is the part of a PrometheusRule routing reads: decoded alone,
// it costs a fraction of the whole object (expressions, annotations).
type ruleLabels struct {
	Spec struct {
		Groups []struct {
			Rules []struct {
				Alert  string            `yaml:"alert"`
				Labels map[string]string `yaml:"labels"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	} `yaml:"spec"`
}

// Table is where the alert rules of one compiled spec go.
type Table struct {
	// Receivers in the order of the configuration (null first).
	Receivers []*Receiver
	// Alerts counts the alert rules.
	Alerts int
	// NullIsDefault: alerting.route.receiver is the schema's default
	// "null", not a choice of the user's.
	NullIsDefault bool
}

// Receiver is what one receiver gets.
type Receiver struct {
	Name string
	// Alerts counts the alert rules routed to it; BySeverity splits them
	// by their severity label ("" for none).
	Alerts     int
	BySeverity map[string]int
}

// Of routes the alert rules of the PrometheusRule files among files through
// the Alertmanager configuration of the generated values among files.
func Of(spec *model.Spec, files []artifact.File, isRuleFile func(path string) bool) (*Table, error) {
	cfg, err := alertmanagerOf(files)
	if err != nil {
		return nil, err
	}
	text, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	router, err := alertroute.Load(string(text))
	if err != nil {
		return nil, fmt.Errorf("the generated Alertmanager configuration: %w", err)
	}
	t := &Table{NullIsDefault: spec.Alerting.Route.Receiver == promstack.NullReceiver && !spec.Written("alerting.route.receiver")}
	byName := map[string]*Receiver{}
	for _, r := range cfg.Receivers {
		rc := &Receiver{Name: r.Name, BySeverity: map[string]int{}}
		byName[r.Name] = rc
		t.Receivers = append(t.Receivers, rc)
	}
	for _, f := range files {
		if f.Role != artifact.Resource || !isRuleFile(f.Path) {
			continue
		}
		alerts, err := alertsOf(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		for _, a := range alerts {
			t.Alerts++
			ls := maps.Clone(a.labels)
			if ls == nil {
				ls = map[string]string{}
			}
			ls["alertname"] = a.name
			for _, name := range slices.Compact(slices.Sorted(slices.Values(router.Receivers(alertroute.Labels(ls))))) {
				rc := byName[name]
				if rc == nil {
					continue // Load refuses a route to an undefined receiver
				}
				rc.Alerts++
				rc.BySeverity[a.labels["severity"]]++
			}
		}
	}
	return t, nil
}

// alertmanagerOf is the Alertmanager configuration the generated
// kube-prometheus-stack values carry: the routing is that of the values
// the build writes, not of the generator run again. From their typed
// value, or their bytes when the file has none (as alertsOf).
func alertmanagerOf(files []artifact.File) (*promstack.AlertmanagerConfig, error) {
	for _, f := range files {
		if f.Path != promstack.ValuesPath {
			continue
		}
		v, ok := f.Value.(*promstack.Values)
		if !ok {
			v = &promstack.Values{}
			if err := yaml.Unmarshal(f.Data, v); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Path, err)
			}
		}
		return &v.Alertmanager.Config, nil
	}
	return nil, fmt.Errorf("no %s among the generated files", promstack.ValuesPath)
}

type alert struct {
	name   string
	labels map[string]string
}

// alertsOf lists the alert rules of a PrometheusRule file: from the typed
// object the generator made it from when it is there, else from its bytes.
func alertsOf(f artifact.File) ([]alert, error) {
	var out []alert
	if o, ok := f.Value.(*rules.Object); ok {
		for _, g := range o.Rule.Spec.Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					out = append(out, alert{r.Alert, r.Labels})
				}
			}
		}
		return out, nil
	}
	var pr ruleLabels
	if err := yamlv3.Unmarshal(f.Data, &pr); err != nil {
		return nil, err
	}
	for _, g := range pr.Spec.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				out = append(out, alert{r.Alert, r.Labels})
			}
		}
	}
	return out, nil
}

// Lines describe the table, one line per receiver that gets alerts (and
// the null receiver when it gets any: those are dropped).
func (t *Table) Lines() []string {
	var out []string
	width := 0
	for _, r := range t.Receivers {
		width = max(width, len(r.Name))
	}
	for _, r := range t.Receivers {
		if r.Alerts == 0 {
			continue
		}
		line := fmt.Sprintf("%-*s %s", width, r.Name, plural(r.Alerts, "alert"))
		var sev []string
		for _, s := range slices.Sorted(maps.Keys(r.BySeverity)) {
			name := s
			if name == "" {
				name = "no severity"
			}
			sev = append(sev, fmt.Sprintf("%d %s", r.BySeverity[s], name))
		}
		line += " (" + strings.Join(sev, ", ") + ")"
		if r.Name == promstack.NullReceiver {
			line += ": DROPPED"
			if t.NullIsDefault {
				line += ", no route matches them and alerting.route.receiver is the default \"null\""
			}
		}
		out = append(out, line)
	}
	if t.Alerts == 0 {
		out = append(out, "no alert")
	}
	return out
}

func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
