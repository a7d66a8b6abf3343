package checks_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

func TestWiringScrapeSecret(t *testing.T) {
	famRunCases(t, "wiring/scrape-secret", famBase, []famCase{
		{name: "generated"},
		{
			name: "disabled",
			edit: famEditCase(famValues, "      enabled: true\n      key: additional", "      enabled: false\n      key: additional"),
			want: []string{"additionalScrapeConfigsSecret is not enabled"},
		},
		{
			name: "wrong key",
			edit: famEditCase(famValues, "key: additional-scrape-configs.yaml", "key: scrape.yaml"),
			want: []string{"reads key scrape.yaml of Secret dataops-additional-scrape-configs, which has keys [additional-scrape-configs.yaml]"},
		},
		{
			name: "wrong name",
			edit: famEditCase(famValues, "name: dataops-additional-scrape-configs", "name: scrape-configs"),
			want: []string{"names Secret scrape-configs, which no kustomization secretGenerator makes"},
		},
		{
			name: "hash suffix",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				k := famLayerOf(t, in, "name: dataops-additional-scrape-configs")
				return famEdit(t, in, k, "  name: dataops-additional-scrape-configs\n  options:\n    disableNameSuffixHash: true\n", "  name: dataops-additional-scrape-configs\n")
			},
			want: []string{"gets a content-hash name suffix"},
		},
		{
			name: "other namespace",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "name: dataops-additional-scrape-configs"), "namespace: monitoring", "namespace: default")
			},
			want: []string{`is generated in namespace "default", but Prometheus runs in "monitoring"`},
		},
	})
}
