package bench

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edgemoe/edgemoe/boards"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixedResult is a result set with fixed figures for the golden report.
func fixedResult() *Result {
	det := boards.DetectRoot("../boards/testdata/rpi5-8g")
	r := &Result{Schema: Schema, Started: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), Seconds: 95,
		Versions: Versions{Edgemoe: "v0.0.0-test", Go: "go1.26", OS: "linux", Arch: "arm64"},
		Board:    Board{Profile: det.Profile.Name, Detected: det, Defaults: det.Profile.Defaults(det.Facts)},
		Probes: Probes{PageSize: 16384, Threads: 4, MemRead1: 6.1, MemReadN: 10.2, StoragePath: "/models/m.gguf",
			Storage: []StorageProbe{{Block: 4096, Label: "4 KiB", MBps: 56}, {Block: 131072, Label: "128 KiB", MBps: 610},
				{Block: 1327104, Label: "one expert", MBps: 790}}},
		Kernels: KernelReport{Source: "test", ReadGBps: 10, Results: []KernelResult{{Type: "q4_k", Op: "matvec", Threads: 4, GBps: 8, Impl: "neon-dotprod"}}},
		Model: ModelInfo{Path: "/models/m.gguf", Bytes: ModelBytes{Name: "demo", Resident: 23e6, Embedding: 4e6,
			OneExpert: 1.33e6, Experts: 64, ExpertsUsed: 6, MoELayers: 3, Overhead: 90e6}},
		Setup: Setup{Quick: true, Fractions: []float64{1, 0.25}, Pagers: []string{"mmap", "direct"}, Prefetch: []bool{true, false},
			Prompts: 3, PromptTokens: []int{9, 8, 9}, GenTokens: 6, Context: 512, Notes: []string{"fixed figures for the golden test"}},
		Alpha: DefaultAlpha,
	}
	r.Machine = Machine{MemBW: 10.2e9, ComputeBW: 8e9, DiskBW: 790e6}
	i := 0
	for _, f := range []float64{1, 0.25} {
		for _, pg := range []string{"mmap", "direct"} {
			for _, pf := range []bool{true, false} {
				i++
				hit := 0.95 * f
				sc := Scenario{Name: "s", Fraction: f, Budget: int64(100e6 + f*255e6), ExpertCache: int64(f * 255e6),
					CacheFraction: f, Pager: pg, Prefetch: pf, DecodeTPS: 10 * f * float64(i%3+1), PrefillTPS: 20 * f,
					ColdDecodeTPS: 5 * f, ColdPrefill: 8, HitRate: hit, MBPerToken: 24 * (1 - hit), StallMsToken: 30 * (1 - hit),
					Precision: 0.7, Recall: 0.75, MissMBps: 600,
					Phases: []Phase{{Kind: "cold"}, {Kind: "rotating", Prompt: 1}, {Kind: "rotating", Prompt: 2}}}
				r.Scenarios = append(r.Scenarios, sc)
			}
		}
	}
	predictAll(r)
	return r
}

func TestReportGolden(t *testing.T) {
	var b strings.Builder
	WriteMarkdown(&b, fixedResult(), "out/run1")
	golden := filepath.Join("testdata", "report.md")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if b.String() != string(want) {
		t.Errorf("report differs from %s (run with -update after checking):\n%s", golden, b.String())
	}
}

func TestWriteFiles(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "r")
	names, err := WriteFiles(prefix, fixedResult())
	if err != nil || len(names) != 4 {
		t.Fatalf("%v %v", names, err)
	}
	for _, n := range names {
		if st, err := os.Stat(n); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", n, err)
		}
	}
}
