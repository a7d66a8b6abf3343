package loki

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

func spec(t *testing.T, src string) *model.Spec {
	t.Helper()
	return modeltest.Inline(t, src)
}

// get walks a decoded YAML document along keys.
func get(doc any, keys ...string) any {
	for _, k := range keys {
		m, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		doc = m[k]
	}
	return doc
}

func TestValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want map[string]any // dotted path → value
	}{
		{
			name: "defaults",
			src:  `apiVersion: "dataopsgen.dev/v1alpha1"`,
			want: map[string]any{
				"loki.limits_config.retention_period": "168h",
				"singleBinary.persistence.size":       "20Gi",
			},
		},
		{
			name: "set",
			src: `apiVersion: "dataopsgen.dev/v1alpha1"
stack: loki: {retention: "720h", storageSize: "100Gi"}`,
			want: map[string]any{
				"loki.limits_config.retention_period": "720h",
				"singleBinary.persistence.size":       "100Gi",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := spec(t, tc.src)
			files, err := New().Generate(s)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1 {
				t.Fatalf("%d files", len(files))
			}
			f := files[0]
			if f.Path != Path || f.Role != artifact.ConfigMapData || f.Object == nil ||
				f.Object.Name != "values-loki" || f.Object.Key != "values.yaml" || f.Object.Hash {
				t.Fatalf("file %+v", f)
			}
			again, _ := New().Generate(s)
			if !bytes.Equal(f.Data, again[0].Data) {
				t.Error("not deterministic")
			}
			if bytes.Contains(f.Data, []byte("{{")) {
				t.Error("values contain {{")
			}
			var doc any
			if err := yaml.Unmarshal(f.Data, &doc); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"deploymentMode":                       "Monolithic",
				"singleBinary.replicas":                1.0,
				"singleBinary.persistence.enabled":     true,
				"read.replicas":                        0.0,
				"write.replicas":                       0.0,
				"backend.replicas":                     0.0,
				"loki.auth_enabled":                    false,
				"loki.commonConfig.replication_factor": 1.0,
				"loki.storage.type":                    "filesystem",
				"loki.compactor.retention_enabled":     true,
				"loki.compactor.delete_request_store":  "filesystem",
				"minio.enabled":                        false,
				"chunksCache.enabled":                  false,
				"resultsCache.enabled":                 false,
				"gateway.enabled":                      true,
				"test.enabled":                         false,
				"lokiCanary.enabled":                   false,
			}
			for k, v := range tc.want {
				want[k] = v
			}
			for path, v := range want {
				if got := get(doc, strings.Split(path, ".")...); got != v {
					t.Errorf("%s = %v, want %v", path, got, v)
				}
			}
			periods, _ := get(doc, "loki", "schemaConfig", "configs").([]any)
			if len(periods) != 1 {
				t.Fatalf("schema periods: %v", periods)
			}
			p := periods[0]
			for path, v := range map[string]any{
				"from": SchemaFrom, "store": "tsdb", "object_store": "filesystem", "schema": "v13",
				"index.prefix": "index_", "index.period": "24h",
			} {
				if got := get(p, strings.Split(path, ".")...); got != v {
					t.Errorf("schema %s = %v, want %v", path, got, v)
				}
			}
		})
	}
}
