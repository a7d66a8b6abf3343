package yamlenc

import (
	"bytes"
	"strings"
	"testing"
)

// memoDoc writes s and t, each several times from several emitter states
// (map values at two depths, sequence items, after a long key, after a
// string that leaves the column elsewhere), with String or StringMemo.
func memoDoc(w *Writer, memo bool, s, t string) []byte {
	str := w.String
	if memo {
		str = w.StringMemo
	}
	m := w.BeginMap()
	for _, k := range []string{"a", "series", "values", strings.Repeat("k", 60)} {
		w.Key(k)
		str(s)
		w.Key(k + "2")
		str(t)
	}
	w.Key("list")
	l := w.BeginSeq(true)
	for range 3 {
		w.Item()
		str(s)
		w.Item()
		im := w.BeginMap()
		w.Key("series")
		str(s)
		w.Key("values")
		str(t)
		w.Key("nested")
		nm := w.BeginMap()
		w.Key("series")
		str(s)
		w.Key("x")
		str(t)
		w.EndMap(nm)
		w.EndMap(im)
	}
	w.EndSeq(l)
	w.EndMap(m)
	return w.Bytes()
}

// TestStringMemoIsString: StringMemo writes String's bytes and leaves the
// writer as String does, wherever the repeated strings are written, in a
// new writer and in a reused one.
func TestStringMemoIsString(t *testing.T) {
	var strs []string
	for _, v := range awkward {
		if s, ok := v.(string); ok {
			strs = append(strs, s)
		}
	}
	reused := NewWriter(nil)
	for i, s := range strs {
		u := strs[(i*7+3)%len(strs)]
		ref := NewWriter([]byte("#\n"))
		want := memoDoc(ref, false, s, u)
		wantOK := ref.OK()
		w := NewWriter([]byte("#\n"))
		got := memoDoc(w, true, s, u)
		if w.OK() != wantOK || wantOK && !bytes.Equal(got, want) {
			t.Fatalf("%q, %q: StringMemo (ok %v):\n%s\nString (ok %v):\n%s", s, u, w.OK(), got, wantOK, want)
		}
		reused.Reset([]byte("#\n"))
		got = memoDoc(reused, true, s, u)
		if reused.OK() != wantOK || wantOK && !bytes.Equal(got, want) {
			t.Fatalf("%q, %q: reused writer's StringMemo differs", s, u)
		}
	}
}

func FuzzStringMemoIsString(f *testing.F) {
	for i, v := range awkward {
		if s, ok := v.(string); ok {
			f.Add(s, strings.Repeat("x ", i%50)+s)
		}
	}
	f.Fuzz(func(t *testing.T, s, u string) {
		w := NewWriter(nil)
		want := memoDoc(w, false, s, u)
		wantOK := w.OK()
		m := NewWriter(nil)
		got := memoDoc(m, true, s, u)
		if m.OK() != wantOK || wantOK && !bytes.Equal(got, want) {
			t.Fatalf("%q, %q: StringMemo (ok %v):\n%s\nString (ok %v):\n%s", s, u, m.OK(), got, wantOK, want)
		}
	})
}

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
