package e2e

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestOverlaysServerSideDryRun compiles every example (examples/*/) and
// applies every kustomization of its output (the root, stack/ and config/
// that Flux applies, base/ and overlays/<env>/ of environments) to a real
// kube-apiserver with the prometheus-operator and Flux CRDs installed:
//
//	kubectl apply --server-side --dry-run=server --validate=strict -k DIR
//
// after creating the namespaces the objects live in (a dry run does not
// create them). Strict validation rejects any field the schemas do not
// declare; StrictRejectsUnknownField shows that it would.
func TestOverlaysServerSideDryRun(t *testing.T) {
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tools := buildKubeTools(t, root)
	dir := workDir(t)
	c := startCluster(t, root, dir, tools)
	compiler := buildCompiler(t, root, dir)

	examples, err := filepath.Glob(filepath.Join(root, "examples", "*"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples/*: %v", err)
	}
	var first string
	for _, ex := range examples {
		if fi, err := os.Stat(ex); err != nil || !fi.IsDir() {
			continue
		}
		name := filepath.Base(ex)
		out := filepath.Join(dir, "examples", name)
		runBuild(t, compiler, dir, ex, out)
		dirs := kustomizationDirs(t, out)
		if len(dirs) == 0 {
			t.Fatalf("examples/%s: no kustomization.yaml in its output", name)
		}
		for _, d := range dirs {
			rel, _ := filepath.Rel(out, d)
			if first == "" && rel == "." {
				first = d
			}
			t.Run(name+"/"+filepath.ToSlash(rel), func(t *testing.T) {
				objs := c.serverDryRun(t, d)
				t.Logf("%d objects accepted", len(objs))
			})
		}
	}
	t.Run("StrictRejectsUnknownField", func(t *testing.T) {
		if first == "" {
			t.Fatal("no example output with a root kustomization")
		}
		broken := filepath.Join(dir, "broken")
		if err := os.CopyFS(broken, os.DirFS(first)); err != nil {
			t.Fatal(err)
		}
		file := addUnknownRuleField(t, broken, "dataopsgenBogusField")
		_, err := c.dryRun(broken)
		if err == nil || !strings.Contains(err.Error(), "dataopsgenBogusField") {
			t.Fatalf("a PrometheusRule with an undeclared field (%s) passed the strict dry run: %v", file, err)
		}
		t.Logf("rejected as expected: %s", lastLine(err.Error()))
	})
}

// kustomizationDirs lists every directory of out holding a
// kustomization.yaml, sorted.
func kustomizationDirs(t *testing.T, out string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "kustomization.yaml" {
			dirs = append(dirs, filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(dirs)
	return dirs
}

// serverDryRun renders dir with kubectl's kustomize, creates the namespaces
// of its objects, and requires the strict server-side dry run to accept
// every object.
func (c *cluster) serverDryRun(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	objs := c.kustomize(t, dir)
	out, err := c.dryRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		// kubectl prints "<kind>.<group>/<name> serverside-applied (server dry run)".
		if !strings.Contains(out, "/"+o.GetName()+" serverside-applied (server dry run)") {
			t.Errorf("%s %s/%s: not reported applied by kubectl:\n%s", o.GetKind(), o.GetNamespace(), o.GetName(), out)
		}
	}
	return objs
}

// kustomize renders dir (kubectl kustomize) and creates the namespaces its
// objects live in.
func (c *cluster) kustomize(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := c.kubectl.Run(ctx, nil, "kustomize", dir)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := harness.ParseObjects(b)
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v", dir, err)
	}
	for _, ns := range harness.NamespacesOf(objs) {
		if err := c.Client().EnsureNamespace(ctx, ns); err != nil {
			t.Fatal(err)
		}
	}
	return objs
}

func (c *cluster) dryRun(dir string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := c.kubectl.Run(ctx, nil, "apply", "--server-side", "--dry-run=server", "--validate=strict", "--field-manager=dataopsgen", "-k", dir)
	return string(b), err
}

// addUnknownRuleField adds field to the first rule of the first
// PrometheusRule file under dir and returns the file.
func addUnknownRuleField(t *testing.T, dir, field string) string {
	t.Helper()
	var done string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || done != "" || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		objs, err := harness.ParseObjects(b)
		if err != nil || len(objs) == 0 || objs[0].GetKind() != "PrometheusRule" {
			return nil //nolint:nilerr // not a PrometheusRule file.
		}
		groups, _, _ := unstructured.NestedSlice(objs[0].Object, "spec", "groups")
		g, _ := groups[0].(map[string]any)
		rules, _ := g["rules"].([]any)
		rules[0].(map[string]any)[field] = "x"
		if err := unstructured.SetNestedSlice(objs[0].Object, groups, "spec", "groups"); err != nil {
			return err
		}
		out, err := harness.MarshalObjects(objs)
		if err != nil {
			return err
		}
		done = p
		return os.WriteFile(p, out, 0o644)
	})
	if err != nil || done == "" {
		t.Fatalf("no PrometheusRule file to break under %s: %v", dir, err)
	}
	return done
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
