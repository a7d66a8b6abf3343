//go:build tools

// Package tools pins the Alertmanager the end-to-end suite builds
// (e2e/harness.BuildAlertmanager): the github.com/prometheus/alertmanager
// version the product's go.mod requires (a test checks they agree), in a
// module of its own because cmd/alertmanager does not build with the
// product's dependency versions (automemlimit).
package tools

import _ "github.com/prometheus/alertmanager/cmd/alertmanager"
