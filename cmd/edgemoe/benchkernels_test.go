package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestBenchKernelsJSON runs `bench kernels --json` on small matrices and
// checks the shape the on-device suite and the issue ask for: read_gbs and
// one {type, op, threads, gbs} per type and thread count, with each row's
// ratio taken against its own read reference and read_gbs the median of
// those of the most threads.
func TestBenchKernelsJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("measures bandwidth for a few seconds")
	}
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "kernels", "--json", "--quick", "--mib", "16"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		ReadGBs float64 `json:"read_gbs"`
		Kernels []struct {
			Type    string  `json:"type"`
			Op      string  `json:"op"`
			Threads int     `json:"threads"`
			GBs     float64 `json:"gbs"`
			ReadGBs float64 `json:"read_gbs"`
			Ratio   float64 `json:"ratio"`
		} `json:"kernels"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
	}
	if rep.ReadGBs <= 0 || len(rep.Kernels) == 0 {
		t.Fatalf("read_gbs %v, %d kernels", rep.ReadGBs, len(rep.Kernels))
	}
	seen := map[string]bool{}
	maxTh, lo, hi := 0, math.Inf(1), 0.0 // the read references of the most threads
	for _, k := range rep.Kernels {
		maxTh = max(maxTh, k.Threads)
	}
	for _, k := range rep.Kernels {
		if k.Threads == maxTh {
			lo, hi = min(lo, k.ReadGBs), max(hi, k.ReadGBs)
		}
	}
	if rep.ReadGBs < lo || rep.ReadGBs > hi { // their median
		t.Errorf("read_gbs %v outside the %d-thread reads [%v, %v]", rep.ReadGBs, maxTh, lo, hi)
	}
	for _, k := range rep.Kernels {
		seen[k.Type] = true
		if k.Type != strings.ToLower(k.Type) || k.Threads < 1 || k.GBs <= 0 || k.ReadGBs <= 0 {
			t.Errorf("bad row %+v (read_gbs %v)", k, rep.ReadGBs)
		}
		if want := k.GBs / k.ReadGBs; k.Ratio < want-0.002 || k.Ratio > want+0.002 {
			t.Errorf("%s/%d: ratio %v, gbs/read %v", k.Type, k.Threads, k.Ratio, want)
		}
	}
	for _, typ := range []string{"q4_k", "q5_k", "q6_k", "q8_0", "q4_0", "f16", "bf16", "f32"} {
		if !seen[typ] {
			t.Errorf("type %s missing", typ)
		}
	}
}

// TestBenchKernelsBadSize refuses a matrix size it would otherwise replace
// silently with the default.
func TestBenchKernelsBadSize(t *testing.T) {
	for _, mib := range []string{"0", "-3"} {
		var out, errb bytes.Buffer
		if code := run([]string{"bench", "kernels", "--mib", mib}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--mib") {
			t.Errorf("--mib %s: exit %d, stderr %q", mib, code, errb.String())
		}
	}
}
