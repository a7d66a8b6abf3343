package catalog

import (
	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/internal/dcgm"
)

// addCustomResources adds the custom-resource-state series of the training
// controllers' objects (and Kueue's Workload) that the generated
// kube-state-metrics values configure, with exactly the labels the config
// gives them (internal/controllers, crs.go).
func (c *Catalog) addCustomResources(crs *promstack.CustomResourceState) {
	if crs == nil || !crs.Enabled {
		return
	}
	for _, sr := range controllers.SeriesOf(crs.Config) {
		l := Closed(append(sr.Labels, serviceMonitorLabels...)...)
		c.add(sr.Name, &Source{Kind: KindKSM, Path: "stack.prometheus", Labels: l, Values: map[string]string{"job": "kube-state-metrics"}})
	}
}

// dcgmTargetLabels are the labels the dcgm-exporter ServiceMonitor's scrape
// attaches; with honorLabels, the exporter's own namespace, pod and
// container (the GPU's user) win over the target's.
var dcgmTargetLabels = []string{"job", "instance", "namespace", "service", "endpoint", "pod", "container"}

// addDCGM adds the dcgm-exporter series the generated collectors list
// enables (internal/dcgm), one by one: a field the list leaves off is not
// exported.
func (c *Catalog) addDCGM() {
	l := Closed(append(append([]string{}, dcgm.Labels...), dcgmTargetLabels...)...)
	for _, f := range dcgm.Fields() {
		c.add(f, &Source{Kind: KindDCGM, Path: "stack.dcgmExporter", Labels: l})
	}
}
