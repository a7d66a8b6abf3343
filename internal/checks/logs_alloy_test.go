package checks_test

import "testing"

func TestLogsAlloyParse(t *testing.T) {
	famRunCases(t, "logs/alloy-parse", famBase, []famCase{
		{name: "generated"},
		{
			name: "unbalanced block",
			edit: famEditCase(famAlloyFile, `target_label = "cluster"`, `target_label = "cluster" {`),
			want: []string{`logs/alloy-parse: Alloy rejects the generated config`},
		},
	})
}
