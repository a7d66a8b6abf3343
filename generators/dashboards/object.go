package dashboards

import "github.com/grafana/grafana-foundation-sdk/go/dashboard"

// Object is one generated dashboard: the grafana-foundation-sdk Dashboard
// (github.com/grafana/grafana-foundation-sdk/go/dashboard, types_gen.go)
// its file holds, marshalled once, and what each of its panels shows. The
// generator hands it to the checks as its file's artifact.File.Value (as
// the rules generator hands its rules.Object), so that they neither decode
// the bytes nor run the generator again; dashboards/parse alone decodes the
// bytes, to verify the encoder.
type Object struct {
	Path      string
	Dashboard dashboard.Dashboard
	// Panels says what each panel shows, rows and the panels of collapsed
	// rows included, by panel id (unique in a dashboard: the generator
	// numbers them in build order).
	Panels map[uint32]Source
}

// Source is the part of the spec a panel shows: the spec paths of the
// workloads ("workloads.<name>") a generated panel reads, of the SLOs
// ("slos.<name>") of an SLO panel, or of the user's extraPanels entry. A
// panel that shows a group of workloads (a per-group panel, a row, the
// panels of every selected pod) names all of them, in spec order; the
// checks report a problem of the panel at the first (Primary), a position
// the user can open, and the rest are there for whoever wants the whole
// group. No path: the panel shows nothing of the spec in particular, and
// its problems are the file's.
type Source struct {
	Paths []string
	// User: the panel is an extraPanels entry, written by the user: its
	// fields (expr, datasource) have spec paths of their own below Paths[0].
	User bool
}

// Primary is the spec path a problem of the panel is reported at ("" when
// it has none).
func (s Source) Primary() string {
	if len(s.Paths) == 0 {
		return ""
	}
	return s.Paths[0]
}
