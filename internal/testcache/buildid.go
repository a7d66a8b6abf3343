package testcache

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// binaryID is the identity of the running binary, computed once: its Go
// build ID (the ELF note the linker writes; it changes with any change to
// the code or the toolchain that went into the binary), or else a SHA-256 of
// its bytes (other object formats, or a binary linked with -buildid=).
var binaryID = sync.OnceValues(func() ([]byte, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if id, err := elfBuildID(exe); err == nil && len(id) > 0 {
		return append([]byte("go-buildid:"), id...), nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum([]byte("sha256:")), nil
})

// elfBuildID reads the Go build ID from the .note.go.buildid note of an ELF
// file (what `go tool buildid` prints): namesz, descsz, type 4, the name
// "Go\x00\x00", then the ID.
func elfBuildID(name string) ([]byte, error) {
	f, err := elf.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return nil, errors.New("no .note.go.buildid section")
	}
	note, err := s.Data()
	if err != nil {
		return nil, err
	}
	const goBuildIDType = 4
	if len(note) < 16 {
		return nil, errors.New("short .note.go.buildid")
	}
	bo := f.ByteOrder
	namesz, descsz, typ := bo.Uint32(note), bo.Uint32(note[4:]), bo.Uint32(note[8:])
	if namesz != 4 || typ != goBuildIDType || !bytes.Equal(note[12:16], []byte("Go\x00\x00")) || uint64(len(note)) < 16+uint64(descsz) {
		return nil, fmt.Errorf("malformed .note.go.buildid")
	}
	return bytes.Clone(note[16 : 16+descsz]), nil
}
