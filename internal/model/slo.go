package model

import (
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/load"
)

// SLO is one service level objective (spec `slos.<name>`).
type SLO struct {
	Name        string            `json:"-"`
	Workload    string            `json:"workload,omitempty"`
	Team        string            `json:"team,omitempty"`
	Description string            `json:"description"`
	Labels      map[string]string `json:"labels"`
	Objective   float64           `json:"objective"`
	Window      string            `json:"window"`
	SLI         SLI               `json:"sli"`
	Alerting    SLOAlerting       `json:"alerting"`
}

// Path is the spec path of the SLO, for positions.
func (o *SLO) Path(sub ...string) string {
	return load.PathString(append([]string{"slos", o.Name}, sub...)...)
}

// SLI kinds.
const (
	SLIAvailability = "availability"
	SLILatency      = "latency"
	SLIRatio        = "ratio"
	SLIBoolGauge    = "boolGauge"
)

// SLI is how an SLO counts good and bad events: one of the kinds is set.
type SLI struct {
	Availability *AvailabilitySLI `json:"availability,omitempty"`
	Latency      *LatencySLI      `json:"latency,omitempty"`
	Ratio        *RatioSLI        `json:"ratio,omitempty"`
	BoolGauge    *BoolGaugeSLI    `json:"boolGauge,omitempty"`
}

// Kinds lists the kinds that are set, in schema order.
func (s *SLI) Kinds() []string {
	var out []string
	if s.Availability != nil {
		out = append(out, SLIAvailability)
	}
	if s.Latency != nil {
		out = append(out, SLILatency)
	}
	if s.Ratio != nil {
		out = append(out, SLIRatio)
	}
	if s.BoolGauge != nil {
		out = append(out, SLIBoolGauge)
	}
	return out
}

type AvailabilitySLI struct {
	Models []string `json:"models,omitempty"`
}

// Latency SLI signals: the histograms of a server preset.
const (
	LatencyRequest = "request"
	LatencyTTFT    = "ttft"
	LatencyTPOT    = "tpot"
)

type LatencySLI struct {
	Threshold string `json:"threshold"`
	// Signal is the server's histogram: LatencyRequest, LatencyTTFT or
	// LatencyTPOT.
	Signal  string    `json:"signal"`
	Metric  string    `json:"metric,omitempty"`
	Unit    string    `json:"unit"`
	Buckets []float64 `json:"buckets,omitempty"`
	Models  []string  `json:"models,omitempty"`
}

type RatioSLI struct {
	Errors string `json:"errors,omitempty"`
	Good   string `json:"good,omitempty"`
	Total  string `json:"total"`
}

type BoolGaugeSLI struct {
	Selector string `json:"selector"`
}

type SLOAlerting struct {
	Page   SLOTier `json:"page"`
	Ticket SLOTier `json:"ticket"`
}

type SLOTier struct {
	Enabled     bool              `json:"enabled"`
	Severity    string            `json:"severity"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	For         string            `json:"for"`
	Windows     []BurnWindow      `json:"windows"`
}

type BurnWindow struct {
	Long          string  `json:"long"`
	Short         string  `json:"short"`
	BudgetPercent float64 `json:"budgetPercent"`
}

// SLOByName returns the SLO called name, or nil.
func (s *Spec) SLOByName(name string) *SLO {
	for _, o := range s.SLOs {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// WorkloadByName returns the workload called name, or nil.
func (s *Spec) WorkloadByName(name string) *Workload {
	// Workloads are sorted by name.
	i, ok := slices.BinarySearchFunc(s.Workloads, name, func(w *Workload, n string) int { return strings.Compare(w.Name, n) })
	if !ok {
		return nil
	}
	return s.Workloads[i]
}
