package kustomization_test

import (
	"bytes"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestFSIsMakeFsInMemory: kustomize builds the same objects, or fails with
// the same error, from an FS as from its own in-memory file system holding
// the same files: the examples, a synthetic spec, and overlays broken as a
// generator bug would break them (a listed file missing, a file that does
// not decode, a file changed after it was added).
func TestFSIsMakeFsInMemory(t *testing.T) {
	overlays := map[string][]artifact.File{}
	for dir, s := range modeltest.Examples(t) {
		files, err := build.Generate(s)
		if err != nil {
			t.Fatal(err)
		}
		overlays[dir] = files
	}
	files, err := build.Generate(modeltest.Synthetic(t, 40))
	if err != nil {
		t.Fatal(err)
	}
	overlays["synthetic"] = files
	edit := func(suffix string, change func([]byte) []byte) []artifact.File {
		out := append([]artifact.File(nil), overlays["dataops"]...)
		n := 0
		for i := range out {
			if bytes.HasSuffix([]byte(out[i].Path), []byte(suffix)) {
				out[i].Data = change(bytes.Clone(out[i].Data))
				n++
			}
		}
		if n == 0 {
			t.Fatalf("no file ends in %s", suffix)
		}
		return out
	}
	overlays["a listed file missing"] = edit("/kustomization.yaml", func(b []byte) []byte {
		return append(b, "resources:\n- nosuch.yaml\n"...)
	})
	overlays["a file that does not decode"] = edit("namespace.yaml", func(b []byte) []byte { return append(b, ":\n  - ]["...) })

	build := func(fs filesys.FileSystem) string {
		m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/out")
		if err != nil {
			return "error: " + err.Error()
		}
		data, err := m.AsYaml()
		if err != nil {
			return "error: " + err.Error()
		}
		return string(data)
	}
	for name, files := range overlays {
		fs := kustomization.NewFS()
		if err := fs.Add("/out/", files); err != nil {
			t.Fatal(err)
		}
		mem := filesys.MakeFsInMemory()
		for _, f := range files {
			if err := mem.WriteFile("/out/"+f.Path, f.Data); err != nil {
				t.Fatal(err)
			}
		}
		got, want := build(fs), build(mem)
		if got != want {
			t.Errorf("%s: kustomize builds differently from an FS:\n%.400s\nfrom MakeFsInMemory:\n%.400s", name, got, want)
		}
		if len(want) < 200 && name != "a listed file missing" && name != "a file that does not decode" {
			t.Errorf("%s: nothing built: %s", name, want)
		}
	}
	// A file changed after it was added: FS reads the new bytes.
	fs := kustomization.NewFS()
	if err := fs.Add("/out/", overlays["dataops"]); err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteFile("/out/kustomization.yaml", []byte("resources: [nosuch.yaml]\n")); err != nil {
		t.Fatal(err)
	}
	if got := build(fs); !bytes.Contains([]byte(got), []byte("nosuch.yaml")) {
		t.Errorf("after WriteFile, kustomize built %.200s", got)
	}
}
