// Package dashboards generates the Grafana dashboards, built with the
// grafana-foundation-sdk builders (never hand-written JSON). Each dashboard
// becomes one key of its own ConfigMap, which the Grafana sidecar picks up by
// label and files under the spec's folder.
package dashboards

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Dir holds the dashboard files.
const Dir = artifact.ConfigDir + "/dashboards/"

// New returns the dashboards generator.
func New() generators.Generator {
	return generators.Func{N: "dashboards", F: generate}
}

func generate(s *model.Spec) ([]artifact.File, error) {
	if len(s.Workloads) == 0 && len(s.ExtraPanels) == 0 {
		// Nothing to show: a spec that installs the stack alone.
		return nil, nil
	}
	b, err := overview(s)
	if err != nil {
		return nil, fmt.Errorf("dashboards: overview: %w", err)
	}
	d, err := b.b.Build()
	if err != nil {
		return nil, fmt.Errorf("dashboards: overview: %w", err)
	}
	f, err := file(s, d, b.sources, "workloads")
	if err != nil {
		return nil, err
	}
	out := []artifact.File{f}
	if b := sloDashboard(s); b != nil {
		sd, err := b.b.Build()
		if err != nil {
			return nil, fmt.Errorf("dashboards: slos: %w", err)
		}
		sf, err := file(s, sd, b.sources, "slos")
		if err != nil {
			return nil, err
		}
		out = append(out, sf)
	}
	return out, nil
}

// file wraps a built dashboard into the ConfigMap key the sidecar loads.
// source is the file's spec path: where what concerns the whole dashboard
// (its variables, annotations) is reported.
func file(s *model.Spec, d dashboard.Dashboard, sources map[uint32]Source, source string) (artifact.File, error) {
	if d.Uid == nil || *d.Uid == "" {
		return artifact.File{}, fmt.Errorf("dashboards: dashboard without uid")
	}
	uid := *d.Uid
	o := &Object{Path: Dir + uid + ".json", Dashboard: d, Panels: sources}
	data, err := artifact.JSON(o.Dashboard)
	if err != nil {
		return artifact.File{}, fmt.Errorf("dashboards: %s: %w", uid, err)
	}
	return artifact.File{
		Path: o.Path,
		Data: data,
		Role: artifact.ConfigMapData,
		Object: &artifact.Generated{
			Name:        "dashboard-" + uid,
			Key:         uid + ".json",
			Labels:      map[string]string{stack.DashboardLabel: stack.DashboardLabelValue},
			Annotations: map[string]string{stack.FolderAnnotation: s.Stack.Grafana.Folder},
			// The sidecar watches by label, nothing references the name:
			// a stable name lets a changed dashboard replace the old one
			// instead of leaving orphans.
			Hash: false,
		},
		Source: source,
		Value:  o,
	}, nil
}
