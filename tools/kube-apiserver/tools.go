//go:build tools

// Package tools pins the Kubernetes control-plane programs the end-to-end
// suite builds (e2e/harness): kube-apiserver, and kubectl for the strict
// server-side dry runs of the overlays.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
