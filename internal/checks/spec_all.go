package checks

// specChecks is the spec family (spec/literal-secret and spec/receiver run
// when the model is decoded, before generation).
func specChecks() []Check {
	return []Check{specEscaping, specTrainingController}
}
