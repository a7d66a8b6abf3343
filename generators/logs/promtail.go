package logs

import (
	"fmt"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Promtail config, the subset we emit. (Prometheus's own relabel and
// kubernetes_sd types marshal through JSON with defaults spelled out and
// camel-case fields elsewhere; these stay minimal and are checked against
// relabel.Config in the tests.)
type PromtailConfig struct {
	Server        promtailServer   `json:"server"`
	Positions     promtailPosition `json:"positions"`
	Clients       []promtailClient `json:"clients"`
	ScrapeConfigs []ScrapeConfig   `json:"scrape_configs"`
}

type promtailServer struct {
	HTTPListenPort int    `json:"http_listen_port"`
	LogLevel       string `json:"log_level"`
}

type promtailPosition struct {
	Filename string `json:"filename"`
}

type promtailClient struct {
	URL string `json:"url"`
}

type ScrapeConfig struct {
	JobName             string         `json:"job_name"`
	KubernetesSDConfigs []kubernetesSD `json:"kubernetes_sd_configs"`
	RelabelConfigs      []RelabelRule  `json:"relabel_configs"`
	PipelineStages      []Stage        `json:"pipeline_stages"`
}

type kubernetesSD struct {
	Role       string `json:"role"`
	Namespaces struct {
		Names []string `json:"names"`
	} `json:"namespaces"`
}

// Chart wiring (promtail chart 6.x defaults): the DaemonSet's readiness probe
// targets config.serverPort, and /run/promtail is a hostPath, so positions
// survive restarts.
const (
	promtailPort      = 3101
	promtailPositions = "/run/promtail/positions.yaml"
)

// hostLabel: Promtail drops targets whose __host__ is not its own HOSTNAME
// (the chart sets it to the node name), so each pod tails only its node.
const hostLabel = "__host__"

// PromtailJobName is the scrape job of a workload.
func PromtailJobName(workload, namespace string) string {
	return "dataops/" + namespace + "/" + workload
}

func promtailConfigFor(p *plan) PromtailConfig {
	c := PromtailConfig{
		Server:        promtailServer{HTTPListenPort: promtailPort, LogLevel: "info"},
		Positions:     promtailPosition{Filename: promtailPositions},
		Clients:       []promtailClient{{URL: p.pushURL}},
		ScrapeConfigs: []ScrapeConfig{},
	}
	for _, wp := range p.workloads {
		sd := kubernetesSD{Role: "pod"}
		sd.Namespaces.Names = []string{wp.w.Namespace}
		rules := append(append([]RelabelRule(nil), wp.rules...), copyLabel(metaNodeName, hostLabel))
		c.ScrapeConfigs = append(c.ScrapeConfigs, ScrapeConfig{
			JobName:             PromtailJobName(wp.w.Name, wp.w.Namespace),
			KubernetesSDConfigs: []kubernetesSD{sd},
			RelabelConfigs:      rules,
			PipelineStages:      wp.stages,
		})
	}
	return c
}

// promtailCollector is the Promtail file's Value: the pipelines of p with
// the config c made from them.
func promtailCollector(p *plan, c *PromtailConfig) *Collector {
	col := collector(p, model.CollectorPromtail)
	col.Promtail = c
	return col
}

// Values of the promtail chart (6.x). config.file replaces the chart's whole
// templated config; the chart passes it through Helm's tpl, which leaves it
// unchanged because it holds no "{{".
type PromtailValues struct {
	Config struct {
		ServerPort int    `json:"serverPort"`
		File       string `json:"file"`
	} `json:"config"`
}

func promtailFiles(p *plan) ([]artifact.File, error) {
	c := promtailConfigFor(p)
	cfg, err := artifact.YAML(c)
	if err != nil {
		return nil, err
	}
	if strings.Contains(string(cfg), "{{") {
		// helmsafe.go should make this impossible.
		return nil, fmt.Errorf("promtail config contains \"{{\", which the chart's tpl would execute")
	}
	v := &PromtailValues{}
	v.Config.ServerPort = promtailPort
	v.Config.File = string(cfg)
	values, err := valuesFile(PromtailValuesPath, PromtailValuesConfigMap, v)
	if err != nil {
		return nil, err
	}
	return []artifact.File{
		// Not applied: the same text is in the values; this copy is for
		// people and checks to read.
		{Path: PromtailConfigPath, Data: cfg, Role: artifact.Aside, Source: source, Value: promtailCollector(p, &c)},
		values,
	}, nil
}
