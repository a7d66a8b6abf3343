package ruletests

import (
	"errors"
	"reflect"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestPartsAreTheWhole: the parts GenerateInParts hands over, joined, are
// the generator's files (paths, bytes, sources and typed values, in
// order), whatever the size of a part; a part holds no more units than
// asked (a workload's unit is two files, an SLO's up to three); and an
// error of the callback stops the generation.
func TestPartsAreTheWhole(t *testing.T) {
	specs := modeltest.Examples(t)
	specs["synthetic"] = modeltest.Synthetic(t, 40)
	for name, s := range specs {
		whole := generateT(t, s)
		for _, size := range []int{0, 1, 3, 64} {
			var joined []artifact.File
			parts := 0
			err := GenerateInParts(s, nil, size, func(part []artifact.File) error {
				parts++
				if len(part) > 3*max(size, 1) {
					t.Errorf("%s, size %d: a part of %d files", name, size, len(part))
				}
				joined = append(joined, part...)
				return nil
			})
			if err != nil {
				t.Fatalf("%s, size %d: %v", name, size, err)
			}
			if !reflect.DeepEqual(joined, whole) {
				t.Fatalf("%s, size %d: the parts joined differ from the generator's files", name, size)
			}
			if size == 1 && parts < 2 {
				t.Errorf("%s: %d parts of one unit", name, parts)
			}
		}
		stop := errors.New("stop")
		calls := 0
		err := GenerateInParts(s, nil, 1, func([]artifact.File) error { calls++; return stop })
		if err != stop || calls != 1 {
			t.Errorf("%s: callback error: %v after %d calls", name, err, calls)
		}
	}
}
