package checks

import (
	"encoding/json"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// RetypeDashboard makes the typed value of the dashboard file f what its
// bytes say (decoded as the SDK does, leniently), keeping what each panel
// shows by panel id: a test that edits the bytes to play a generator bug
// thus shows the bug to the checks of the typed dashboards, as the
// generator's own bug would. It is a no-op for other files.
func RetypeDashboard(f *artifact.File) error {
	old, ok := f.Value.(*dashboards.Object)
	if !ok || !isDashboardFile(f) {
		return nil
	}
	registerPlugins()
	var d dashboard.Dashboard
	if err := json.Unmarshal(f.Data, &d); err != nil {
		return err
	}
	f.Value = &dashboards.Object{Path: old.Path, Dashboard: d, Panels: old.Panels}
	return nil
}
