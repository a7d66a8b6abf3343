package checks

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

var sloBucketBoundary = Check{
	Name: "slo/bucket-boundary",
	Doc: "A latency SLI's threshold is one of the bucket bounds its histogram exports (the server preset's buckets, read from the " +
		"server's source, or sli.latency.buckets for an application's own histogram or a preset that does not know them, which must " +
		"then be declared): a request is counted good by the bucket le=threshold, " +
		"and a threshold between two buckets would silently measure another one.",
	Run: func(in *Input) diag.List {
		var out diag.List
		for _, p := range sloPlans(in) {
			h := p.SLI.Histogram
			if h == nil {
				continue
			}
			path := p.SLO.Path("sli", model.SLILatency, "threshold")
			if h.Buckets == nil {
				who, why := "the application", ""
				if h.NoBuckets != "" {
					who, why = "the server", " ("+h.NoBuckets+")"
				}
				out.Add(in.Spec.Pos(p.SLI.Path), "slo/bucket-boundary",
					"the bucket bounds of histogram %s are not known%s: list them in sli.latency.buckets (in %s, as %s exports them), so that the threshold %s can be checked against them",
					h.Metric, why, h.Unit, who, p.SLO.SLI.Latency.Threshold)
				continue
			}
			if slices.Contains(h.Buckets, p.SLI.Threshold) {
				continue
			}
			below, above := neighbours(h.Buckets, p.SLI.Threshold)
			out.Add(in.Spec.Pos(path), "slo/bucket-boundary",
				"threshold %s (%s %s) is not a bucket bound of histogram %s (buckets from %s: %s): requests are counted good by the bucket le=threshold, so this SLI would measure %s; use one of those",
				p.SLO.SLI.Latency.Threshold, fmtNum(p.SLI.Threshold), h.Unit, h.Metric, h.BucketsFrom, bucketList(h.Buckets), between(below, above, h.Unit))
		}
		return out
	},
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// neighbours are the bucket bounds just below and above v (NaN if none).
func neighbours(buckets []float64, v float64) (below, above float64) {
	below, above = -1, -1
	for _, b := range buckets {
		if b < v && (below < 0 || b > below) {
			below = b
		}
		if b > v && (above < 0 || b < above) {
			above = b
		}
	}
	return below, above
}

func between(below, above float64, unit string) string {
	switch {
	case below >= 0 && above >= 0:
		return "nothing between " + fmtNum(below) + unit + " and " + fmtNum(above) + unit
	case above >= 0:
		return "requests under " + fmtNum(above) + unit
	case below >= 0:
		return "requests under " + fmtNum(below) + unit + " (or every request, +Inf)"
	}
	return "nothing"
}

func bucketList(bs []float64) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = fmtNum(b)
	}
	return strings.Join(s, ", ")
}
