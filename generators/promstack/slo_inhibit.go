package promstack

import (
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/slo"
)

// SLOInhibitRules are the inhibit rules of the spec's SLOs, appended to
// the generated alertmanager.config.inhibit_rules (whose chart defaults
// Helm replaces: the list is complete): a firing page of an SLO silences
// the same SLO's ticket, whichever window pair of either fires. The rules
// match the slo_tier and slo labels the SLO alerts carry (and their alert
// names, so that no other alert with a slo_tier label is touched); equal on
// slo, an SLO's page never silences another SLO's ticket. None when no SLO
// has both tiers.
func SLOInhibitRules(s *model.Spec) []InhibitRule {
	for _, p := range slo.Plans(s) {
		if len(p.Tiers) == 2 {
			return []InhibitRule{{
				SourceMatchers: []string{`alertname = "` + slo.PageAlert + `"`, slo.LabelTier + ` = "` + slo.TierPage + `"`},
				TargetMatchers: []string{`alertname = "` + slo.TicketAlert + `"`, slo.LabelTier + ` = "` + slo.TierTicket + `"`},
				Equal:          []string{slo.LabelSLO},
			}}
		}
	}
	return nil
}
