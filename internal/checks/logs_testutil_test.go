package checks_test

const (
	famPromtailFile = "logs/promtail.yaml"
	famAlloyFile    = "logs/config.alloy"
)
