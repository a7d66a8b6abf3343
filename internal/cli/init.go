package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/internal/cli/starter"
	"github.com/dataopsgen/dataopsgen/presets"
	"github.com/dataopsgen/dataopsgen/presets/servers"
)

func newInit() *cobra.Command {
	var server string
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented starter spec into DIR (default: monitoring)",
		Long: `init creates DIR (default "monitoring") with a commented starter spec that
builds as is: one training job, one inference service, alert routing to fill
in. With --server, the inference service runs that server (vllm, triton, tgi,
kserve, sglang, rayserve, bentoml, torchserve, nim): the spec names it, and
offers the alerts its preset supports. It refuses to touch a directory that
already holds .cue files.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "monitoring"
			if len(args) == 1 {
				dir = args[0]
			}
			if existing, _ := filepath.Glob(filepath.Join(dir, "*.cue")); len(existing) > 0 {
				return fmt.Errorf("%s already holds a spec (%s): not overwriting it", dir, filepath.Base(existing[0]))
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			spec := starter.Spec
			if server != "" && server != presets.CustomName {
				p := servers.ByName(server)
				if p == nil {
					return fmt.Errorf("--server %q: no such preset; one of %s", server, strings.Join(servers.Names(), ", "))
				}
				spec = starter.ForServer(p)
			}
			path := filepath.Join(dir, starter.FileName)
			if err := os.WriteFile(path, spec, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\nnext: edit it, then\n  dataopsgen vet %s\n  dataopsgen build %s -o out\n", path, dir, dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "start from an inference server preset: "+strings.Join(servers.Names(), ", "))
	return cmd
}
