//go:build tools

// Package tools pins the kube-state-metrics the end-to-end suite builds
// (e2e/harness).
package tools

import _ "k8s.io/kube-state-metrics/v2"
