// Package model is the typed form of a loaded spec: what generators and
// checks read. Maps of the spec become slices sorted by name, so that every
// consumer iterates in one order and output is deterministic.
package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"cuelang.org/go/cue"
	prommodel "github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/presets"
)

// Spec is the whole decoded spec.
type Spec struct {
	APIVersion  string       `json:"apiVersion"`
	Stack       Stack        `json:"stack"`
	Workloads   []*Workload  `json:"-"`
	Logs        Logs         `json:"logs"`
	Alerting    Alerting     `json:"alerting"`
	ExtraRules  []*RuleGroup `json:"-"`
	ExtraPanels []*Panel     `json:"extraPanels"`
	// SLOs are the service level objectives, sorted by name (slo.go).
	SLOs []*SLO `json:"-"`
	// Environment is the environment this spec is for ("" for the base).
	Environment string `json:"-"`
	// Notes are remarks on a spec that builds: what it asks that cannot be
	// had (a server without an error signal gets no error alert). vet and
	// build print them; they fail nothing.
	Notes diag.List `json:"-"`

	positions map[string]diag.Pos
}

type Chart struct {
	Repository string `json:"repository"`
	Version    string `json:"version"`
}

type Stack struct {
	Namespace    string       `json:"namespace"`
	Flux         bool         `json:"flux"`
	Prometheus   Prometheus   `json:"prometheus"`
	Grafana      Grafana      `json:"grafana"`
	Loki         Loki         `json:"loki"`
	LogCollector LogCollector `json:"logCollector"`
	DCGMExporter struct {
		Release      string            `json:"release"`
		Chart        Chart             `json:"chart"`
		NodeSelector map[string]string `json:"nodeSelector"`
		Tolerations  []Toleration      `json:"tolerations"`
	} `json:"dcgmExporter"`
}

type Prometheus struct {
	Release            string        `json:"release"`
	Chart              Chart         `json:"chart"`
	Retention          string        `json:"retention"`
	ScrapeInterval     string        `json:"scrapeInterval"`
	EvaluationInterval string        `json:"evaluationInterval"`
	Replicas           int           `json:"replicas"`
	Shards             int           `json:"shards"`
	StorageSize        string        `json:"storageSize"`
	RemoteWrite        []RemoteWrite `json:"remoteWrite"`
}

type RemoteWrite struct {
	URL      string      `json:"url"`
	Username *Credential `json:"username,omitempty"`
	Password *Credential `json:"password,omitempty"`
}

type Grafana struct {
	AdminSecret struct {
		Secret      string `json:"secret"`
		UserKey     string `json:"userKey"`
		PasswordKey string `json:"passwordKey"`
	} `json:"adminSecret"`
	Folder string `json:"folder"`
	URL    string `json:"url"`
}

type Loki struct {
	Release     string `json:"release"`
	Chart       Chart  `json:"chart"`
	Retention   string `json:"retention"`
	StorageSize string `json:"storageSize"`
}

// Log collector kinds.
const (
	CollectorAlloy    = "alloy"
	CollectorPromtail = "promtail"
)

type LogCollector struct {
	Kind    string `json:"kind"`
	Release string `json:"release"`
	Chart   Chart  `json:"chart"`
}

// Workload kinds.
const (
	KindTraining  = "training"
	KindInference = "inference"
)

type Workload struct {
	Name      string            `json:"-"`
	Kind      string            `json:"kind"`
	Namespace string            `json:"namespace"`
	Team      string            `json:"team"`
	Selector  map[string]string `json:"selector"`
	Metrics   struct {
		Port      Port     `json:"port"`
		Path      string   `json:"path"`
		Scheme    string   `json:"scheme"`
		AppLabels []string `json:"appLabels"`
		Exported  []string `json:"exported"`
	} `json:"metrics"`
	GPU        bool         `json:"gpu"`
	RunbookURL string       `json:"runbookURL"`
	Logs       WorkloadLogs `json:"logs"`
	Training   *Training    `json:"training,omitempty"`
	Inference  *Inference   `json:"inference,omitempty"`
	// GPUAlerts apply when GPU is set (GPUHealth).
	GPUAlerts *GPUAlerts `json:"gpuAlerts,omitempty"`
}

// Port is a container port serving metrics: its name, or its number in
// decimal (the spec's metrics.port takes either).
type Port string

// Number reports whether the port is given by number.
func (p Port) Number() bool {
	if p == "" {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// UnmarshalJSON accepts a name or a number.
func (p *Port) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		var n int
		if err := jsonUnmarshal(b, &n); err != nil {
			return err
		}
		*p = Port(fmt.Sprint(n))
		return nil
	}
	var s string
	if err := jsonUnmarshal(b, &s); err != nil {
		return err
	}
	*p = Port(s)
	return nil
}

// Path is the spec path of the workload, for positions.
func (w *Workload) Path(sub ...string) string {
	return load.PathString(append([]string{"workloads", w.Name}, sub...)...)
}

// SelectorKeys returns the selector's label keys, sorted.
func (w *Workload) SelectorKeys() []string {
	keys := make([]string, 0, len(w.Selector))
	for k := range w.Selector {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ComponentLabel is the pod label the seed tutorial (and our scrape configs)
// use to tell training from inference pods.
const ComponentLabel = "app.kubernetes.io/component"

type Training struct {
	Controller string `json:"controller"`
	LossMetric string `json:"lossMetric,omitempty"`
	Restarts   struct {
		Max      int    `json:"max"`
		Window   string `json:"window"`
		For      string `json:"for"`
		Severity string `json:"severity"`
	} `json:"restarts"`
	JobFailed struct {
		Enabled  bool   `json:"enabled"`
		For      string `json:"for"`
		Severity string `json:"severity"`
	} `json:"jobFailed"`
	Stalled struct {
		After    string `json:"after"`
		For      string `json:"for"`
		Severity string `json:"severity"`
	} `json:"stalled"`
	Retries struct {
		Enabled  bool   `json:"enabled"`
		Max      int    `json:"max"`
		Window   string `json:"window"`
		For      string `json:"for"`
		Severity string `json:"severity"`
	} `json:"retries"`
	Pending struct {
		Enabled  bool   `json:"enabled"`
		After    string `json:"after"`
		Severity string `json:"severity"`
	} `json:"pending"`
	Kueue struct {
		Enabled       bool `json:"enabled"`
		AdmissionWait struct {
			After    string `json:"after"`
			Severity string `json:"severity"`
		} `json:"admissionWait"`
	} `json:"kueue"`
}

// Toleration is a pod toleration (the fields of corev1.Toleration the
// schema allows).
type Toleration struct {
	Key               string `json:"key,omitempty"`
	Operator          string `json:"operator"`
	Value             string `json:"value,omitempty"`
	Effect            string `json:"effect,omitempty"`
	TolerationSeconds *int   `json:"tolerationSeconds,omitempty"`
}

// GPUAlerts are the GPU health and waste alerts of a workload.
type GPUAlerts struct {
	XID         GPUWindowAlert `json:"xid"`
	RowRemap    GPUWindowAlert `json:"rowRemap"`
	ECC         GPUWindowAlert `json:"ecc"`
	Temperature struct {
		Enabled  bool    `json:"enabled"`
		Max      float64 `json:"max"`
		For      string  `json:"for"`
		Severity string  `json:"severity"`
	} `json:"temperature"`
	Throttling struct {
		Enabled  bool    `json:"enabled"`
		Max      float64 `json:"max"`
		Window   string  `json:"window"`
		For      string  `json:"for"`
		Severity string  `json:"severity"`
	} `json:"throttling"`
	Idle struct {
		Enabled  bool    `json:"enabled"`
		Below    float64 `json:"below"`
		Window   string  `json:"window"`
		For      string  `json:"for"`
		Severity string  `json:"severity"`
	} `json:"idle"`
}

// GPUWindowAlert is a GPU alert on events within a window.
type GPUWindowAlert struct {
	Enabled  bool   `json:"enabled"`
	Window   string `json:"window"`
	Severity string `json:"severity"`
}

type Inference struct {
	// Server names the inference server's preset ("custom": the names below).
	Server         string   `json:"server"`
	Models         []string `json:"models"`
	RequestsMetric string   `json:"requestsMetric"`
	LatencyMetric  string   `json:"latencyMetric"`
	ModelLabel     string   `json:"modelLabel"`
	StatusLabel    string   `json:"statusLabel"`
	ErrorStatus    string   `json:"errorStatus"`
	// Latency: quantile and threshold of the end-to-end latency (the
	// quantile is unused for servers that export no histogram).
	Latency   QuantileAlert `json:"latency"`
	ErrorRate struct {
		Enabled  bool    `json:"enabled"`
		Max      float64 `json:"max"`
		Window   string  `json:"window"`
		For      string  `json:"for"`
		Severity string  `json:"severity"`
	} `json:"errorRate"`
	Down struct {
		For      string `json:"for"`
		Severity string `json:"severity"`
	} `json:"down"`
	// LLM serving signals, where the server exports them.
	TTFT    QuantileAlert `json:"ttft"`
	TPOT    QuantileAlert `json:"tpot"`
	Queue   GaugeAlert    `json:"queue"`
	KVCache GaugeAlert    `json:"kvCache"`

	// Preset is the server's preset, resolved at decode (custom: built from
	// the names above). Generators and checks read metric and label names
	// from it, never from the fields above.
	Preset *presets.Server `json:"-"`
}

// QuantileAlert is an alert on a latency's quantile over a threshold.
type QuantileAlert struct {
	Enabled   bool    `json:"enabled"`
	Quantile  float64 `json:"quantile"`
	Threshold string  `json:"threshold"`
	Window    string  `json:"window"`
	For       string  `json:"for"`
	Severity  string  `json:"severity"`
}

// GaugeAlert is an alert on a gauge above a maximum.
type GaugeAlert struct {
	Enabled  bool    `json:"enabled"`
	Max      float64 `json:"max"`
	For      string  `json:"for"`
	Severity string  `json:"severity"`
}

type WorkloadLogs struct {
	Enabled  bool     `json:"enabled"`
	Drop     []string `json:"drop"`
	Keep     []string `json:"keep"`
	MinLevel string   `json:"minLevel"`
}

type Logs struct {
	ExtraLabels map[string]string `json:"extraLabels"`
}

type Alerting struct {
	Receivers []*Receiver `json:"-"`
	Route     struct {
		Receiver       string   `json:"receiver"`
		GroupBy        []string `json:"groupBy"`
		GroupWait      string   `json:"groupWait"`
		GroupInterval  string   `json:"groupInterval"`
		RepeatInterval string   `json:"repeatInterval"`
	} `json:"route"`
	Routes []Route `json:"routes"`
}

type Route struct {
	Receiver string            `json:"receiver"`
	Match    map[string]string `json:"match"`
	Continue bool              `json:"continue"`
}

// Credential is a reference to one key of a Secret. Literal is set when the
// user wrote a plain string instead (always an error, reported with position).
type Credential struct {
	Secret  string `json:"secret"`
	Key     string `json:"key"`
	Literal string `json:"-"`
}

type Receiver struct {
	Name  string `json:"-"`
	Slack *struct {
		Channel      string     `json:"channel"`
		APIURL       Credential `json:"apiURL"`
		SendResolved bool       `json:"sendResolved"`
	} `json:"slack,omitempty"`
	Email *struct {
		To           string      `json:"to"`
		From         string      `json:"from"`
		Smarthost    string      `json:"smarthost"`
		AuthUsername string      `json:"authUsername"`
		AuthPassword *Credential `json:"authPassword,omitempty"`
		SendResolved bool        `json:"sendResolved"`
	} `json:"email,omitempty"`
	Webhook *struct {
		URL          Credential `json:"url"`
		SendResolved bool       `json:"sendResolved"`
	} `json:"webhook,omitempty"`
	PagerDuty *struct {
		RoutingKey   Credential `json:"routingKey"`
		SendResolved bool       `json:"sendResolved"`
	} `json:"pagerduty,omitempty"`
}

type RuleGroup struct {
	Name     string  `json:"-"`
	Interval string  `json:"interval,omitempty"`
	Rules    []*Rule `json:"rules"`
}

type Rule struct {
	Alert         string            `json:"alert,omitempty"`
	Record        string            `json:"record,omitempty"`
	Expr          string            `json:"expr"`
	For           string            `json:"for,omitempty"`
	KeepFiringFor string            `json:"keepFiringFor,omitempty"`
	Labels        map[string]string `json:"labels"`
	Annotations   map[string]string `json:"annotations"`
}

type Panel struct {
	Title      string `json:"title"`
	Datasource string `json:"datasource"`
	Expr       string `json:"expr"`
	Type       string `json:"type"`
	Unit       string `json:"unit"`
	Legend     string `json:"legend"`
}

// Pos returns where the user wrote path, or the nearest ancestor they wrote
// (a defaulted threshold is reported at its workload).
func (s *Spec) Pos(path string) diag.Pos {
	for p := path; ; {
		if pos, ok := s.positions[p]; ok {
			return pos
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	// Nothing of the path was written (a default of the schema): point at
	// the top of the spec rather than nowhere.
	var first diag.Pos
	for _, pos := range s.positions {
		if !first.IsValid() || pos.File < first.File {
			first = pos
		}
	}
	if first.IsValid() {
		return diag.Pos{File: first.File, Line: 1, Col: 1}
	}
	return diag.Pos{}
}

// Written reports whether the user wrote path (rather than taking the
// schema's default).
func (s *Spec) Written(path string) bool {
	_, ok := s.positions[path]
	return ok
}

// HasGPU reports whether any workload uses GPUs.
func (s *Spec) HasGPU() bool {
	return slices.ContainsFunc(s.Workloads, func(w *Workload) bool { return w.GPU })
}

// Seconds parses a Prometheus duration the schema already validated.
func Seconds(d string) float64 {
	v, err := prommodel.ParseDuration(d)
	if err != nil {
		return 0
	}
	return time.Duration(v).Seconds()
}

// Decode turns a loaded spec into the model and runs the checks that need
// Go: literal credentials, references between parts of the spec.
func Decode(res *load.Result) (*Spec, diag.List) {
	return decode(res.Value, res.Workloads, res.Positions)
}

// DecodeEnvironment decodes one environment's spec.
func DecodeEnvironment(env *load.Environment) (*Spec, diag.List) {
	s, diags := decode(env.Value, nil, env.Positions)
	for i := range diags {
		diags[i].Message = "environment " + env.Name + ": " + diags[i].Message
	}
	if s != nil {
		s.Environment = env.Name
	}
	return s, diags
}

// decode decodes v, and the workloads loaded in parts when there are
// (load.Result.Workloads; v then has none).
func decode(v cue.Value, parts []load.Workload, positions map[string]diag.Pos) (*Spec, diag.List) {
	s := &Spec{positions: positions}
	var diags diag.List
	if err := decodeValue(v, reflect.ValueOf(s)); err != nil {
		diags.Add(diag.Pos{}, "decode", "%v", err)
		return nil, diags
	}
	var workloads map[string]*Workload
	if parts == nil {
		decodeMap(v, "workloads", &workloads, &diags)
	} else {
		workloads = decodeParts(parts, &diags)
	}
	for _, name := range sortedKeys(workloads) {
		w := workloads[name]
		w.Name = name
		s.Workloads = append(s.Workloads, w)
	}
	var receivers map[string]*Receiver
	decodeMap(v, "alerting.receivers", &receivers, &diags)
	for _, name := range sortedKeys(receivers) {
		r := receivers[name]
		r.Name = name
		s.Alerting.Receivers = append(s.Alerting.Receivers, r)
	}
	var groups map[string]*RuleGroup
	decodeMap(v, "extraRules", &groups, &diags)
	for _, name := range sortedKeys(groups) {
		g := groups[name]
		g.Name = name
		s.ExtraRules = append(s.ExtraRules, g)
	}
	var slos map[string]*SLO
	decodeMap(v, "slos", &slos, &diags)
	for _, name := range sortedKeys(slos) {
		o := slos[name]
		o.Name = name
		s.SLOs = append(s.SLOs, o)
	}
	if len(diags) > 0 {
		return nil, diags
	}
	diags.Append(s.checkReferences()...)
	diags.Append(s.resolvePresets()...)
	return s, diags.Sorted()
}

// decodeParts decodes the JSON of workloads loaded in parts, as
// decodeValue decodes them from the whole spec (the model's types decode
// from JSON as cue.Value.Decode does; TestPartsAreWhole compares).
func decodeParts(parts []load.Workload, diags *diag.List) map[string]*Workload {
	out := make(map[string]*Workload, len(parts))
	for _, p := range parts {
		w := &Workload{}
		if err := jsonUnmarshal(p.JSON, w); err != nil {
			diags.Add(diag.Pos{}, "decode", "workloads.%s: %v", p.Name, err)
			continue
		}
		out[p.Name] = w
	}
	return out
}

func decodeMap[T any](v cue.Value, path string, out *map[string]T, diags *diag.List) {
	if err := decodeValue(v.LookupPath(cue.ParsePath(path)), reflect.ValueOf(out).Elem()); err != nil {
		diags.Add(diag.Pos{}, "decode", "%s: %v", path, err)
	}
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// UnmarshalJSON accepts a Secret reference or, to report it, a literal.
func (c *Credential) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var lit string
		if err := jsonUnmarshal(b, &lit); err != nil {
			return err
		}
		c.Literal = lit
		return nil
	}
	type plain Credential
	var p plain
	if err := jsonUnmarshal(b, &p); err != nil {
		return err
	}
	*c = Credential(p)
	return nil
}

func (c Credential) String() string { return fmt.Sprintf("%s/%s", c.Secret, c.Key) }
