// Command dataopsgen compiles a monitoring spec into a kustomize overlay.
package main

import (
	"os"

	"github.com/dataopsgen/dataopsgen/internal/cli"
)

func main() { os.Exit(cli.Main()) }
