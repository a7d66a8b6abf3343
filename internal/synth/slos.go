package synth

// SLOs returns slos.cue for the spec of n: one SLO per workload, as the
// Sloth spec (Sloth) has: a 99.5% availability SLO of each inference
// service's requests, a 99.5% scrape availability (boolGauge on up) of
// each training job, 30-day windows with the workbook's page and ticket
// tiers.
func SLOs(n int) []byte {
	var b writer
	b.f("package bench\n\nslos: {\n")
	for _, w := range Plan(n) {
		if w.Kind == "inference" {
			b.f("\t%s: {workload: %s, objective: 99.5, sli: availability: {}}\n", q(w.Name+"-availability"), q(w.Name))
		} else {
			b.f("\t%s: {workload: %s, objective: 99.5, sli: boolGauge: selector: \"up\"}\n", q(w.Name+"-scrapes"), q(w.Name))
		}
	}
	b.f("}\n")
	return b.Bytes()
}
