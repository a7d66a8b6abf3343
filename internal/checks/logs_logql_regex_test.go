package checks_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

func TestLogsLogQLRegex(t *testing.T) {
	lokiPanel := func(expr string) string {
		return "extraPanels: [{title: \"p\", datasource: \"loki\", type: \"logs\", expr: " + expr + "}]\n"
	}
	famRunCases(t, "logs/logql-regex", famBase, []famCase{
		{name: "generated"},
		{
			name: "compiling filters",
			edit: func(t *testing.T, _ *checks.Input) *checks.Input {
				return famInput(t, famBase+lokiPanel("\"{namespace=\\\"ml\\\"} |~ \\\"err(or)?\\\" | regexp \\\"(?P<lvl>\\\\\\\\w+)\\\"\""))
			},
		},
		{
			name: "line filter does not compile",
			edit: func(t *testing.T, _ *checks.Input) *checks.Input {
				return famInput(t, famBase+lokiPanel("\"{namespace=\\\"ml\\\"} |~ \\\"err(\\\"\""))
			},
			want: []string{`logs/logql-regex: panel "p": line filter |~ "err(" does not compile`},
		},
		{
			name: "regexp stage without a named group",
			edit: func(t *testing.T, _ *checks.Input) *checks.Input {
				return famInput(t, famBase+lokiPanel("\"{namespace=\\\"ml\\\"} | regexp \\\"(a)\\\"\""))
			},
			want: []string{`logs/logql-regex: panel "p": regexp stage "(a)"`},
		},
	})
}
