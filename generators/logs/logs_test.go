package logs

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/grafana/alloy/syntax/ast"
	"github.com/grafana/alloy/syntax/parser"
	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"sigs.k8s.io/yaml"
	goyaml "sigs.k8s.io/yaml/goyaml.v2"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

func loadDir(t *testing.T, dir string) *model.Spec {
	t.Helper()
	res, diags := load.Dir(dir)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return decode(t, res)
}

func loadSpec(t *testing.T, src string) *model.Spec {
	t.Helper()
	res, diags := load.Files([]load.File{{Name: "s.cue", Data: []byte(src)}})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return decode(t, res)
}

func decode(t *testing.T, res *load.Result) *model.Spec {
	t.Helper()
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return s
}

func generateFiles(t *testing.T, s *model.Spec) map[string]artifact.File {
	t.Helper()
	files, err := New().Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]artifact.File{}
	for _, f := range files {
		out[f.Path] = f
	}
	return out
}

// tricky is a promtail spec with everything that needs escaping: regex
// metacharacters in a selector value, "{{" in filters and extra labels, "$"
// in an extra label, plus a workload whose logs are off.
const tricky = `
apiVersion: "dataopsgen.dev/v1alpha1"
stack: logCollector: kind: "promtail"
workloads: {
	"llm-serve": {
		kind:      "inference"
		namespace: "serving"
		selector: "app.kubernetes.io/name": "llm.v1"
		inference: models: ["llama"]
		logs: {
			drop: ["GET /healthz", "{{x}}", "\\{{2}"]
			keep: ["ERROR", "request_id=\\d+"]
			minLevel: "warn"
		}
	}
	batch: {
		kind:      "training"
		namespace: "ml"
		logs: enabled: false
	}
}
logs: extraLabels: {cluster: "prod-{{1}}", cost: "$5"}
`

func TestFiles(t *testing.T) {
	example := loadDir(t, "../../examples/dataops")
	promtail := loadSpec(t, tricky)
	for _, tc := range []struct {
		name string
		spec *model.Spec
		want map[string]artifact.Generated // path → object (zero Name: no object)
		role map[string]artifact.Role
	}{
		{
			name: "alloy",
			spec: example,
			want: map[string]artifact.Generated{
				AlloyConfigPath: {Name: stack.AlloyConfigMapName, Key: stack.AlloyConfigKey},
				AlloyValuesPath: {Name: "values-alloy", Key: "values.yaml"},
			},
			role: map[string]artifact.Role{AlloyConfigPath: artifact.ConfigMapData, AlloyValuesPath: artifact.ConfigMapData},
		},
		{
			name: "promtail",
			spec: promtail,
			want: map[string]artifact.Generated{
				PromtailConfigPath: {},
				PromtailValuesPath: {Name: "values-promtail", Key: "values.yaml"},
			},
			role: map[string]artifact.Role{PromtailConfigPath: artifact.Aside, PromtailValuesPath: artifact.ConfigMapData},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := generateFiles(t, tc.spec)
			if len(files) != len(tc.want) {
				t.Fatalf("got files %v", slices.Sorted(mapKeys(files)))
			}
			for path, want := range tc.want {
				f, ok := files[path]
				if !ok {
					t.Fatalf("missing %s", path)
				}
				if f.Role != tc.role[path] {
					t.Errorf("%s: role %v, want %v", path, f.Role, tc.role[path])
				}
				switch {
				case want.Name == "" && f.Object != nil:
					t.Errorf("%s: unexpected object %+v", path, f.Object)
				case want.Name != "" && (f.Object == nil || f.Object.Name != want.Name || f.Object.Key != want.Key || f.Object.Hash):
					t.Errorf("%s: object %+v, want %+v", path, f.Object, want)
				}
				// Nothing we emit may start a Helm template action.
				if bytes.Contains(f.Data, []byte("{{")) {
					t.Errorf("%s contains {{:\n%s", path, f.Data)
				}
			}
			// Deterministic: a second run gives the same bytes.
			again := generateFiles(t, tc.spec)
			for path, f := range files {
				if !bytes.Equal(f.Data, again[path].Data) {
					t.Errorf("%s differs between runs", path)
				}
			}
		})
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// blocks indexes the top-level blocks of an Alloy file as "name/label".
func blocks(t *testing.T, src []byte) map[string]*ast.BlockStmt {
	t.Helper()
	f, err := parser.ParseFile("config.alloy", src)
	if err != nil {
		t.Fatalf("config does not parse: %v\n%s", err, src)
	}
	out := map[string]*ast.BlockStmt{}
	for _, st := range f.Body {
		if b, ok := st.(*ast.BlockStmt); ok {
			out[strings.Join(b.Name, ".")+"/"+b.Label] = b
		}
	}
	return out
}

func children(b *ast.BlockStmt) []string {
	var out []string
	for _, st := range b.Body {
		if c, ok := st.(*ast.BlockStmt); ok {
			out = append(out, strings.Join(c.Name, "."))
		}
	}
	return out
}

func TestAlloyConfig(t *testing.T) {
	s := loadDir(t, "../../examples/dataops")
	cfg := generateFiles(t, s)[AlloyConfigPath].Data
	got := blocks(t, cfg)
	var want []string
	want = append(want, "discovery.kubernetes/pods", "loki.write/loki")
	for _, w := range []string{"resnet", "trainer"} {
		want = append(want, "discovery.relabel/"+w, "local.file_match/"+w, "loki.source.file/"+w, "loki.process/"+w)
	}
	slices.Sort(want)
	if names := slices.Sorted(mapKeys(got)); !slices.Equal(names, want) {
		t.Fatalf("components %v, want %v", names, want)
	}
	// resnet drops two regexes; trainer filters by level (minLevel info).
	if c := children(got["loki.process/resnet"]); !slices.Equal(c, []string{"stage.cri", "stage.label_drop", "stage.drop", "stage.drop"}) {
		t.Errorf("resnet stages %v", c)
	}
	if c := children(got["loki.process/trainer"]); !slices.Equal(c, []string{"stage.cri", "stage.label_drop", "stage.regex", "stage.drop"}) {
		t.Errorf("trainer stages %v", c)
	}
	if n := len(children(got["discovery.relabel/resnet"])); n != len(relabelRules(s.Workloads[0], s.Logs.ExtraLabels)) {
		t.Errorf("resnet has %d rules", n)
	}
	// Compare with runs of blanks squeezed: the printer aligns "=".
	blank := regexp.MustCompile(`[ \t]+`)
	flat := blank.ReplaceAllString(string(cfg), " ")
	for _, sub := range []string{
		`"http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push"`,
		`names = ["ml"]`,
		`targets = discovery.kubernetes.pods.targets`,
		`forward_to = [loki.write.loki.receiver]`,
		`expression = "GET /healthz"`,
		`expression = "^(?i:trace|debug)$"`,
		`coalesce(sys.env("HOSTNAME"), constants.hostname)`,
		`replacement = "ml-prod"`,
		`replacement = "/var/log/pods/*$1/*.log"`,
	} {
		if !strings.Contains(flat, sub) {
			t.Errorf("config lacks %s:\n%s", sub, cfg)
		}
	}
	if strings.Contains(string(cfg), "labelmap") {
		t.Error("config labelmaps pod labels")
	}

	var v struct {
		Alloy struct {
			ConfigMap struct {
				Create    bool
				Name, Key string
			} `json:"configMap"`
			Mounts struct{ Varlog bool } `json:"mounts"`
		} `json:"alloy"`
		Controller struct{ Type string } `json:"controller"`
	}
	if err := yaml.Unmarshal(generateFiles(t, s)[AlloyValuesPath].Data, &v); err != nil {
		t.Fatal(err)
	}
	if v.Alloy.ConfigMap.Create || v.Alloy.ConfigMap.Name != stack.AlloyConfigMapName ||
		v.Alloy.ConfigMap.Key != stack.AlloyConfigKey || !v.Alloy.Mounts.Varlog || v.Controller.Type != "daemonset" {
		t.Errorf("alloy values: %+v", v)
	}
}

func TestAlloyNoWorkloads(t *testing.T) {
	s := loadSpec(t, `apiVersion: "dataopsgen.dev/v1alpha1"`)
	got := blocks(t, generateFiles(t, s)[AlloyConfigPath].Data)
	// No discovery: an empty namespace list would watch every namespace.
	if len(got) != 1 || got["loki.write/loki"] == nil {
		t.Errorf("components %v", slices.Sorted(mapKeys(got)))
	}
}

func TestAlloyLabel(t *testing.T) {
	for in, want := range map[string]string{
		"resnet":    "resnet",
		"resnet-50": "resnet_50",
		"3d-unet":   "_3d_unet",
		"null":      "_null",
		"true":      "_true",
	} {
		if got := AlloyLabel(in); got != want {
			t.Errorf("AlloyLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// promtailDoc is the promtail config as Promtail reads it (yaml.v2), with
// Prometheus's own relabel type.
type promtailDoc struct {
	Clients       []struct{ URL string } `yaml:"clients"`
	ScrapeConfigs []struct {
		JobName             string `yaml:"job_name"`
		KubernetesSDConfigs []struct {
			Role       string
			Namespaces struct{ Names []string }
		} `yaml:"kubernetes_sd_configs"`
		RelabelConfigs []*relabel.Config `yaml:"relabel_configs"`
		PipelineStages []map[string]any  `yaml:"pipeline_stages"`
	} `yaml:"scrape_configs"`
}

func TestPromtailConfig(t *testing.T) {
	s := loadSpec(t, tricky)
	files := generateFiles(t, s)
	raw := files[PromtailConfigPath].Data

	// The values deliver exactly the raw config.
	var values struct {
		Config struct {
			ServerPort int    `json:"serverPort"`
			File       string `json:"file"`
		} `json:"config"`
	}
	if err := yaml.Unmarshal(files[PromtailValuesPath].Data, &values); err != nil {
		t.Fatal(err)
	}
	if values.Config.File != string(raw) || values.Config.ServerPort != promtailPort {
		t.Fatalf("values config.file differs from %s", PromtailConfigPath)
	}

	var doc promtailDoc
	if err := goyaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if len(doc.ScrapeConfigs) != 1 {
		t.Fatalf("want one scrape config (batch has logs disabled), got %d", len(doc.ScrapeConfigs))
	}
	sc := doc.ScrapeConfigs[0]
	if sc.JobName != "dataops/serving/llm-serve" || sc.KubernetesSDConfigs[0].Role != "pod" ||
		!slices.Equal(sc.KubernetesSDConfigs[0].Namespaces.Names, []string{"serving"}) {
		t.Errorf("scrape config: %+v", sc)
	}
	if doc.Clients[0].URL != "http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push" {
		t.Errorf("client %v", doc.Clients)
	}
	for _, c := range sc.RelabelConfigs {
		if err := c.Validate(prommodel.LegacyValidation); err != nil {
			t.Fatalf("relabel %+v: %v", c, err)
		}
	}

	pod := map[string]string{
		"__meta_kubernetes_namespace":                                    "serving",
		"__meta_kubernetes_pod_name":                                     "llm-0",
		"__meta_kubernetes_pod_container_name":                           "server",
		"__meta_kubernetes_pod_uid":                                      "u-1",
		"__meta_kubernetes_pod_phase":                                    "Running",
		"__meta_kubernetes_pod_node_name":                                "node-a",
		"__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name":      "true",
		"__meta_kubernetes_pod_label_app_kubernetes_io_name":             "llm.v1",
		"__meta_kubernetes_pod_labelpresent_app_kubernetes_io_component": "true",
		"__meta_kubernetes_pod_label_app_kubernetes_io_component":        "inference",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range pod {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name string
		in   map[string]string
		keep bool
	}{
		{"matching pod", pod, true},
		{"failed pod kept", with("__meta_kubernetes_pod_phase", "Failed"), true},
		{"pending pod", with("__meta_kubernetes_pod_phase", "Pending"), false},
		{"other namespace", with("__meta_kubernetes_namespace", "servingx"), false},
		{"'.' is not a wildcard", with("__meta_kubernetes_pod_label_app_kubernetes_io_name", "llmXv1"), false},
		{"label absent", with("__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name", ""), false},
		{"other component", with("__meta_kubernetes_pod_label_app_kubernetes_io_component", "training"), false},
	} {
		lb := labels.NewBuilder(labels.FromMap(tc.in))
		keep := relabel.ProcessBuilder(lb, sc.RelabelConfigs...)
		if keep != tc.keep {
			t.Errorf("%s: keep = %v", tc.name, keep)
			continue
		}
		if !keep {
			continue
		}
		got := lb.Labels()
		for k, v := range map[string]string{
			"namespace": "serving", "pod": "llm-0", "container": "server", "workload": "llm-serve",
			"cluster": "prod-{{1}}", "cost": "$5",
			"__path__": "/var/log/pods/*u-1/server/*.log", "__host__": "node-a",
		} {
			if got.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got.Get(k), v)
			}
		}
		got.Range(func(l labels.Label) {
			if !strings.HasPrefix(l.Name, "__") && !slices.Contains([]string{"namespace", "pod", "container", "workload", "cluster", "cost"}, l.Name) {
				t.Errorf("%s: unexpected label %s", tc.name, l.Name)
			}
		})
	}

	checkPipeline(t, sc.PipelineStages)
}

// checkPipeline runs the pipeline's filters the way the stages apply them.
func checkPipeline(t *testing.T, stages []map[string]any) {
	t.Helper()
	var kinds []string
	var drops []*regexp.Regexp
	var keep, level, levelDrop *regexp.Regexp
	for _, st := range stages {
		for kind, body := range st {
			kinds = append(kinds, kind)
			m, _ := body.(map[any]any)
			switch kind {
			case "drop":
				re := regexp.MustCompile(m["expression"].(string))
				if m["source"] == levelKey {
					levelDrop = re
				} else {
					drops = append(drops, re)
				}
			case "match":
				sel := m["selector"].(string)
				const prefix = `{workload="llm-serve"} !~ `
				if !strings.HasPrefix(sel, prefix) || m["action"] != "drop" {
					t.Fatalf("match selector %q", sel)
				}
				q, err := strconv.Unquote(strings.TrimPrefix(sel, prefix))
				if err != nil {
					t.Fatal(err)
				}
				keep = regexp.MustCompile(q)
			case "regex":
				level = regexp.MustCompile(m["expression"].(string))
			}
		}
	}
	if want := []string{"cri", "labeldrop", "drop", "drop", "drop", "match", "regex", "drop"}; !slices.Equal(kinds, want) {
		t.Fatalf("stages %v, want %v", kinds, want)
	}
	kept := func(line string) bool {
		for _, d := range drops {
			if d.MatchString(line) {
				return false
			}
		}
		if !keep.MatchString(line) {
			return false
		}
		lv := ""
		if m := level.FindStringSubmatch(line); m != nil {
			lv = m[level.SubexpIndex(levelKey)]
		}
		return !levelDrop.MatchString(lv)
	}
	for line, want := range map[string]bool{
		`ERROR boom`:                           true,
		`level=error msg="ERROR x"`:            true,
		`level=info msg="ERROR x"`:             false, // below warn
		`{"level": "WARNING", "msg": "ERROR"}`: true,
		`request_id=42 done`:                   true,
		`request_id=x done`:                    false, // matches no keep regex
		`ERROR GET /healthz`:                   false, // dropped
		`ERROR {{x}}`:                          false, // "{{" filter, rewritten, still matches
		`ERROR {{`:                             false, // \{{2}
		`ERROR {x}`:                            true,
		`ERROR without any level`:              true,
		`level=debug request_id=1`:             false,
	} {
		if got := kept(line); got != want {
			t.Errorf("line %q kept = %v, want %v", line, got, want)
		}
	}
}

func TestHelmSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`plain`, `plain`},
		{`{{x}}`, `\x7B{x}}`},
		{`\{{2}`, `\x7B{2}`},
		{`[{{]`, `[\x7B{]`},
		{`\\{{`, `\\\x7B{`},
		{`a{2}{{`, `a{2}\x7B{`},
		{`{{{`, `\x7B\x7B{`},
	} {
		got, err := helmSafeRegex(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("helmSafeRegex(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := helmSafeRegex(`\Q{{\E`); err == nil {
		t.Error(`\Q{{\E: want an error`)
	}
	for in, want := range map[string]string{
		"ml-prod": "ml-prod",
		"$5":      "$$5",
		"{{1}}":   "{${1}{1}}",
		"{{{":     "{${1}{${1}{",
	} {
		if got := literalReplacement(in); got != want {
			t.Errorf("literalReplacement(%q) = %q, want %q", in, got, want)
		}
	}
}

// An invalid filter is left out of the config: the logs/filter-regex check
// refuses it with its position before anything is written.
func TestBadRegexSkipped(t *testing.T) {
	s := loadSpec(t, `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: t: {kind: "training", namespace: "ml", logs: drop: ["(", "ok"]}
`)
	files, err := New().Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == AlloyConfigPath && (strings.Contains(string(f.Data), `expression          = "("`) || !strings.Contains(string(f.Data), `"ok"`)) {
			t.Errorf("config:\n%s", f.Data)
		}
	}
}

// The tricky spec rendered for Alloy: labels are identifiers, the disabled
// workload is absent, the escaped strings survive the Alloy printer.
func TestAlloyTricky(t *testing.T) {
	s := loadSpec(t, tricky)
	s.Stack.LogCollector.Kind = model.CollectorAlloy
	cfg := generateFiles(t, s)[AlloyConfigPath].Data
	got := blocks(t, cfg)
	if got["loki.process/llm_serve"] == nil || got["discovery.relabel/llm_serve"] == nil {
		t.Errorf("components %v", slices.Sorted(mapKeys(got)))
	}
	for k := range got {
		if strings.HasSuffix(k, "/batch") {
			t.Errorf("disabled workload collected: %s", k)
		}
	}
	for _, sub := range []string{`names = ["serving"]`, `"true;llm\\.v1"`, `"prod-{${1}{1}}"`, `"$$5"`} {
		if !strings.Contains(string(cfg), sub) {
			t.Errorf("config lacks %s", sub)
		}
	}
}
