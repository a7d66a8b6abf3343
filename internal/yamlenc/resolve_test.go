package yamlenc

import "testing"

// TestMayBeNumberIsNecessary: every string of up to 5 bytes from the
// number syntaxes' alphabet that yamlNumber reads as a number passes
// mayBeNumber (which saves yamlNumber's failed parses).
func TestMayBeNumberIsNecessary(t *testing.T) {
	const alphabet = "01x+-oObB.eX9"
	buf := make([]byte, 0, 5)
	var gen func()
	gen = func() {
		if len(buf) > 0 && !mayBeNumber(buf) && yamlNumber(string(buf)) {
			t.Fatalf("%q is a number, mayBeNumber refuses it", buf)
		}
		if len(buf) == cap(buf) {
			return
		}
		for i := range len(alphabet) {
			buf = append(buf, alphabet[i])
			gen()
			buf = buf[:len(buf)-1]
		}
	}
	gen()
}
