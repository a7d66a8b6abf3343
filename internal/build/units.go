package build

import (
	"encoding/binary"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// cachedUnits keeps the generators' compilation units in the build cache
// (generators.Units): a unit's files under the key of its inputs, so that a
// rebuild generates only the workloads that changed. A unit that cannot be
// read back whole is a miss; the cache never changes what is generated
// (TestRandomEditsUnitsMatchCold).
type cachedUnits struct{ cache *testcache.Cache }

// unitsOf returns the units kept in cache, or nil (generate everything)
// when there is no cache.
func unitsOf(cache *testcache.Cache) generators.Units {
	if !cache.On() {
		return nil
	}
	return cachedUnits{cache}
}

func (u cachedUnits) Load(kind string, inputs []byte) ([]artifact.File, bool) {
	k, ok := u.cache.Unit(kind, inputs)
	if !ok {
		return nil, false
	}
	data, ok := u.cache.Load(k)
	if !ok {
		return nil, false
	}
	return decodeUnit(data)
}

func (u cachedUnits) Store(kind string, inputs []byte, files []artifact.File) {
	for _, f := range files {
		if f.Object != nil {
			return // only plain files are units (no generated ConfigMap/Secret data)
		}
	}
	if k, ok := u.cache.Unit(kind, inputs); ok {
		u.cache.Store(k, encodeUnit(files))
	}
}

// encodeUnit writes files as: their number, then for each its path, spec
// source, role and bytes, every string length-prefixed (uvarint).
func encodeUnit(files []artifact.File) []byte {
	size := 8
	for _, f := range files {
		size += len(f.Path) + len(f.Source) + len(f.Data) + 32
	}
	b := binary.AppendUvarint(make([]byte, 0, size), uint64(len(files)))
	for _, f := range files {
		b = appendBytes(b, []byte(f.Path))
		b = appendBytes(b, []byte(f.Source))
		b = binary.AppendUvarint(b, uint64(f.Role))
		b = appendBytes(b, f.Data)
	}
	return b
}

func appendBytes(b, s []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decodeUnit reads what encodeUnit wrote; anything else (a truncated or
// foreign entry) is not a unit.
func decodeUnit(b []byte) ([]artifact.File, bool) {
	r := unitReader{b: b}
	n := r.uvarint()
	if r.bad || n > uint64(len(b)) {
		return nil, false
	}
	files := make([]artifact.File, 0, n)
	for range n {
		path, source := r.bytes(), r.bytes()
		role := r.uvarint()
		data := r.bytes()
		if r.bad || role > uint64(artifact.Aside) {
			return nil, false
		}
		files = append(files, artifact.File{Path: string(path), Source: string(source), Role: artifact.Role(role), Data: data})
	}
	if len(r.b) != 0 {
		return nil, false
	}
	return files, true
}

type unitReader struct {
	b   []byte
	bad bool
}

func (r *unitReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *unitReader) bytes() []byte {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}
