// Package render renders the pinned charts (e2e/testdata/charts) with a real
// helm (built from tools/helm) on the values of every example, every
// environment of it and the specs of testdata/specs, as Flux would install
// them from the compiled overlay, and checks what must hold across the
// rendered objects and the overlay: the Prometheus CR reads the overlay's
// scrape Secret and selects its PrometheusRules and the charts'
// ServiceMonitors; Alertmanager's config, as the chart renders it, routes
// every generated alert to the receiver the spec intends and keeps the
// chart's inhibit rules (decided by Alertmanager's own code,
// internal/alertroute); Grafana's datasources and dashboard sidecar match
// the dashboards; Grafana, Alloy and Promtail reach a Loki Service the loki
// chart renders; kube-state-metrics' allowlist admits every label_* a rule
// reads; every Secret and ConfigMap a rendered object reads exists, is made
// by the overlay, created by a chart's install Job, or listed in SECRETS.md.
// See e2e/README.md.
package render
