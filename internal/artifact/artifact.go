// Package artifact is what generators produce: files in memory, each with
// the role it plays in the kustomize overlay.
package artifact

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
)

// The overlay has two layers, each its own kustomization, so that Flux can
// apply them in order: StackDir installs the charts (namespace, Helm
// sources and releases, their values, the scrape Secret, the log collector
// config), ConfigDir holds what needs the charts' CRDs (PrometheusRules) or
// services (dashboards). The root kustomization lists both.
const (
	StackDir  = "stack"
	ConfigDir = "config"
)

// Role says how the kustomization uses a file.
type Role int

const (
	// Resource is a Kubernetes object listed under `resources`.
	Resource Role = iota
	// ConfigMapData becomes one key of a ConfigMap made by configMapGenerator
	// (Helm values, dashboards, log collector config).
	ConfigMapData
	// SecretData becomes one key of a Secret made by secretGenerator.
	SecretData
	// Aside is shipped in the overlay directory but not applied (rule tests,
	// documentation).
	Aside
)

// File is one generated file.
type File struct {
	// Path is slash-separated and relative to the overlay root.
	Path string
	Data []byte
	Role Role
	// Generated ConfigMap/Secret the file goes into (ConfigMapData, SecretData).
	Object *Generated
	// Source is the spec path the file comes from ("workloads.resnet"), so
	// that a problem found in it is reported where the user can fix it.
	Source string
	// Value, when set, is the typed value Data was marshalled from (what
	// parsing Data gives back), with the spec path of its parts where a
	// generator knows finer ones than Source, for in-process consumers
	// that would otherwise parse the bytes just written: the rule tests and
	// the checks, which read it (one check per kind of file verifies that
	// Data decodes to it). Data stays what is written.
	Value any
	// Staged, when set, says that the file was written to the output's
	// staging directory ahead of the others (build.Options.Stage) and its
	// bytes have left memory: Data is nil, Staged says what it held.
	Staged *Staged
}

// Staged is what the bytes of a file written ahead held.
type Staged struct {
	Size int
	Sum  [sha256.Size]byte // SHA-256
}

// Size is the number of bytes of the file, written ahead or not.
func (f *File) Size() int {
	if f.Staged != nil {
		return f.Staged.Size
	}
	return len(f.Data)
}

// Generated describes a ConfigMap or Secret made by a kustomize generator.
type Generated struct {
	Name        string
	Key         string
	Labels      map[string]string
	Annotations map[string]string
	// Hash keeps kustomize's content-hash name suffix: the name changes with
	// the content so that consumers that reference it (by a field kustomize
	// knows) roll. Objects referenced from inside Helm values must not have it.
	Hash bool
}

// Sort orders files by path and rejects duplicates.
func Sort(files []File) ([]File, error) {
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	for i := 1; i < len(files); i++ {
		if files[i].Path == files[i-1].Path {
			return nil, fmt.Errorf("two generators wrote %s", files[i].Path)
		}
	}
	return files, nil
}
