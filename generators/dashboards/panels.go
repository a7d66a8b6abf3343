package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/logs"
	"github.com/grafana/grafana-foundation-sdk/go/loki"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Datasources are referenced by the fixed uids Grafana is provisioned with,
// never by name or ${DS_...} input: the dashboard is loaded by the sidecar,
// which does no import-time substitution.
func promDS() common.DataSourceRef { return dsRef("prometheus", stack.PrometheusDatasourceUID) }
func lokiDS() common.DataSourceRef { return dsRef("loki", stack.LokiDatasourceUID) }

func dsRef(typ, uid string) common.DataSourceRef {
	return common.DataSourceRef{Type: cog.ToPtr(typ), Uid: cog.ToPtr(uid)}
}

// Grid sizes (Grafana's grid is 24 columns wide).
const (
	fullWidth  = 24
	halfWidth  = 12
	thirdWidth = 8
	height     = 8
	logsHeight = 12
)

// board wraps the SDK dashboard builder to hand out panel ids and grid
// positions in build order, so both depend only on the spec. The layout is
// ours, not the SDK's auto-layout: that one lets a panel overflow the 24
// columns instead of wrapping it (a 12-wide panel after 8+12).
type board struct {
	b  *dashboard.DashboardBuilder
	id uint32
	// sources says what each panel (rows included) shows, by panel id.
	sources map[uint32]Source
	// paths caches the workloads' spec paths: a panel of every workload
	// names them all.
	paths map[*model.Workload]string
	// x, y: where the next panel goes; lineH: height of the current line.
	x, y, lineH uint32
}

func (d *board) nextID() uint32 {
	d.id++
	return d.id
}

// place reserves a w×h cell, wrapping to a new line when it does not fit.
func (d *board) place(w, h uint32) dashboard.GridPos {
	if d.x+w > fullWidth {
		d.newLine()
	}
	pos := dashboard.GridPos{X: d.x, Y: d.y, W: w, H: h}
	d.x += w
	d.lineH = max(d.lineH, h)
	return pos
}

func (d *board) newLine() {
	d.y += d.lineH
	d.x, d.lineH = 0, 0
}

// row starts an expanded row showing what the spec paths from are (see
// Source); the panels added after it belong to it.
func (d *board) row(title string, from []string) {
	if d.x > 0 {
		d.newLine()
	}
	pos := d.place(fullWidth, 1)
	d.newLine()
	d.b.WithRow(dashboard.NewRowBuilder(title).Id(d.nextID()).GridPos(pos))
	d.source(Source{Paths: from})
}

// add appends a generated panel that shows what the spec paths from are
// (see Source). Its gridPos is explicit and never (0,0), the only position
// the SDK would overwrite, since a row always comes first.
func (d *board) add(p cog.Builder[dashboard.Panel], from []string) {
	d.source(Source{Paths: from})
	d.b.WithPanel(p)
}

// addUser appends a panel the user wrote, at the spec path path.
func (d *board) addUser(path string, p cog.Builder[dashboard.Panel]) {
	d.source(Source{Paths: []string{path}, User: true})
	d.b.WithPanel(p)
}

// source records what the last panel made shows: p was just made by one of
// the panel constructors below (or row), so its id is the last given.
func (d *board) source(s Source) {
	if d.sources == nil {
		d.sources = map[uint32]Source{}
	}
	d.sources[d.id] = s
}

// of returns the spec paths of ws, in their (spec) order.
func (d *board) of(ws []*model.Workload) []string {
	if d.paths == nil {
		d.paths = map[*model.Workload]string{}
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		p, ok := d.paths[w]
		if !ok {
			p = w.Path()
			d.paths[w] = p
		}
		out[i] = p
	}
	return out
}

// promQuery is a range query on the Prometheus datasource.
func promQuery(refID, expr, legend string) *prometheus.DataqueryBuilder {
	q := prometheus.NewDataqueryBuilder().
		Datasource(promDS()).
		RefId(refID).
		Expr(expr).
		Range()
	if legend != "" {
		q.LegendFormat(legend)
	}
	return q
}

// lokiQuery is a query on the Loki datasource.
func lokiQuery(refID, expr, legend string) *loki.DataqueryBuilder {
	q := loki.NewDataqueryBuilder().
		Datasource(lokiDS()).
		RefId(refID).
		Expr(expr)
	if legend != "" {
		q.LegendFormat(legend)
	}
	return q
}

// timeseries is a time series panel (on Prometheus unless the caller sets
// another datasource) with a bottom list legend.
func (d *board) timeseries(title, unit string, width uint32, targets ...cog.Builder[variants.Dataquery]) *timeseries.PanelBuilder {
	return timeseries.NewPanelBuilder().
		Id(d.nextID()).
		Title(title).
		Datasource(promDS()).
		Targets(targets).
		Unit(unit).
		GridPos(d.place(width, height)).
		Legend(common.NewVizLegendOptionsBuilder().
			ShowLegend(true).
			DisplayMode(common.LegendDisplayModeList).
			Placement(common.LegendPlacementBottom)).
		// The SDK leaves the tooltip mode empty; all series, largest first,
		// is what comparing pods needs.
		Tooltip(common.NewVizTooltipOptionsBuilder().
			Mode(common.TooltipDisplayModeMulti).
			Sort(common.SortOrderDescending))
}

// withThreshold draws a dashed red line at limit, the value the matching
// alert fires at, so the panel shows how close the workload is to paging.
func withThreshold(p *timeseries.PanelBuilder, limit float64) *timeseries.PanelBuilder {
	return p.
		Thresholds(dashboard.NewThresholdsConfigBuilder().
			Mode(dashboard.ThresholdsModeAbsolute).
			Steps([]dashboard.Threshold{
				{Value: nil, Color: "green"},
				{Value: cog.ToPtr(limit), Color: "red"},
			})).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().
			Mode(common.GraphThresholdsStyleModeDashed))
}

// logsPanel is a Loki logs panel, newest lines first.
func (d *board) logsPanel(title string, width, h uint32, target cog.Builder[variants.Dataquery]) *logs.PanelBuilder {
	return logs.NewPanelBuilder().
		Id(d.nextID()).
		Title(title).
		Datasource(lokiDS()).
		WithTarget(target).
		GridPos(d.place(width, h)).
		ShowTime(true).
		WrapLogMessage(true).
		EnableLogDetails(true).
		SortOrder(common.LogsSortOrderDescending).
		DedupStrategy(common.LogsDedupStrategyNone)
}

// stat shows the last non-null value of each series (the SDK leaves the
// reducer and orientation empty).
func (d *board) stat(title, unit string, width uint32, ds common.DataSourceRef, target cog.Builder[variants.Dataquery]) *stat.PanelBuilder {
	return stat.NewPanelBuilder().
		Id(d.nextID()).
		Title(title).
		Datasource(ds).
		WithTarget(target).
		Unit(unit).
		GridPos(d.place(width, height)).
		ReduceOptions(common.NewReduceDataOptionsBuilder().
			Calcs([]string{"lastNotNull"}).
			Values(false)).
		Orientation(common.VizOrientationAuto)
}

// table has its footer off with an empty (not null) reducer list, which is
// what Grafana itself saves.
func (d *board) table(title, unit string, width uint32, ds common.DataSourceRef, target cog.Builder[variants.Dataquery]) *table.PanelBuilder {
	return table.NewPanelBuilder().
		Id(d.nextID()).
		Title(title).
		Datasource(ds).
		WithTarget(target).
		Unit(unit).
		GridPos(d.place(width, height)).
		Footer(common.NewTableFooterOptionsBuilder().
			Show(false).
			Reducer([]string{}))
}
