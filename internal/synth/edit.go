package synth

import (
	"bytes"
	"fmt"
)

// EditOne changes one workload of a generated spec the way a user's pull
// request does: the `for` of the first workload's latency alert that has
// one (the middle workload's, so that neither end of the file is special)
// becomes 17m, a duration Generate never writes. Everything else stays
// byte for byte. make bench rebuilds the edited spec with the cache the
// cold build filled, and compares the overlay with a cold build of it.
func EditOne(files []File) ([]File, error) {
	out := make([]File, len(files))
	copy(out, files)
	for i := range out {
		if out[i].Name != "workloads.cue" {
			continue
		}
		data := out[i].Data
		from := bytes.Index(data[len(data)/2:], []byte("\t\t\tlatency: {"))
		if from < 0 {
			from = bytes.Index(data, []byte("\t\t\tlatency: {"))
		} else {
			from += len(data) / 2
		}
		if from < 0 {
			return nil, fmt.Errorf("synth: no latency alert to edit")
		}
		line := data[from:]
		line = line[:bytes.IndexByte(line, '\n')]
		at := bytes.Index(line, []byte(`for: "`))
		if at < 0 {
			return nil, fmt.Errorf("synth: latency alert without for")
		}
		at += from + len(`for: "`)
		end := at + bytes.IndexByte(data[at:], '"')
		edited := append(append(append([]byte(nil), data[:at]...), "17m"...), data[end:]...)
		out[i].Data = edited
		return out, nil
	}
	return nil, fmt.Errorf("synth: no workloads.cue")
}
