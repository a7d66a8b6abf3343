package cli

import "github.com/dataopsgen/dataopsgen/schema"

// Version of dataopsgen; set at release time with -ldflags.
var Version = "dev"

const specVersion = schema.APIVersion
