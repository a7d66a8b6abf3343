package model

import (
	"fmt"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
)

// RouteCheck names the routing mistakes checkRoutes reports.
const RouteCheck = "spec/route"

// checkRoutes reports routes that do not do what they say: Alertmanager
// tries the routes in order, stops at the first that matches unless it
// has continue, and uses alerting.route.receiver only for an alert no
// route matched (dispatch.Route.Match in github.com/prometheus/alertmanager).
func (s *Spec) checkRoutes() diag.List {
	var out diag.List
	routes := s.Alerting.Routes
	catchAll := -1
	for i, r := range routes {
		path := func(sub ...string) string {
			return load.PathString(append([]string{"alerting", "routes", fmt.Sprint(i)}, sub...)...)
		}
		if catchAll >= 0 {
			out.Add(s.Pos(path()), RouteCheck, "%s: never reached: route %d before it matches every alert and stops there (it has no match and no continue)",
				path(), catchAll)
			continue
		}
		if r.Continue && i == len(routes)-1 {
			out.Add(s.Pos(path("continue")), RouteCheck,
				"%s: continue: true on the last route has no effect: no route follows, and Alertmanager sends an alert to alerting.route.receiver (%q) only when no route matched it; "+
					"to send these alerts to %q as well, add a route to it after this one", path("continue"), s.Alerting.Route.Receiver, s.Alerting.Route.Receiver)
		}
		if len(r.Match) == 0 && !r.Continue {
			catchAll = i
		}
	}
	return out
}
