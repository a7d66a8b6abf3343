package artifact

// ObserveYAML makes f see every value YAML and YAMLDocs marshal, with the
// result, until the returned function is called.
func ObserveYAML(f func(v any, out []byte, err error)) (restore func()) {
	old := observe
	observe = f
	return func() { observe = old }
}
