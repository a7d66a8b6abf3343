package schema_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/dataopsgen/dataopsgen/presets/servers"
	"github.com/dataopsgen/dataopsgen/schema"
)

// servers.cue is what the presets generate (DATAOPSGEN_UPDATE=1 rewrites
// it): the schema's per-server defaults cannot drift from the presets.
func TestServersCUEFresh(t *testing.T) {
	want := servers.SchemaCUE()
	if os.Getenv("DATAOPSGEN_UPDATE") != "" {
		if err := os.WriteFile(schema.ServersFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(schema.ServersCUE(), want) {
		t.Errorf("schema/%s is stale: DATAOPSGEN_UPDATE=1 go test ./schema/", schema.ServersFile)
	}
}
