// Package e2e is the real-stack end-to-end test of dataopsgen: it compiles
// testdata/spec with `dataopsgen build`, runs a real Prometheus (built from
// the github.com/prometheus/prometheus module this repository requires) on
// the generated scrape configs and rules, with pods discovered through a fake
// Kubernetes API, and a real Alertmanager on the generated routes and
// receivers, then proves that every generated alert stays silent on a healthy
// system and reaches the webhook, with its labels and expanded annotations,
// when its failure is injected. See README.md.
package e2e
