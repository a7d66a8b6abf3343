package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// ChartsDir is where the pinned chart archives live, relative to the
// repository root (with SHA256SUMS and a README naming sources and licences).
const ChartsDir = "e2e/testdata/charts"

// Chart is one pinned chart archive.
type Chart struct {
	// Name and Version as the archive's file name gives them
	// (<name>-<version>.tgz, as `helm package` names it).
	Name, Version string
	// Path is the archive.
	Path string
}

// Charts are the pinned charts by name.
type Charts map[string]Chart

var chartFile = regexp.MustCompile(`^(.+)-(v?[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?)\.tgz$`)

// LoadCharts reads dir's SHA256SUMS and checks that it lists every .tgz in
// dir, each with its checksum: a chart that was swapped or added without
// its sum is an error.
func LoadCharts(dir string) (Charts, error) {
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		return nil, err
	}
	want := map[string]string{}
	for line := range strings.Lines(string(sums)) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("SHA256SUMS: bad line %q", strings.TrimSpace(line))
		}
		want[strings.TrimPrefix(f[1], "*")] = f[0]
	}
	archives, err := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if err != nil {
		return nil, err
	}
	charts := Charts{}
	for _, p := range archives {
		base := filepath.Base(p)
		sum, ok := want[base]
		if !ok {
			return nil, fmt.Errorf("%s is not in SHA256SUMS", base)
		}
		delete(want, base)
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		got := sha256.Sum256(b)
		if hex.EncodeToString(got[:]) != sum {
			return nil, fmt.Errorf("%s: sha256 %x, SHA256SUMS says %s", base, got, sum)
		}
		m := chartFile.FindStringSubmatch(base)
		if m == nil {
			return nil, fmt.Errorf("%s: not <name>-<version>.tgz", base)
		}
		if other, dup := charts[m[1]]; dup {
			return nil, fmt.Errorf("two versions of chart %s: %s and %s", m[1], other.Version, m[2])
		}
		charts[m[1]] = Chart{Name: m[1], Version: m[2], Path: p}
	}
	if len(want) > 0 {
		var missing []string
		for f := range want {
			missing = append(missing, f)
		}
		slices.Sort(missing)
		return nil, fmt.Errorf("SHA256SUMS lists missing archives %q", missing)
	}
	return charts, nil
}

// Get returns the chart of name pinned at version, or an error saying what
// is pinned instead.
func (c Charts) Get(name, version string) (Chart, error) {
	ch, ok := c[name]
	if !ok {
		return Chart{}, fmt.Errorf("chart %s %s is not in %s", name, version, ChartsDir)
	}
	if strings.TrimPrefix(ch.Version, "v") != strings.TrimPrefix(version, "v") {
		return Chart{}, fmt.Errorf("chart %s: the overlay pins %s, %s holds %s", name, version, ChartsDir, ch.Version)
	}
	return ch, nil
}
