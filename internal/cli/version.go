package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/schema"
)

// Version of dataopsgen, when a release sets it with -ldflags; otherwise
// version reads the module version and VCS stamp from the build info.
var Version = ""

const specVersion = schema.APIVersion

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and the spec apiVersion it reads",
		Long: `version prints the version of dataopsgen: the release version, else the
module version go install recorded (e.g. v0.3.0), and for a binary built from
a git checkout the commit, its time, and "modified" when the work tree had
uncommitted changes.`,
		Args: cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			info, _ := debug.ReadBuildInfo()
			fmt.Fprintf(cmd.OutOrStdout(), "dataopsgen %s (spec %s)\n", versionString(Version, info), specVersion)
		},
	}
}

// versionString describes the binary: release, module version, VCS stamp.
func versionString(release string, info *debug.BuildInfo) string {
	v := release
	var rev, at string
	modified := false
	if info != nil {
		if v == "" && info.Main.Version != "" {
			v = info.Main.Version // "(devel)" when built inside the module
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if rev != "" {
		v += " " + rev[:min(12, len(rev))]
		if at != "" {
			v += " " + at
		}
		if modified {
			v += " modified"
		}
	}
	return v
}
