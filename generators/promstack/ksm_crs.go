package promstack

import (
	"slices"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// CustomResourceState is the kube-state-metrics subchart's
// customResourceState value (kube-prometheus-stack 88.5.3, charts/
// kube-state-metrics 8.4.0 values.yaml): enabled, the chart creates a
// ConfigMap (key config.yaml) holding config and passes
// --custom-resource-state-config-file; with
// rbac.customResourceState.createClusterRoleRules (default true) its
// ClusterRole may list and watch customresourcedefinitions.
type CustomResourceState struct {
	Enabled bool                  `json:"enabled"`
	Config  controllers.CRSConfig `json:"config"`
}

// KSMRBAC holds rbac.extraRules: the chart adds them to kube-state-metrics'
// ClusterRole (templates/role.yaml), so it may list and watch the custom
// resources ("Add (Cluster)Role permissions to list/watch the resources
// defined in the config to rbac.extraRules", values.yaml).
type KSMRBAC struct {
	ExtraRules []controllers.RBACRule `json:"extraRules"`
}

// CRSUses are the training controllers the spec's workloads run under, each
// with the selector keys of its workloads, and whether any workload asks
// for Kueue's admission alert.
func CRSUses(s *model.Spec) (uses []controllers.Use, kueue bool) {
	keys := map[*controllers.Controller][]string{}
	for _, w := range s.Workloads {
		if w.Training == nil {
			continue
		}
		c := rules.Controller(w)
		if _, ok := keys[c]; !ok {
			keys[c] = []string{}
		}
		keys[c] = append(keys[c], w.SelectorKeys()...)
		kueue = kueue || w.Training.Kueue.Enabled && c.Kueue
	}
	for _, c := range controllers.All() {
		if k, ok := keys[c]; ok {
			slices.Sort(k)
			uses = append(uses, controllers.Use{Controller: c, LabelKeys: slices.Compact(k)})
		}
	}
	return uses, kueue
}

// CRSConfig is the custom-resource-state config of the spec (ok false when
// no workload needs one).
func CRSConfig(s *model.Spec) (cfg controllers.CRSConfig, rbac []controllers.RBACRule, ok bool) {
	uses, kueue := CRSUses(s)
	return controllers.Config(uses, kueue)
}

func customResourceState(s *model.Spec) (*CustomResourceState, *KSMRBAC) {
	cfg, rbac, ok := CRSConfig(s)
	if !ok {
		return nil, nil
	}
	return &CustomResourceState{Enabled: true, Config: cfg}, &KSMRBAC{ExtraRules: rbac}
}
