package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/sloimport"
)

func newImport() *cobra.Command {
	var opts sloimport.Options
	var out, format string
	cmd := &cobra.Command{
		Use:   "import sloth|openslo FILE...",
		Short: "Convert Sloth or OpenSLO SLO files into spec CUE",
		Long: `import converts SLO definitions of other tools into a slos: block of spec CUE,
written to stdout (or -o FILE, next to the spec's other files):

  sloth    Sloth prometheus/v1 specs (service, slos: sli.events, alerting)
  openslo  OpenSLO SLO and SLI documents (openslo/v1; openslo/v1alpha SLOs)

The SLIs become ratio SLIs of series selectors: Sloth's
sum(rate(SELECTOR[{{.window}}])) queries and OpenSLO's counter queries
(SELECTOR or sum(SELECTOR)). What cannot be converted (raw ratios, plugins,
other PromQL, calendar windows, time-slice budgets) is reported as
file:line:col: check: message in the source file, all at once, exit 1,
nothing written. With --workload the SLOs read that workload's series
(its namespace and workload labels are added to every selector); without,
declare the metrics they read (workloads.<name>.metrics.exported) so that
vet knows they exist.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			var convert func(string, []byte, sloimport.Options) ([]sloimport.SLO, diag.List)
			switch args[0] {
			case "sloth":
				convert = sloimport.Sloth
			case "openslo":
				convert = sloimport.OpenSLO
			default:
				return fmt.Errorf("import %s: the formats are sloth and openslo", args[0])
			}
			var slos []sloimport.SLO
			var diags diag.List
			for _, f := range args[1:] {
				data, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				got, d := convert(f, data, opts)
				diags.Append(d...)
				slos = append(slos, got...)
			}
			if diags != nil {
				return printDiags(cmd, format, diags.Sorted())
			}
			header := fmt.Sprintf("Imported by dataopsgen import %s from %s.", args[0], filepath.Base(args[1]))
			if len(args) > 2 {
				header = fmt.Sprintf("Imported by dataopsgen import %s from %d files.", args[0], len(args)-1)
			}
			data, err := sloimport.CUE(header, slos)
			if err != nil {
				return err
			}
			// What is written must be spec CUE: check it against the schema.
			if _, d := load.Files([]load.File{{Name: "imported.cue", Data: append([]byte("apiVersion: \"dataopsgen.dev/v1alpha1\"\n"), data...)}}); d != nil {
				return fmt.Errorf("the converted CUE does not fit the schema (a defect of import): %v\n%s", d.Err(), data)
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(data)
				return err
			}
			return os.WriteFile(out, data, 0o644)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the CUE to this file instead of stdout")
	cmd.Flags().StringVar(&opts.Workload, "workload", "", "the workload the SLOs are about")
	cmd.Flags().StringVar(&opts.Window, "window", "30d", "compliance window of SLOs that give none (Sloth's --default-slo-period)")
	cmd.Flags().StringVar(&format, "format", "text", "diagnostics format: text or json")
	return cmd
}
