package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

func newVet() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "vet DIR",
		Short: "Compile and check the spec in DIR; write nothing",
		Long: `vet runs everything build runs — schema, spec checks, generation and every
check on the generated artifacts — and writes nothing. Every problem is
printed as file:line:col: check: message; the exit status is 1 if there is
any. Meant for pre-commit.`,
		Args: dirArg("dataopsgen vet DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if err := specDir(args[0]); err != nil {
				return err
			}
			res, diags := build.Dir(args[0], build.Options{})
			if diags != nil {
				return printDiags(cmd, format, diags)
			}
			if format == "json" {
				return diag.WriteJSON(cmd.OutOrStdout(), nil)
			}
			printNotes(cmd.ErrOrStderr(), res)
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%s, %s)\n", args[0], plural(len(res.Spec.Workloads), "workload"), plural(len(res.Files), "file"))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "diagnostics format: text or json")
	return cmd
}
