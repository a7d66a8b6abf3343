package load

import "cuelang.org/go/cue/literal"

func literalString(s string) (string, error) { return literal.Unquote(s) }
