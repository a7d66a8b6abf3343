package checks

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/model/relabel"
	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

var logsPromtailDecode = Check{
	Name: "logs/promtail-decode",
	Doc: "The generated Promtail config decodes strictly with Prometheus's `relabel.Config` and `kubernetes.SDConfig` types (which validate as they " +
		"decode, as in Promtail) and, strictly, into the generator's config type, to the very config the generator made; the chart values decode and " +
		"carry the same text, without `{{`. The one check of the Promtail encoding: the other log checks read the generator's typed config, which the file must carry.",
	Run: func(in *Input) (out diag.List) {
		const check = "logs/promtail-decode"
		ci := in.collector()
		if ci.kind != model.CollectorPromtail || ci.file == nil {
			return nil
		}
		f := ci.file
		if ci.err != nil {
			out.Append(at(in, f.Source, check, f.Path, "%v", ci.err))
		}
		if _, err := decodePromtail(f.Data); err != nil {
			return append(out, at(in, f.Source, check, f.Path, "Promtail would refuse the generated config: %v", err))
		}
		var got logs.PromtailConfig
		if err := yaml.UnmarshalStrict(f.Data, &got); err != nil {
			out.Append(at(in, f.Source, check, f.Path, "the generated config does not decode into the generator's Promtail config type: %v", err))
		} else if ci.value != nil && ci.value.Promtail != nil {
			out.Append(promtailEncodingDiffs(in, f, ci.value, &got)...)
		}
		// The chart gets the config through its values (config.file); the
		// aside copy must be the same text, and "{{" would be run by tpl.
		if vf := in.File(logs.PromtailValuesPath); vf != nil {
			var v logs.PromtailValues
			if err := yaml.UnmarshalStrict(vf.Data, &v); err != nil {
				out.Append(at(in, vf.Source, check, vf.Path, "the Promtail values do not decode: %v", err))
			} else if v.Config.File != string(f.Data) {
				out.Append(atGenerated(in, vf.Source, check, []string{vf.Path, f.Path}, "config.file in the Promtail values is not the generated Promtail config"))
			}
			if strings.Contains(v.Config.File, "{{") {
				out.Append(at(in, vf.Source, check, vf.Path, "config.file contains \"{{\", which the chart's tpl would execute"))
			}
		}
		return out
	},
}

// promtailEncodingDiffs compares the config decoded from the bytes with the
// one the generator marshalled, and reports each difference at the spec
// path of the stage or job it is in (the file's when it is elsewhere).
func promtailEncodingDiffs(in *Input, f *artifact.File, c *logs.Collector, got *logs.PromtailConfig) (out diag.List) {
	const check = "logs/promtail-decode"
	want := c.Promtail
	if reflect.DeepEqual(got, want) {
		return nil
	}
	differ := func(src, format string, args ...any) {
		out.Append(at(in, src, check, f.Path, "the emitted config decodes other than the generator made it: "+format, args...))
	}
	if len(got.ScrapeConfigs) != len(want.ScrapeConfigs) {
		differ(f.Source, "%d scrape configs, the generator made %d", len(got.ScrapeConfigs), len(want.ScrapeConfigs))
		return out
	}
	for i := range want.ScrapeConfigs {
		g, w := &got.ScrapeConfigs[i], &want.ScrapeConfigs[i]
		src, stageSources := f.Source, []string(nil)
		if i < len(c.Pipelines) {
			src, stageSources = c.Pipelines[i].Source, c.Pipelines[i].StageSources
		}
		where := fmt.Sprintf("scrape_configs[%d] (job %q)", i, w.JobName)
		if g.JobName != w.JobName {
			differ(src, "%s: job_name is %q", where, g.JobName)
		}
		if !reflect.DeepEqual(g.KubernetesSDConfigs, w.KubernetesSDConfigs) {
			differ(src, "%s: kubernetes_sd_configs are %s, the generator made %s", where, jsonText(g.KubernetesSDConfigs), jsonText(w.KubernetesSDConfigs))
		}
		for j := range max(len(g.RelabelConfigs), len(w.RelabelConfigs)) {
			if gr, wr := nth(g.RelabelConfigs, j), nth(w.RelabelConfigs, j); !reflect.DeepEqual(gr, wr) {
				differ(src, "%s: relabel_configs[%d] is %s, the generator made %s", where, j, jsonText(gr), jsonText(wr))
			}
		}
		for j := range max(len(g.PipelineStages), len(w.PipelineStages)) {
			if gs, ws := nth(g.PipelineStages, j), nth(w.PipelineStages, j); !reflect.DeepEqual(gs, ws) {
				ssrc := src
				if j < len(stageSources) {
					ssrc = stageSources[j]
				}
				differ(ssrc, "%s: pipeline_stages[%d] is %s, the generator made %s", where, j, jsonText(gs), jsonText(ws))
			}
		}
	}
	g, w := *got, *want
	g.ScrapeConfigs, w.ScrapeConfigs = nil, nil
	if !reflect.DeepEqual(g, w) {
		differ(f.Source, "%s, the generator made %s", jsonText(g), jsonText(w))
	}
	return out
}

// nth is &s[i], or nil past its end (a missing item).
func nth[T any](s []T, i int) *T {
	if i < len(s) {
		return &s[i]
	}
	return nil
}

// jsonText is v for a message, as JSON (the form of the Promtail config's
// YAML); a nil pointer is "nothing".
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if string(b) == "null" {
		return "nothing"
	}
	return string(b)
}

// promtailFile is a Promtail config, decoded with Prometheus's own relabel
// and kubernetes_sd types (which validate as they decode).
type promtailFile struct {
	Server        map[string]any   `yaml:"server,omitempty"`
	Positions     map[string]any   `yaml:"positions,omitempty"`
	Clients       []map[string]any `yaml:"clients,omitempty"`
	ScrapeConfigs []promtailScrape `yaml:"scrape_configs,omitempty"`
	TargetConfig  map[string]any   `yaml:"target_config,omitempty"`
	LimitsConfig  map[string]any   `yaml:"limits_config,omitempty"`
	Options       map[string]any   `yaml:"options,omitempty"`
	Tracing       map[string]any   `yaml:"tracing,omitempty"`
	Global        map[string]any   `yaml:"global,omitempty"`
}

type promtailScrape struct {
	JobName             string                 `yaml:"job_name"`
	KubernetesSDConfigs []*kubernetes.SDConfig `yaml:"kubernetes_sd_configs,omitempty"`
	StaticConfigs       []map[string]any       `yaml:"static_configs,omitempty"`
	FileSDConfigs       []map[string]any       `yaml:"file_sd_configs,omitempty"`
	RelabelConfigs      []*relabel.Config      `yaml:"relabel_configs,omitempty"`
	PipelineStages      []map[string]any       `yaml:"pipeline_stages,omitempty"`
	Encoding            string                 `yaml:"encoding,omitempty"`
	Decompression       map[string]any         `yaml:"decompression,omitempty"`
	LimitsConfig        map[string]any         `yaml:"limits_config,omitempty"`
}

func decodePromtail(data []byte) (*promtailFile, error) {
	var pf promtailFile
	if err := yamlv2.UnmarshalStrict(data, &pf); err != nil {
		return nil, cleanYAMLv2Err(err)
	}
	return &pf, nil
}

// yamlGoType is the " in type pkg.T" suffix of a YAML type error.
var yamlGoType = regexp.MustCompile(` in type [\w.*\[\]]+`)

// cleanYAMLv2Err joins a YAML type error's lines and drops Go type names.
func cleanYAMLv2Err(err error) error {
	var te *yamlv2.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = yamlGoType.ReplaceAllString(m, "")
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return err
}
