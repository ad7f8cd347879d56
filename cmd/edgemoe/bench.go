package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/edgemoe/edgemoe/bench"
	"github.com/edgemoe/edgemoe/boards"
)

func init() {
	register("bench", "on-device benchmark: probes, kernels, budget x pager x prefetch scenarios, report (bench predict: the performance model)", runBench)
}

func runBench(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "predict" {
		return runBenchPredict(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "kernels" {
		return runBenchKernels(args[1:], stdout, stderr)
	}
	fs := newFlags("bench", stderr)
	model := fs.String("m", "", "model `file` (GGUF); default: a synthesized demo-shaped model in the cache directory")
	quick := fs.Bool("quick", false, "small model, few tokens and a short sweep (about two minutes)")
	out := fs.String("out", "edgemoe-bench", "output `prefix`: writes PREFIX.json, PREFIX.md, PREFIX-tokps.svg, PREFIX-hitrate.svg")
	board := addBoardFlag(fs)
	tokens := fs.Int("n", 0, "tokens to generate per prompt (0: 6 quick, 24 full)")
	prompts := fs.Int("prompts", 0, "prompts per scenario, the first cold (0: 3 quick, 5 full)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *board != "" {
		if _, err := boards.Lookup(*board); err != nil {
			return badInput(err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := bench.Options{Model: *model, Quick: *quick, Board: *board, Tokens: *tokens, Prompts: *prompts,
		Version: version, Log: stderr}
	res, err := bench.Run(ctx, opts)
	if err != nil {
		return err
	}
	res.Kernels.Impl = withSummary(res.Kernels.Impl)
	names, err := bench.WriteFiles(*out, res)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintf(stdout, "wrote %s\n", n)
	}
	fmt.Fprintf(stdout, "median measured/predicted decode tok/s: %.2f (assumed hit curve), %.2f (measured hit rate)\n",
		bench.Accuracy(res, false), bench.Accuracy(res, true))
	return nil
}

// withSummary records the kernel implementation summary when the kernel
// benchmark did not describe its kernels itself.
func withSummary(impl map[string]string) map[string]string {
	if len(impl) > 0 {
		return impl
	}
	return map[string]string{"all": kernelSummary()}
}

func runBenchPredict(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench predict", stderr)
	board := addBoardFlag(fs)
	alpha := fs.Float64("alpha", bench.DefaultAlpha, "hit-rate exponent: hit = (cache share)^alpha")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	profs := boards.Profiles()
	if *board != "" {
		p, err := boards.Lookup(*board)
		if err != nil {
			return badInput(err)
		}
		profs = []boards.Profile{p}
	}
	rows := bench.PredictBoards(profs, []bench.ModelBytes{bench.V2LiteQ4KM, bench.V3Q4KM}, *alpha)
	bench.WritePredictTable(stdout, rows)
	return nil
}
