package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestExitCodes runs every command in the situations the exit codes tell
// apart (README "Exit codes"): ok, spec problems, usage or environment,
// stale output.
func TestExitCodes(t *testing.T) {
	work := t.TempDir()
	t.Setenv("DATAOPSGEN_CACHE", "off")
	good := filepath.Join(work, "good")
	bad := filepath.Join(work, "bad")
	empty := filepath.Join(work, "empty")
	example, err := os.ReadFile("../../examples/dataops/dataops.cue")
	if err != nil {
		t.Fatal(err)
	}
	for dir, data := range map[string]string{
		good:  string(example),
		bad:   strings.Replace(string(example), `retention: "15d"`, `retention: "15 days"`, 1),
		empty: "",
	} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if data != "" {
			if err := os.WriteFile(filepath.Join(dir, "spec.cue"), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := filepath.Join(work, "out")
	stale := filepath.Join(work, "stale")
	notOurs := filepath.Join(work, "mine")
	if err := os.MkdirAll(notOurs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notOurs, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(work, "missing")
	file := filepath.Join(good, "spec.cue")

	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"build ok", []string{"build", good, "-o", out}, ExitOK},
		{"build again", []string{"build", good, "-o", out}, ExitOK},
		{"build broken spec", []string{"build", bad, "-o", filepath.Join(work, "x")}, ExitProblems},
		{"build no args", []string{"build"}, ExitUsage},
		{"build two dirs", []string{"build", good, bad, "-o", out}, ExitUsage},
		{"build without -o", []string{"build", good}, ExitUsage},
		{"build unknown flag", []string{"build", good, "-o", out, "--bogus"}, ExitUsage},
		{"build bad format", []string{"build", good, "-o", out, "--format", "xml"}, ExitUsage},
		{"build missing spec dir", []string{"build", missing, "-o", out}, ExitUsage},
		{"build spec is a file", []string{"build", file, "-o", out}, ExitUsage},
		{"build dir without cue", []string{"build", empty, "-o", out}, ExitUsage},
		{"build over foreign dir", []string{"build", good, "-o", notOurs}, ExitUsage},
		{"check fresh", []string{"build", "--check", good, "-o", out}, ExitOK},
		{"check missing out", []string{"build", "--check", good, "-o", missing}, ExitStale},
		{"check broken spec", []string{"build", "--check", bad, "-o", out}, ExitProblems},
		{"vet ok", []string{"vet", good}, ExitOK},
		{"vet broken", []string{"vet", bad}, ExitProblems},
		{"vet no args", []string{"vet"}, ExitUsage},
		{"vet missing", []string{"vet", missing}, ExitUsage},
		{"diff same", []string{"diff", good, "--against", out}, ExitOK},
		{"diff missing out", []string{"diff", good, "--against", missing}, ExitStale},
		{"diff broken", []string{"diff", bad, "--against", out}, ExitProblems},
		{"diff no args", []string{"diff"}, ExitUsage},
		{"test overlay", []string{"test", out}, ExitOK},
		{"test missing", []string{"test", missing}, ExitUsage},
		{"test broken spec", []string{"test", bad}, ExitProblems},
		{"init existing", []string{"init", good}, ExitUsage},
		{"init new", []string{"init", filepath.Join(work, "new")}, ExitOK},
		{"version", []string{"version"}, ExitOK},
		{"version args", []string{"version", "x"}, ExitUsage},
		{"unknown command", []string{"bogus"}, ExitUsage},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := Run(c.args, &stdout, &stderr); got != c.want {
				t.Errorf("dataopsgen %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(c.args, " "), got, c.want, stdout.String(), stderr.String())
			}
		})
	}

	// A stale OUT: build, then change the spec.
	var sink bytes.Buffer
	if Run([]string{"build", good, "-o", stale}, &sink, &sink) != ExitOK {
		t.Fatal(sink.String())
	}
	changed := strings.Replace(string(example), `retention: "15d"`, `retention: "30d"`, 1)
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"build", "--check", good, "-o", stale}, {"diff", good, "--against", stale}} {
		var stdout, stderr bytes.Buffer
		if got := Run(args, &stdout, &stderr); got != ExitStale {
			t.Errorf("dataopsgen %s on a stale OUT: exit %d, want %d\n%s%s", strings.Join(args, " "), got, ExitStale, stdout.String(), stderr.String())
		}
	}
}

// The usage errors name what is missing.
func TestUsageMessages(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"build"}, "build needs the spec directory DIR: dataopsgen build DIR -o OUT"},
		{[]string{"build", "x"}, `required flag(s) "output" not set`},
		{[]string{"vet"}, "vet needs the spec directory DIR"},
		{[]string{"build", "no/such/dir", "-o", "o"}, "spec directory no/such/dir does not exist"},
	} {
		var stdout, stderr bytes.Buffer
		Run(c.args, &stdout, &stderr)
		if !strings.Contains(stderr.String(), c.want) {
			t.Errorf("dataopsgen %s: stderr %q does not say %q", strings.Join(c.args, " "), stderr.String(), c.want)
		}
	}
	var stdout, stderr bytes.Buffer
	Run([]string{"build", "--help"}, &stdout, &stderr)
	for _, want := range []string{"(required)", "Exit status: 0 ok; 1", "3 OUT is stale"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("build --help does not say %q:\n%s", want, stdout.String())
		}
	}
}

func TestVersionString(t *testing.T) {
	stamp := []debug.BuildSetting{
		{Key: "vcs.revision", Value: "035254e0f1d15ec1ab71243fc3e2567fb3f6e9e0"},
		{Key: "vcs.time", Value: "2026-12-06T21:15:15Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	for _, c := range []struct {
		release string
		info    *debug.BuildInfo
		want    string
	}{
		{"", nil, "(devel)"},
		{"v1.2.3", nil, "v1.2.3"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}}, "v0.3.0"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: stamp}, "(devel) 035254e0f1d1 2026-12-06T21:15:15Z modified"},
		{"v1.0.0", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: stamp[:2]}, "v1.0.0 035254e0f1d1 2026-12-06T21:15:15Z"},
	} {
		if got := versionString(c.release, c.info); got != c.want {
			t.Errorf("versionString(%q, %+v) = %q, want %q", c.release, c.info, got, c.want)
		}
	}
}
