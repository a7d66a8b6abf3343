// The Flux controllers whose CRDs (config/crd/bases/) the end-to-end suite
// installs in its kube-apiserver (e2e/harness): no Go code is built from
// this module; `go mod download` fetches the modules, checked against go.sum.
//
// helm-controller v1.6.4: the product requires github.com/fluxcd/helm-controller/api
// v1.6.5, whose main module the proxy does not serve; api v1.6.4 and v1.6.5
// are identical file for file, so v1.6.4's CRD is the schema of our types.
module github.com/dataopsgen/dataopsgen/tools/flux-crds

go 1.26.7

require (
	github.com/fluxcd/helm-controller v1.6.4
	github.com/fluxcd/source-controller v1.9.6
)
