package dashboards

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/units"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// controllerPanels: the state of the training runs, from kube-state-metrics,
// per controller the training workloads run under (internal/controllers),
// in the selected namespaces: pods Pending, runs failed and retried, runs
// waiting for Kueue. Pending pods have no `up` series, so these panels
// select by namespace, not by $pod. trained: the training workloads' spec
// paths; a controller's panels are its workloads'.
func controllerPanels(d *board, training []*model.Workload, trained []string) {
	inNS := sel(stack.LabelNamespace, "=~"+varNamespace)
	d.add(d.timeseries("Pending pods", units.Short, halfWidth,
		promQuery("A", "sum by (namespace) (kube_pod_status_phase"+sel(stack.LabelNamespace, "=~"+varNamespace, "phase", "Pending")+")", "{{namespace}}")).
		Min(0).
		Description("Pods in phase Pending (not scheduled, or containers not started) in the selected namespaces."), trained)
	under := map[*controllers.Controller][]*model.Workload{}
	var kueue []*model.Workload
	for _, w := range training {
		c := rules.Controller(w)
		under[c] = append(under[c], w)
		if w.Training.Kueue.Enabled && c.Kueue {
			kueue = append(kueue, w)
		}
	}
	for _, c := range controllers.All() {
		if len(under[c]) == 0 {
			continue
		}
		theirs := d.of(under[c])
		o := c.Object
		metric, label := c.Selector(c.Failed)
		d.add(d.timeseries(c.Title+" runs failed", units.Short, halfWidth,
			promQuery("A", fmt.Sprintf("sum by (namespace) (%s%s)", metric,
				sel(stack.LabelNamespace, "=~"+varNamespace, label, controllers.ValuesMatcher(c.Failed.Values))), "{{namespace}}")).
			Min(0).
			Description(fmt.Sprintf("%s objects in a failed state in the selected namespaces.", c.Title)), theirs)
		if n := c.Retries; n != nil {
			d.add(d.timeseries(c.Title+" retries", units.Short, halfWidth,
				promQuery("A", fmt.Sprintf("sum by (namespace, %s) (increase(%s%s%s))", o.NameLabel, c.CountMetric(n),
					sel(append([]string{stack.LabelNamespace, "=~" + varNamespace}, n.Match...)...), rateInterval), "{{namespace}}/{{"+o.NameLabel+"}}")).
				Min(0), theirs)
		}
	}
	if len(kueue) > 0 {
		k := controllers.Kueue.Object
		d.add(d.timeseries("Runs waiting for Kueue admission", units.Short, halfWidth,
			promQuery("A", fmt.Sprintf("count by (namespace) (%s%s unless on (namespace, %s) (%s%s == 1))",
				k.CRS.InfoMetric(), inNS, k.NameLabel, k.CRS.ConditionMetric(),
				sel(stack.LabelNamespace, "=~"+varNamespace, controllers.ConditionLabel, controllers.ValuesMatcher(controllers.Kueue.Admitted))), "{{namespace}}")).
			Min(0).
			Description("Kueue Workloads neither admitted nor finished in the selected namespaces: runs suspended, waiting for quota."), d.of(kueue))
	}
}
