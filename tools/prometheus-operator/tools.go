//go:build tools

// Package tools pins the prometheus-operator the end-to-end suite builds
// (e2e/harness); its module also holds the CRDs the suite installs
// (example/prometheus-operator-crd/).
package tools

import _ "github.com/prometheus-operator/prometheus-operator/cmd/operator"
