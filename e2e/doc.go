// Package e2e is the real-stack end-to-end test of dataopsgen: it compiles
// testdata/spec with `dataopsgen build`, applies the overlay and what the
// kube-prometheus-stack chart renders from its values to a real
// kube-apiserver, runs the real prometheus-operator and kube-state-metrics,
// and Prometheus and Alertmanager on the configs the operator generated,
// then proves that every generated alert stays silent on a healthy system
// and reaches the webhook, with its labels and expanded annotations, when
// its failure is injected (on a test app's metrics or on the pods and Jobs
// in the API server). It also dry-runs every example's overlays on the API
// server with strict validation. See README.md.
package e2e
