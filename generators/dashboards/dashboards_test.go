package dashboards

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// The parts of the dashboard JSON the tests look at.
type jsonDashboard struct {
	UID        string      `json:"uid"`
	Title      string      `json:"title"`
	Panels     []jsonPanel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Query      string `json:"query"`
			Multi      bool   `json:"multi"`
			IncludeAll bool   `json:"includeAll"`
			Datasource jsonDS `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

type jsonPanel struct {
	ID          int     `json:"id"`
	Type        string  `json:"type"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Datasource  *jsonDS `json:"datasource"`
	GridPos     *struct {
		H, W, X, Y int
	} `json:"gridPos"`
	Targets []struct {
		Expr       string  `json:"expr"`
		Instant    bool    `json:"instant"`
		Datasource *jsonDS `json:"datasource"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Unit       string `json:"unit"`
			Thresholds struct {
				Steps []struct {
					Value *float64 `json:"value"`
				} `json:"steps"`
			} `json:"thresholds"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
}

type jsonDS struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

func loadExample(t *testing.T) *model.Spec {
	t.Helper()
	return modeltest.Example(t)
}

func loadInline(t *testing.T, src string) *model.Spec {
	t.Helper()
	return modeltest.Inline(t, src)
}

func TestOverview(t *testing.T) {
	tests := []struct {
		name string
		spec func(t *testing.T) *model.Spec
		// rows is the exact list of row titles, in order.
		rows []string
		// has are panel titles; no title starts with one of hasNot.
		has, hasNot []string
		// exprs are substrings some target must contain.
		exprs []string
		// last are the titles of the last panels, in order (extra panels).
		last []string
	}{{
		name: "example",
		spec: loadExample,
		rows: []string{"Resources", "GPU", "Training", "Inference", "Logs"},
		has: []string{"CPU usage", "Memory working set", "GPU utilization", "GPU memory used", "Loss: training_loss", "Container restarts",
			"Requests: inference_requests_total", "P95 latency: inference_request_duration_seconds", "Error ratio: inference_requests_total", "Logs"},
		hasNot: []string{"resnet", "trainer"},
		exprs: []string{
			`training_loss{namespace=~"$namespace", workload=~"$workload", pod=~"$pod"}`,
			`DCGM_FI_DEV_GPU_UTIL{`,
			`histogram_quantile(0.95, sum by (le, workload, model_name) (rate(inference_request_duration_seconds_bucket{namespace=~"$namespace", workload=~"$workload", pod=~"$pod", model_name=~"resnet50"}[$__rate_interval])))`,
			`model_name=~"resnet50", status="error"}`,
		},
	}, {
		name: "training controllers, Kueue, GPU health",
		spec: func(t *testing.T) *model.Spec {
			return loadInline(t, `workloads: {
	a: {kind: "training", namespace: "ml", gpu: true, training: {controller: "pytorchjob", kueue: enabled: true}, gpuAlerts: temperature: max: 80}
	b: {kind: "training", namespace: "ml", training: controller: "rayjob"}
}`)
		},
		rows: []string{"Resources", "GPU", "Training", "Logs"},
		has: []string{"GPU temperature", "GPU time throttled", "GPU memory errors", "GPU XID errors (last per GPU)", "Pending pods",
			"Kubeflow PyTorchJob runs failed", "KubeRay RayJob runs failed", "KubeRay RayJob retries", "Runs waiting for Kueue admission"},
		hasNot: []string{"Job runs failed", "Kubeflow PyTorchJob retries"},
		exprs: []string{
			`sum by (namespace) (kube_customresource_pytorchjob_status_condition{namespace=~"$namespace", type="Failed"})`,
			`sum by (namespace) (kube_customresource_rayjob_status_phase{namespace=~"$namespace", phase=~"Failed|ValidationFailed"})`,
			`increase(kube_customresource_rayjob_status_failed{namespace=~"$namespace"}[$__rate_interval])`,
			`unless on (namespace, kueue_workload) (kube_customresource_kueue_workload_status_condition{namespace=~"$namespace", type=~"Admitted|Finished"} == 1)`,
			`max by (pod, Hostname, gpu) (rate(DCGM_FI_DEV_THERMAL_VIOLATION{namespace=~"$namespace", pod=~"$pod"}[$__rate_interval])) / 1000000`,
			`max by (pod, Hostname, gpu, err_code, err_msg) (DCGM_FI_DEV_XID_ERRORS{namespace=~"$namespace", pod=~"$pod"} > 0)`,
		},
	}, {
		name: "inference only, no gpu",
		spec: func(t *testing.T) *model.Spec {
			return loadInline(t, `workloads: api: {kind: "inference", namespace: "serving", inference: {
	models: ["bert.v2", "gpt"]
	requestsMetric: "reqs_total", latencyMetric: "lat_seconds", modelLabel: "model"
	statusLabel: "code", errorStatus: "500"
	latency: {quantile: 0.999, threshold: "1s"}
	errorRate: max: 0.01
}}`)
		},
		rows:   []string{"Resources", "Inference", "Logs"},
		has:    []string{"Requests: reqs_total", "P99.9 latency: lat_seconds", "Error ratio: reqs_total"},
		hasNot: []string{"GPU utilization", "GPU memory used", "Container restarts", "Loss"},
		exprs: []string{
			`sum by (workload, model) (rate(reqs_total{namespace=~"$namespace", workload=~"$workload", pod=~"$pod", model=~"bert\\.v2|gpt"}[$__rate_interval]))`,
			`histogram_quantile(0.999, sum by (le, workload, model) (rate(lat_seconds_bucket{`,
			`code="500"`,
			`label_values(up{workload=~"api"}, namespace)`,
		},
	}, {
		name: "training without loss metric",
		spec: func(t *testing.T) *model.Spec {
			return loadInline(t, `workloads: job: {kind: "training", namespace: "ml", gpu: true}`)
		},
		rows:   []string{"Resources", "GPU", "Training", "Logs"},
		has:    []string{"Container restarts", "GPU utilization"},
		hasNot: []string{"Loss", "Requests"},
	}, {
		name: "no workloads, extra panels",
		spec: func(t *testing.T) *model.Spec {
			return loadInline(t, `extraPanels: [
	{title: "Queue depth", expr: "sum(queue_depth)", unit: "short", legend: "{{queue}}"},
	{title: "Nodes", type: "stat", expr: "count(up{job=\"node\"})"},
	{title: "Versions", type: "table", expr: "build_info"},
	{title: "Errors", type: "logs", datasource: "loki", expr: "{namespace=\"ml\"} |= \"error\""},
]`)
		},
		// No workload: no variables (they select the workloads' series)
		// and no generated row, only the user's panels.
		rows:  []string{"Extra"},
		exprs: []string{`{namespace="ml"} |= "error"`},
		last:  []string{"Extra", "Queue depth", "Nodes", "Versions", "Errors"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.spec(t)
			files, err := New().Generate(s)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1 {
				t.Fatalf("got %d files, want 1", len(files))
			}
			d := checkFile(t, s, files[0])

			var rows, titles []string
			var exprs []string
			ids := map[int]bool{}
			for _, p := range d.Panels {
				titles = append(titles, p.Title)
				if p.Type == "row" {
					rows = append(rows, p.Title)
				}
				if ids[p.ID] || p.ID == 0 {
					t.Errorf("panel %q: id %d zero or repeated", p.Title, p.ID)
				}
				ids[p.ID] = true
				if p.GridPos == nil || p.GridPos.W == 0 || p.GridPos.X+p.GridPos.W > 24 {
					t.Errorf("panel %q: bad gridPos %+v", p.Title, p.GridPos)
				}
				if p.Type != "row" {
					checkDS(t, p.Title, p.Datasource)
				}
				for _, tg := range p.Targets {
					checkDS(t, p.Title, tg.Datasource)
					exprs = append(exprs, tg.Expr)
				}
			}
			checkNoOverlap(t, d.Panels)
			if !slices.Equal(rows, tt.rows) {
				t.Errorf("rows = %q, want %q", rows, tt.rows)
			}
			for _, h := range tt.has {
				if !slices.Contains(titles, h) {
					t.Errorf("missing panel %q in %q", h, titles)
				}
			}
			for _, h := range tt.hasNot {
				for _, title := range titles {
					if strings.HasPrefix(title, h) {
						t.Errorf("unexpected panel %q", title)
					}
				}
			}
			var queries []string
			for _, v := range d.Templating.List {
				queries = append(queries, v.Query)
			}
			all := strings.Join(append(exprs, queries...), "\n")
			for _, e := range tt.exprs {
				if !strings.Contains(all, e) {
					t.Errorf("no query contains %s\nqueries:\n%s", e, all)
				}
			}
			if len(tt.last) > 0 && !slices.Equal(titles[len(titles)-len(tt.last):], tt.last) {
				t.Errorf("last panels = %q, want %q", titles[len(titles)-len(tt.last):], tt.last)
			}
		})
	}
}

// checkFile checks the ConfigMap wiring and the dashboard-wide invariants,
// and returns the parsed dashboard.
func checkFile(t *testing.T, s *model.Spec, f artifact.File) jsonDashboard {
	t.Helper()
	uid := stack.OverviewDashboardUID
	if f.Path != Dir+uid+".json" || f.Role != artifact.ConfigMapData || f.Source != "workloads" {
		t.Errorf("file = %s role %v source %q", f.Path, f.Role, f.Source)
	}
	o := f.Object
	if o == nil || o.Name != "dashboard-"+uid || o.Key != uid+".json" || o.Hash {
		t.Fatalf("object = %+v", o)
	}
	if o.Labels[stack.DashboardLabel] != stack.DashboardLabelValue {
		t.Errorf("labels = %v", o.Labels)
	}
	if o.Annotations[stack.FolderAnnotation] != s.Stack.Grafana.Folder || s.Stack.Grafana.Folder == "" {
		t.Errorf("annotations = %v", o.Annotations)
	}
	if len(f.Data) > 256<<10 {
		t.Errorf("dashboard is %d bytes", len(f.Data))
	}
	// The SDK reads back what it wrote, strictly (no unknown fields).
	// (It returns a nil cog.BuildErrors as a non-nil error on success.)
	plugins.RegisterDefaultPlugins()
	var sdk dashboard.Dashboard
	if err := sdk.UnmarshalJSONStrict(f.Data); err != nil {
		if errs, ok := err.(cog.BuildErrors); !ok || len(errs) > 0 {
			t.Errorf("strict decode: %v", err)
		}
	}
	var d jsonDashboard
	if err := json.Unmarshal(f.Data, &d); err != nil {
		t.Fatal(err)
	}
	checkPromQL(t, d)
	if d.UID != uid || d.Title != "DataOps overview" {
		t.Errorf("uid %q title %q", d.UID, d.Title)
	}
	var vars []string
	for _, v := range d.Templating.List {
		vars = append(vars, v.Name)
		if !v.Multi || !v.IncludeAll || v.Datasource.UID != stack.PrometheusDatasourceUID {
			t.Errorf("variable %s: multi %v includeAll %v datasource %v", v.Name, v.Multi, v.IncludeAll, v.Datasource)
		}
	}
	if want := []string{"namespace", "workload", "pod"}; len(s.Workloads) == 0 {
		if len(vars) != 0 {
			t.Errorf("variables = %q, want none without workloads", vars)
		}
	} else if !slices.Equal(vars, want) {
		t.Errorf("variables = %q", vars)
	}
	// Generating again gives the same bytes.
	again, err := New().Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again[0].Data, f.Data) {
		t.Error("second generation differs")
	}
	return d
}

var promQL = parser.NewParser(parser.Options{})

// checkPromQL parses every Prometheus query and variable selector the way
// Prometheus will see it once Grafana has interpolated $__rate_interval
// (the other variables are inside quoted regexes and stay as they are).
func checkPromQL(t *testing.T, d jsonDashboard) {
	t.Helper()
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			if p.Datasource == nil || p.Datasource.Type != "prometheus" {
				continue
			}
			expr := strings.ReplaceAll(tg.Expr, "$__rate_interval", "5m")
			if _, err := promQL.ParseExpr(expr); err != nil {
				t.Errorf("panel %q: %s: %v", p.Title, tg.Expr, err)
			}
		}
	}
	for _, v := range d.Templating.List {
		q, ok := strings.CutPrefix(v.Query, "label_values(")
		i := strings.LastIndex(q, "}, ")
		if !ok || i < 0 {
			t.Errorf("variable %s: query %q", v.Name, v.Query)
			continue
		}
		if _, err := promQL.ParseMetricSelector(q[:i+1]); err != nil {
			t.Errorf("variable %s: %s: %v", v.Name, v.Query, err)
		}
	}
}

// checkNoOverlap checks that no two panels share a grid cell.
func checkNoOverlap(t *testing.T, panels []jsonPanel) {
	t.Helper()
	taken := map[[2]int]string{}
	for _, p := range panels {
		if p.GridPos == nil {
			continue
		}
		for x := p.GridPos.X; x < p.GridPos.X+p.GridPos.W; x++ {
			for y := p.GridPos.Y; y < p.GridPos.Y+p.GridPos.H; y++ {
				if other, ok := taken[[2]int{x, y}]; ok {
					t.Errorf("panels %q and %q overlap at %d,%d", other, p.Title, x, y)
					return
				}
				taken[[2]int{x, y}] = p.Title
			}
		}
	}
}

func checkDS(t *testing.T, panel string, ds *jsonDS) {
	t.Helper()
	switch {
	case ds == nil:
		t.Errorf("panel %q: no datasource", panel)
	case ds.Type == "prometheus" && ds.UID == stack.PrometheusDatasourceUID:
	case ds.Type == "loki" && ds.UID == stack.LokiDatasourceUID:
	default:
		t.Errorf("panel %q: datasource %+v", panel, *ds)
	}
}

func TestThresholds(t *testing.T) {
	files, err := New().Generate(loadExample(t))
	if err != nil {
		t.Fatal(err)
	}
	var d jsonDashboard
	if err := json.Unmarshal(files[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		unit  string
		limit float64
	}{
		"P95 latency: inference_request_duration_seconds": {"s", 0.5},
		"Error ratio: inference_requests_total":           {"percentunit", 0.05},
		// The GPU alerts' thresholds (the trainer's defaults).
		"GPU temperature": {"celsius", 85},
		"GPU utilization": {"percent", 5},
	}
	for _, p := range d.Panels {
		w, ok := want[p.Title]
		if !ok {
			continue
		}
		delete(want, p.Title)
		steps := p.FieldConfig.Defaults.Thresholds.Steps
		if p.FieldConfig.Defaults.Unit != w.unit || len(steps) != 2 || steps[1].Value == nil || *steps[1].Value != w.limit {
			t.Errorf("%s: unit %q steps %+v, want %s at %v", p.Title, p.FieldConfig.Defaults.Unit, steps, w.unit, w.limit)
		}
	}
	if len(want) > 0 {
		t.Errorf("panels not found: %v", want)
	}
}

func TestPercentile(t *testing.T) {
	for q, want := range map[float64]string{0.95: "95", 0.99: "99", 0.999: "99.9", 0.5: "50", 0.9999: "99.99", 0.57: "57"} {
		if got := percentile(q); got != want {
			t.Errorf("percentile(%v) = %q, want %q", q, got, want)
		}
	}
}
