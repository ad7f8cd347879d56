package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/edgemoe/edgemoe/bench"
	"github.com/edgemoe/edgemoe/internal/kernels"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

func init() {
	// The suite's kernel section uses the kernels' own benchmark.
	bench.KernelBench = fastKernelBench
}

// fastKernelBench adapts kernels.BenchKernels to the suite's report.
func fastKernelBench(ctx context.Context, o bench.KernelOptions) (bench.KernelReport, error) {
	ko := kernels.BenchOptions{Bytes: o.MatBytes, Duration: o.MinTime, Threads: o.Threads}
	for _, name := range o.Types {
		if t, err := tensor.ParseDType(name); err == nil {
			ko.Types = append(ko.Types, t)
		}
	}
	r, err := kernels.BenchKernels(ko)
	if err != nil {
		return bench.KernelReport{}, err
	}
	rep := bench.KernelReport{Source: "kernels.BenchKernels (the runtime's kernels and thread pool)", ReadGBps: r.ReadGBs, Impl: r.Impl}
	for _, k := range r.Kernels {
		rep.Results = append(rep.Results, bench.KernelResult{Type: k.Type, Op: k.Op, Threads: k.Threads, GBps: k.GBs,
			Impl: r.Impl[k.Type+"/"+k.Op]})
	}
	return rep, ctx.Err()
}

// runBenchKernels is `edgemoe bench kernels [--json] [--quick]`.
func runBenchKernels(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench kernels", stderr)
	asJSON := fs.Bool("json", false, "print one JSON object (read_gbs, kernels[type, op, threads, gbs], impl)")
	quick := fs.Bool("quick", false, "64 MiB matrices, short measurements (a few seconds)")
	size := fs.Int("mib", 256, "matrix `MiB` (far larger than the caches)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *size < 1 {
		return badInput(fmt.Errorf("--mib %d: want a matrix of at least 1 MiB (default 256, far larger than the caches)", *size))
	}
	o := kernels.BenchOptions{Bytes: int64(*size) << 20}
	if *quick {
		o.Bytes, o.Duration = 64<<20, 300*time.Millisecond
	}
	r, err := kernels.BenchKernels(o)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	fmt.Fprintf(stdout, "read bandwidth %.2f GB/s (%d MiB, median; each type's passes alternate with read passes, read is the best of those)\n%-6s %-11s %7s %8s %8s %6s  %s\n",
		r.ReadGBs, r.Bytes>>20, "type", "op", "threads", "GB/s", "read", "ratio", "impl")
	for _, k := range r.Kernels {
		fmt.Fprintf(stdout, "%-6s %-11s %7d %8.2f %8.2f %6.2f  %s\n", k.Type, k.Op, k.Threads, k.GBs, k.ReadGBs, k.Ratio, r.Impl[k.Type+"/"+k.Op])
	}
	return nil
}
