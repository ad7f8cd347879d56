package kernels

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

func TestBenchKernelsQuick(t *testing.T) {
	rep, err := BenchKernels(BenchOptions{Bytes: 1 << 20, Duration: time.Millisecond, Threads: []int{1, 2},
		Types: []tensor.DType{tensor.Q4_K, tensor.F16}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Kernels) != 4 || rep.ReadGBs <= 0 || rep.Impl["q4_k/matvec"] == "" {
		t.Fatalf("report incomplete: %+v", rep)
	}
	for _, k := range rep.Kernels {
		if k.GBs <= 0 || k.ReadGBs <= 0 || (k.Op != "matvec" && k.Op != "matvec_f32") {
			t.Errorf("bad result %+v", k)
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Fatal(err)
	}
	if _, err := BenchKernels(BenchOptions{Bytes: 1 << 20, Cols: 100, Types: []tensor.DType{tensor.Q4_K}}); err == nil {
		t.Error("100 columns of Q4_K: want an error")
	}
}

// TestBenchKernelsTable prints the acceptance table when EDGEMOE_BENCH is
// set to a size in MiB:
//
//	EDGEMOE_BENCH=256 go test ./internal/kernels -run BenchKernelsTable -v
func TestBenchKernelsTable(t *testing.T) {
	mib, _ := strconv.Atoi(os.Getenv("EDGEMOE_BENCH"))
	if mib <= 0 {
		t.Skip("set EDGEMOE_BENCH=<MiB> to print the kernel bandwidth table")
	}
	rep, err := BenchKernels(BenchOptions{Bytes: int64(mib) << 20, Duration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%-6s %-10s %3s %8s %8s %6s %s", "type", "op", "thr", "GB/s", "read", "ratio", "impl")
	for _, k := range rep.Kernels {
		t.Logf("%-6s %-10s %3d %8.2f %8.2f %6.2f %s", k.Type, k.Op, k.Threads, k.GBs, k.ReadGBs, k.Ratio, rep.Impl[k.Type+"/"+k.Op])
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.v); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}
