// Package synth writes synthetic dataopsgen specs of any size, for the
// benchmarks and `make bench`: N workloads with the mix a platform team's
// spec has (about 60% inference and 40% training, 30% on GPUs, one to three
// models per inference service, several namespaces and teams, log filters,
// non-default thresholds), receivers whose credentials are Secret
// references, routes by team and severity, and a few hand-written rule
// groups and dashboard panels that read declared metrics.
//
// The output is a pure function of N; workload i is the same in every spec
// that has it (its choices are drawn from a generator seeded with i), so a
// larger spec extends a smaller one and cost can be compared across sizes.
package synth

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
)

// File is one generated spec file.
type File struct {
	Name string
	Data []byte
}

// seed is fixed: the same N gives the same bytes on every run and machine.
const seed = 0x6461746161707367 // "dataopsg"

var (
	namespaces = []string{"ml", "ml-serving", "ml-research", "vision", "nlp", "recsys", "speech", "search"}
	teams      = []string{"ml-platform", "ml-serving", "vision", "nlp", "recsys", "search"}
	families   = []string{"resnet", "bert", "llama", "whisper", "yolo", "t5", "clip", "vit", "gpt", "sam", "dlrm", "wav2vec"}
	severities = []string{"critical", "warning", "info"}
	durations  = []string{"1m", "2m", "3m", "5m", "10m"}
	windows    = []string{"5m", "10m", "15m", "30m"}
	dropLines  = []string{`GET /healthz`, `GET /metrics`, `GET /readyz`, `^\s*$`, `kube-probe/`, `DEBUG .*cache hit`}
	keepLines  = []string{`level=(warn|error)`, `"level":"(warn|error)"`, `Traceback`, `(?i)exception`}
	levels     = []string{"debug", "info", "warn", "error"}
)

// Workload is what the generator decided for workload i (tests use it).
type Workload struct {
	Name      string
	Kind      string // "training" or "inference"
	Namespace string
	Team      string
	GPU       bool
	Models    []string
	// QueueDepth: the service exports inference_queue_depth (read by the
	// extra rules and panels).
	QueueDepth bool
	// StepsTotal: the job exports training_steps_total.
	StepsTotal bool
}

// Plan returns the workloads of a spec of n, in order.
func Plan(n int) []Workload {
	out := make([]Workload, n)
	for i := range out {
		out[i] = plan(i)
	}
	return out
}

func rng(i int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed^stream, uint64(i)))
}

func plan(i int) Workload {
	r := rng(i, 0)
	w := Workload{
		Kind:      "training",
		Namespace: namespaces[r.IntN(len(namespaces))],
		Team:      teams[r.IntN(len(teams))],
		GPU:       r.IntN(10) < 3,
	}
	fam := families[r.IntN(len(families))]
	if r.IntN(10) < 6 {
		w.Kind = "inference"
		w.Name = fmt.Sprintf("%s-serve-%05d", fam, i)
		for m := range 1 + r.IntN(3) {
			w.Models = append(w.Models, fmt.Sprintf("%s-v%d", fam, m+1+r.IntN(3)*3))
		}
		w.QueueDepth = r.IntN(4) == 0
	} else {
		w.Name = fmt.Sprintf("%s-train-%05d", fam, i)
		w.StepsTotal = r.IntN(4) == 0
	}
	// Make the first workloads cover both kinds and both exported metrics,
	// so that the extra rules and panels read declared metrics at any N.
	switch i {
	case 0:
		w.Kind, w.Name, w.Models, w.QueueDepth, w.StepsTotal = "inference", fmt.Sprintf("%s-serve-%05d", fam, i), []string{fam + "-v1"}, true, false
	case 1:
		w.Kind, w.Name, w.Models, w.QueueDepth, w.StepsTotal = "training", fmt.Sprintf("%s-train-%05d", fam, i), nil, false, true
		w.GPU = true
	}
	return w
}

// Generate returns the spec files of n workloads (n ≥ 1): the stack,
// alerting and extras in spec.cue, the workloads in workloads.cue.
func Generate(n int) []File {
	if n < 1 {
		n = 1
	}
	ws := Plan(n)
	return []File{
		{Name: "spec.cue", Data: specFile(n, ws)},
		{Name: "workloads.cue", Data: workloadsFile(ws)},
	}
}

// q quotes a CUE string (Go's escapes are valid CUE for the ASCII we write).
func q(s string) string { return strconv.Quote(s) }

type writer struct {
	bytes.Buffer
}

func (b *writer) f(format string, args ...any) { fmt.Fprintf(&b.Buffer, format, args...) }

func specFile(n int, ws []Workload) []byte {
	// The extras read only what the workloads declare: requests of the
	// namespaces that have inference services, training_steps_total only
	// when a job exports it.
	seen := map[string]bool{}
	var infNamespaces []string
	steps := false
	for _, w := range ws {
		if w.Kind == "inference" && !seen[w.Namespace] {
			seen[w.Namespace] = true
			infNamespaces = append(infNamespaces, w.Namespace)
		}
		steps = steps || w.StepsTotal
	}
	slices.Sort(infNamespaces)
	var b writer
	b.f("// Synthetic dataopsgen spec: %d workloads (cmd/benchgen, deterministic).\n", n)
	b.f("package bench\n\napiVersion: \"dataopsgen.dev/v1alpha1\"\n\n")
	b.f(`stack: {
	namespace: "monitoring"
	prometheus: {
		release:        "prometheus"
		retention:      "30d"
		scrapeInterval: "30s"
		replicas:       2
		storageSize:    "200Gi"
		remoteWrite: [{
			url:      "https://metrics.example.com/api/v1/push"
			username: {secret: "remote-write", key: "username"}
			password: {secret: "remote-write", key: "password"}
		}]
	}
	grafana: {
		folder: "ML platform"
		url:    "https://grafana.example.com"
	}
	loki: retention: "336h"
	logCollector: kind: "alloy"
}

logs: extraLabels: {
	cluster: "ml-prod-eu1"
	region:  "eu-west-1"
}

`)
	// One receiver per team (Slack), an on-call PagerDuty, an email and a
	// webhook; routes by team, critical alerts also paged.
	b.f("alerting: {\n\treceivers: {\n")
	for _, t := range teams {
		b.f("\t\t%s: slack: {\n\t\t\tchannel: %s\n\t\t\tapiURL: {secret: \"alertmanager-slack\", key: %s}\n\t\t}\n", q(t+"-slack"), q("#alerts-"+t), q(t+"-webhook-url"))
	}
	b.f(`		"ml-pager": pagerduty: routingKey: {secret: "alertmanager-pagerduty", key: "routing-key"}
		"ml-email": email: {
			to:           "ml-oncall@example.com"
			from:         "alertmanager@example.com"
			smarthost:    "smtp.example.com:587"
			authUsername: "alertmanager"
			authPassword: {secret: "alertmanager-smtp", key: "password"}
		}
		"ml-audit": webhook: url: {secret: "alertmanager-audit", key: "url"}
	}
	route: {
		receiver:       "ml-email"
		groupBy:        ["alertname", "namespace", "workload", "team"]
		repeatInterval: "6h"
	}
	routes: [{
		match: severity: "critical"
		receiver: "ml-pager"
		continue: true
	}, {
		match: severity: "info"
		receiver: "ml-audit"
	}`)
	for _, t := range teams {
		b.f(", {\n\t\tmatch: team: %s\n\t\treceiver: %s\n\t}", q(t), q(t+"-slack"))
	}
	b.f("]\n}\n\n")

	// Hand-written rule groups: a few, growing slowly with N.
	groups := 2 + n/500
	if groups > 12 {
		groups = 12
	}
	b.f("extraRules: {\n")
	for g := range groups {
		ns := infNamespaces[g%len(infNamespaces)]
		b.f("\t%s: {\n", q(fmt.Sprintf("platform-%02d", g)))
		if g%2 == 1 {
			b.f("\t\tinterval: \"1m\"\n")
		}
		b.f("\t\trules: [{\n")
		b.f("\t\t\trecord: %s\n", q(fmt.Sprintf("namespace_%02d:inference_requests:rate5m", g)))
		b.f("\t\t\texpr:   %s\n", q(fmt.Sprintf(`sum by (namespace, workload) (rate(inference_requests_total{namespace=%q}[5m]))`, ns)))
		b.f("\t\t}, {\n")
		b.f("\t\t\talert: %s\n", q(fmt.Sprintf("InferenceQueueBacklog%02d", g)))
		b.f("\t\t\texpr:  %s\n", q(fmt.Sprintf(`max by (namespace, workload, pod) (inference_queue_depth) > %d`, 100+10*g)))
		b.f("\t\t\tfor:   \"10m\"\n")
		b.f("\t\t\tlabels: {severity: \"warning\", team: \"ml-platform\"}\n")
		b.f("\t\t\tannotations: {\n\t\t\t\tsummary:     \"Queue backlog on {{ $labels.pod }}\"\n")
		b.f("\t\t\t\tdescription: \"{{ $labels.workload }} in {{ $labels.namespace }} has {{ $value }} queued requests.\"\n\t\t\t}\n")
		if steps {
			b.f("\t\t}, {\n")
			b.f("\t\t\talert: %s\n", q(fmt.Sprintf("TrainingThroughputLow%02d", g)))
			b.f("\t\t\texpr:  %s\n", q(`sum by (namespace, workload) (rate(training_steps_total[10m])) < 0.1`))
			b.f("\t\t\tfor:   \"15m\"\n")
			b.f("\t\t\tlabels: severity: \"info\"\n")
			b.f("\t\t\tannotations: summary: \"{{ $labels.workload }} makes {{ $value | humanize }} steps/s\"\n")
		}
		b.f("\t\t}]\n\t}\n")
	}
	b.f("}\n\n")

	b.f(`extraPanels: [{
	title: "Requests per namespace"
	expr:  "sum by (namespace) (namespace_00:inference_requests:rate5m)"
	unit:  "reqps"
	legend: "{{namespace}}"
}, {
	title: "Queue depth"
	expr:  "max by (workload) (inference_queue_depth{namespace=~\"$namespace\"})"
	type:  "timeseries"
}`)
	if steps {
		b.f(`, {
	title: "Training steps/s"
	expr:  "sum by (workload) (rate(training_steps_total{namespace=~\"$namespace\"}[$__rate_interval]))"
	type:  "stat"
}`)
	}
	b.f(`, {
	title:      "Errors in logs"
	datasource: "loki"
	expr:       "{namespace=~\"$namespace\"} |= \"error\""
	type:       "logs"
}]
`)
	return b.Bytes()
}

func workloadsFile(ws []Workload) []byte {
	var b writer
	b.Grow(len(ws) * 700)
	b.f("package bench\n\nworkloads: {\n")
	for i, w := range ws {
		workload(&b, i, w)
	}
	b.f("}\n")
	return b.Bytes()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func workload(b *writer, i int, w Workload) {
	r := rng(i, 1)
	b.f("\t%s: {\n\t\tkind:      %q\n\t\tnamespace: %q\n\t\tteam:      %q\n", q(w.Name), w.Kind, w.Namespace, w.Team)
	if w.GPU {
		b.f("\t\tgpu: true\n")
	}
	if r.IntN(3) == 0 {
		b.f("\t\tselector: \"app.kubernetes.io/name\": %q\n", w.Name)
	}
	if r.IntN(2) == 0 {
		b.f("\t\trunbookURL: %q\n", "https://runbooks.example.com/"+w.Team+"/"+w.Name)
	}
	var exported []string
	if w.QueueDepth {
		exported = append(exported, "inference_queue_depth")
	}
	if w.StepsTotal {
		exported = append(exported, "training_steps_total")
	}
	port := r.IntN(5) == 0
	appLabels := r.IntN(4) == 0
	if port || appLabels || len(exported) > 0 {
		b.f("\t\tmetrics: {\n")
		if port {
			b.f("\t\t\tport: \"http-metrics\"\n")
		}
		if appLabels {
			b.f("\t\t\tappLabels: [\"version\", \"shard\"]\n")
		}
		if len(exported) > 0 {
			b.f("\t\t\texported: [")
			for j, m := range exported {
				if j > 0 {
					b.f(", ")
				}
				b.f("%q", m)
			}
			b.f("]\n")
		}
		b.f("\t\t}\n")
	}
	if w.Kind == "inference" {
		inference(b, r, w)
	} else {
		training(b, r)
	}
	logs(b, r)
	b.f("\t}\n")
}

func inference(b *writer, r *rand.Rand, w Workload) {
	b.f("\t\tinference: {\n\t\t\tmodels: [")
	for j, m := range w.Models {
		if j > 0 {
			b.f(", ")
		}
		b.f("%q", m)
	}
	b.f("]\n")
	if r.IntN(2) == 0 {
		quantiles := []string{"0.9", "0.95", "0.99"}
		thresholds := []string{"200ms", "300ms", "500ms", "1s", "2s"}
		b.f("\t\t\tlatency: {quantile: %s, threshold: %q, window: %q, for: %q, severity: %q}\n",
			pick(r, quantiles), pick(r, thresholds), pick(r, windows), pick(r, durations), pick(r, severities[:2]))
	}
	if r.IntN(2) == 0 {
		maxes := []string{"0.01", "0.02", "0.05", "0.1"}
		b.f("\t\t\terrorRate: {max: %s, window: %q, for: %q}\n", pick(r, maxes), pick(r, windows), pick(r, durations))
	}
	if r.IntN(3) == 0 {
		b.f("\t\t\tdown: {for: %q, severity: %q}\n", pick(r, durations), pick(r, severities[:2]))
	}
	b.f("\t\t}\n")
}

func training(b *writer, r *rand.Rand) {
	b.f("\t\ttraining: {\n")
	if r.IntN(5) != 0 {
		b.f("\t\t\tlossMetric: %q\n", pick(r, []string{"training_loss", "train_loss", "loss"}))
	}
	if r.IntN(2) == 0 {
		b.f("\t\t\trestarts: {max: %d, window: %q, for: %q}\n", r.IntN(4), pick(r, windows), pick(r, durations[:3]))
	}
	if r.IntN(5) == 0 {
		b.f("\t\t\tjobFailed: enabled: false\n")
	} else if r.IntN(3) == 0 {
		b.f("\t\t\tjobFailed: {for: \"1m\", severity: \"warning\"}\n")
	}
	if r.IntN(3) == 0 {
		b.f("\t\t\tstalled: {after: %q, for: %q}\n", pick(r, []string{"15m", "30m", "1h", "2h"}), pick(r, durations))
	}
	b.f("\t\t}\n")
}

func logs(b *writer, r *rand.Rand) {
	switch x := r.IntN(10); {
	case x == 0:
		b.f("\t\tlogs: enabled: false\n")
	case x < 4:
		b.f("\t\tlogs: drop: [")
		k := 1 + r.IntN(3)
		start := r.IntN(len(dropLines))
		for j := range k {
			if j > 0 {
				b.f(", ")
			}
			b.f("%s", q(dropLines[(start+j)%len(dropLines)]))
		}
		b.f("]\n")
	case x < 5:
		b.f("\t\tlogs: keep: [%s]\n", q(pick(r, keepLines)))
	case x < 8:
		b.f("\t\tlogs: minLevel: %q\n", pick(r, levels))
	}
}
