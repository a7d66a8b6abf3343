// Package loki generates the Helm values of the grafana-community `loki`
// chart (18.x): one monolithic Loki on a filesystem volume, behind the chart's
// gateway, which is where the log collector pushes and Grafana queries
// (stack.LokiURL).
//
// The seed tutorial installed the deprecated `loki-stack` chart. The settings
// below are the ones the chart needs to render a single binary at all (no
// read/write/backend replicas, a schema, no MinIO), plus retention, which
// Loki only enforces when the compactor is told to.
package loki

import (
	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Path of the generated values file and the ConfigMap it goes into
// (referenced by the HelmRelease's valuesFrom, so without a hash suffix).
const (
	Path          = artifact.StackDir + "/values/loki.yaml"
	ConfigMapName = "values-loki"
	ValuesKey     = "values.yaml"
)

// SchemaFrom is the first day of the (only) schema period. It must never
// change once Loki has stored data under it, so it is a constant, not the
// build date.
const SchemaFrom = "2024-01-01"

// New returns the Loki values generator.
func New() generators.Generator {
	return generators.Func{N: "loki", F: generate}
}

func generate(s *model.Spec) ([]artifact.File, error) {
	values := Values(s)
	data, err := artifact.YAML(values)
	if err != nil {
		return nil, err
	}
	return []artifact.File{{
		Path:   Path,
		Data:   data,
		Role:   artifact.ConfigMapData,
		Object: &artifact.Generated{Name: ConfigMapName, Key: ValuesKey, Labels: stack.ValuesLabels(), Hash: false},
		Source: "stack.loki",
		// For values/parse, which decodes the bytes strictly and compares.
		Value: &values,
	}}, nil
}

// ChartValues is the subset of the chart's values we set; Helm merges it
// over the chart defaults (maps merge, so e.g. limits_config keeps the
// chart's other limits).
type ChartValues struct {
	DeploymentMode string       `json:"deploymentMode"`
	Loki           LokiSection  `json:"loki"`
	SingleBinary   SingleBinary `json:"singleBinary"`
	Read           Replicas     `json:"read"`
	Write          Replicas     `json:"write"`
	Backend        Replicas     `json:"backend"`
	Gateway        Toggle       `json:"gateway"`
	Minio          Toggle       `json:"minio"`
	ChunksCache    Toggle       `json:"chunksCache"`
	ResultsCache   Toggle       `json:"resultsCache"`
	Test           Toggle       `json:"test"`
	LokiCanary     Toggle       `json:"lokiCanary"`
}

type LokiSection struct {
	AuthEnabled  bool         `json:"auth_enabled"`
	CommonConfig CommonConfig `json:"commonConfig"`
	Storage      struct {
		Type string `json:"type"`
	} `json:"storage"`
	SchemaConfig struct {
		Configs []SchemaPeriod `json:"configs"`
	} `json:"schemaConfig"`
	LimitsConfig struct {
		RetentionPeriod string `json:"retention_period"`
	} `json:"limits_config"`
	Compactor Compactor `json:"compactor"`
}

type CommonConfig struct {
	ReplicationFactor int `json:"replication_factor"`
}

type SchemaPeriod struct {
	From        string `json:"from"`
	Store       string `json:"store"`
	ObjectStore string `json:"object_store"`
	Schema      string `json:"schema"`
	Index       struct {
		Prefix string `json:"prefix"`
		Period string `json:"period"`
	} `json:"index"`
}

type Compactor struct {
	RetentionEnabled   bool   `json:"retention_enabled"`
	DeleteRequestStore string `json:"delete_request_store"`
}

type SingleBinary struct {
	Replicas    int `json:"replicas"`
	Persistence struct {
		Enabled bool   `json:"enabled"`
		Size    string `json:"size"`
		// The chart defaults to deleting the volume with the StatefulSet; a
		// failed upgrade that Flux remediates by uninstalling must not take
		// the stored logs with it.
		EnableStatefulSetAutoDeletePVC bool `json:"enableStatefulSetAutoDeletePVC"`
	} `json:"persistence"`
}

type Replicas struct {
	Replicas int `json:"replicas"`
}

type Toggle struct {
	Enabled bool `json:"enabled"`
}

// Values returns the chart values for the spec.
func Values(s *model.Spec) ChartValues {
	l := s.Stack.Loki
	v := ChartValues{
		DeploymentMode: "Monolithic",
		// Scalable targets need object storage; a filesystem Loki only
		// renders with them all at zero.
		Read:    Replicas{0},
		Write:   Replicas{0},
		Backend: Replicas{0},
		// The gateway is the stable URL (<release>-gateway) the collector and
		// Grafana use whatever the deployment mode.
		Gateway: Toggle{true},
		Minio:   Toggle{false},
		// Memcached caches are sized for big clusters (GiBs of memory).
		ChunksCache:  Toggle{false},
		ResultsCache: Toggle{false},
		// The Helm test needs the canary, which pushes synthetic logs.
		Test:       Toggle{false},
		LokiCanary: Toggle{false},
	}
	v.SingleBinary.Replicas = 1
	v.SingleBinary.Persistence.Enabled = true
	v.SingleBinary.Persistence.Size = l.StorageSize
	v.SingleBinary.Persistence.EnableStatefulSetAutoDeletePVC = false

	// One tenant ("fake"): the collector sends no X-Scope-OrgID.
	v.Loki.AuthEnabled = false
	v.Loki.CommonConfig.ReplicationFactor = 1
	v.Loki.Storage.Type = "filesystem"
	p := SchemaPeriod{From: SchemaFrom, Store: "tsdb", ObjectStore: "filesystem", Schema: "v13"}
	p.Index.Prefix = "index_"
	p.Index.Period = "24h"
	v.Loki.SchemaConfig.Configs = []SchemaPeriod{p}
	v.Loki.LimitsConfig.RetentionPeriod = l.Retention
	// Without retention_enabled the compactor never deletes, whatever
	// retention_period says; with it Loki requires a delete-request store.
	v.Loki.Compactor = Compactor{RetentionEnabled: true, DeleteRequestStore: "filesystem"}
	return v
}
