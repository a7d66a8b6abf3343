package servers

import (
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/presets"
)

// Every preset is consistent: its signals read listed families of the
// right type with labels they carry, buckets ascend, every family cites a
// source.
func TestPresetsValidate(t *testing.T) {
	for _, s := range append(All(), Custom(CustomNames{"inference_requests_total", "inference_request_duration_seconds", "model_name", "status", "error"})) {
		for _, p := range s.Validate() {
			t.Error(p)
		}
	}
}

// Validate can fail: a preset reading a family it does not list, a label
// a family does not carry, descending buckets.
func TestValidateFails(t *testing.T) {
	s := VLLM
	s.Families = slices.Clone(s.Families)
	s.Families[7].Buckets = []float64{1, 0.5}
	s.TTFT = &presets.Histogram{Family: "vllm:time_to_first_token_second"}
	s.Errors = &presets.ErrorRatio{Failed: one("http_requests_total", eq("code", "5xx")), Total: one("http_requests_total"), What: "x"}
	got := strings.Join(s.Validate(), "\n")
	for _, want := range []string{"not strictly ascending", "vllm:time_to_first_token_second, which is not listed", "label code, which family http_requests_total does not carry"} {
		if !strings.Contains(got, want) {
			t.Errorf("Validate() = %s\nwant %q", got, want)
		}
	}
}

func TestNames(t *testing.T) {
	got := Names()
	want := []string{"custom", "bentoml", "kserve", "nim", "rayserve", "sglang", "tgi", "torchserve", "triton", "vllm"}
	if !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, n := range got[1:] {
		if ByName(n) == nil || ByName(n).Name != n {
			t.Errorf("ByName(%q)", n)
		}
	}
}

// TGI's duration buckets are the router's geometric sequence: 35 bounds
// from 0.00015 to about 145.6 s.
func TestTGIBuckets(t *testing.T) {
	b := tgiDurationBuckets
	// In float64 at run time, as Rust computes it (a Go constant
	// expression would be exact: 0.00015).
	first := 0.0001
	first *= 1.5
	if len(b) != 35 || b[0] != first || b[0] == 0.00015 || b[34] < 145 || b[34] > 146 {
		t.Errorf("tgi buckets: %d, first %v, last %v", len(b), b[0], b[34])
	}
}
