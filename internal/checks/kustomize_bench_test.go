package checks_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// BenchmarkKustomize measures the overlay/kustomize check (krusty, in
// memory) on the overlay of a synthetic spec, as generated (the workloads'
// rule groups bundled per namespace, in parts of at most 128 KiB: see
// generators/rules) and rebundled into PrometheusRule objects of at most
// 100 groups: kustomize's resource map is quadratic in the number of
// resources (every Append and every transformer looks resources up by id
// with a linear scan), which is why the generator bundles them (one object
// per workload took 1.95 s of 5.5 s of checks at 1,000 workloads).
//
//	DATAOPSGEN_BENCH_SIZES=1000 go test ./internal/checks/ -run '^$' -bench Kustomize -benchtime 1x
func BenchmarkKustomize(b *testing.B) {
	sizes := []int{100, 1000}
	if s := os.Getenv("DATAOPSGEN_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, _ := strconv.Atoi(strings.TrimSpace(f))
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		spec, files := generated(b, n)
		bundled := bundleRules(b, files, 100)
		for _, c := range []struct {
			name  string
			files []artifact.File
		}{{"generated", files}, {"bundled-100", bundled}} {
			b.Run(fmt.Sprintf("%s/n=%d", c.name, n), func(b *testing.B) {
				for b.Loop() {
					if _, err := checks.Kustomize(&checks.Input{Spec: spec, Files: c.files}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func generated(b *testing.B, n int) (*model.Spec, []artifact.File) {
	spec := modeltest.Synthetic(b, n)
	files, err := build.Generate(spec)
	if err != nil {
		b.Fatal(err)
	}
	return spec, files
}

// bundleRules merges the workloads' PrometheusRule files into objects of at
// most per groups and lists those in config/kustomization.yaml instead.
func bundleRules(b *testing.B, files []artifact.File, per int) []artifact.File {
	var out []artifact.File
	var groups []monitoringv1.RuleGroup
	var proto *monitoringv1.PrometheusRule
	var kust *artifact.File
	for _, f := range files {
		switch {
		case strings.HasPrefix(f.Path, rules.Dir+"workloads/"):
			var pr monitoringv1.PrometheusRule
			if err := yaml.Unmarshal(f.Data, &pr); err != nil {
				b.Fatal(err)
			}
			groups = append(groups, pr.Spec.Groups...)
			proto = &pr
		case f.Path == artifact.ConfigDir+"/kustomization.yaml":
			kust = &f
		default:
			out = append(out, f)
		}
	}
	var k map[string]any
	if err := yaml.Unmarshal(kust.Data, &k); err != nil {
		b.Fatal(err)
	}
	var resources []any
	for _, r := range k["resources"].([]any) {
		if !strings.HasPrefix(r.(string), "prometheus-rules/workloads/") {
			resources = append(resources, r)
		}
	}
	for i := 0; i*per < len(groups); i++ {
		pr := *proto
		pr.Name = fmt.Sprintf("dataops-workloads-%03d", i)
		pr.Spec.Groups = groups[i*per : min(len(groups), (i+1)*per)]
		data, err := artifact.YAML(&pr)
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("prometheus-rules/bundle-%03d.yaml", i)
		out = append(out, artifact.File{Path: artifact.ConfigDir + "/" + name, Data: data, Role: artifact.Resource})
		resources = append(resources, name)
	}
	k["resources"] = resources
	data, err := artifact.YAML(k)
	if err != nil {
		b.Fatal(err)
	}
	out = append(out, artifact.File{Path: kust.Path, Data: data, Role: kust.Role})
	slices.SortFunc(out, func(a, b artifact.File) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// BenchmarkKustomizeRunOnly is the check without rendering the result
// (krusty's Run alone; the check discards the YAML Kustomize renders).
func BenchmarkKustomizeRunOnly(b *testing.B) {
	for _, n := range []int{1000} {
		_, files := generated(b, n)
		for _, c := range []struct {
			name  string
			files []artifact.File
		}{{"generated", files}, {"bundled-100", bundleRules(b, files, 100)}} {
			b.Run(fmt.Sprintf("%s/n=%d", c.name, n), func(b *testing.B) {
				for b.Loop() {
					fs := filesys.MakeFsInMemory()
					for _, f := range c.files {
						if err := fs.WriteFile("/out/"+f.Path, f.Data); err != nil {
							b.Fatal(err)
						}
					}
					if _, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/out"); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
