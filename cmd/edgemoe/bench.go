package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
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
	repeats := fs.Int("repeats", 1, "runs of each budget x pager cell, prefetch on and off back to back in alternating order, paired in the report")
	budgets := fs.String("budgets", "", "comma-separated expert cache `percentages` of the routed bytes (default: 100,50,25,10)")
	pagers := fs.String("pagers", "", "comma-separated `pagers` to run: mmap, direct (default: both)")
	prefetch := fs.String("prefetch", "", "comma-separated prefetch `settings` in run order: on, off, ab (on and off windows in one run, compared in the report) (default: on,off)")
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
	opts := bench.Options{Model: *model, Quick: *quick, Board: *board, Tokens: *tokens, Prompts: *prompts,
		Repeats: *repeats, Version: version, Log: stderr}
	if err := parseBenchGrid(&opts, *budgets, *pagers, *prefetch); err != nil {
		return badInput(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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

// parseBenchGrid restricts the scenario grid to the listed budgets, pagers
// and prefetch settings (empty lists keep the defaults).
func parseBenchGrid(o *bench.Options, budgets, pagers, prefetch string) error {
	for _, f := range splitList(budgets) {
		v, err := strconv.ParseFloat(strings.TrimSuffix(f, "%"), 64)
		if err != nil || v <= 0 || v > 100 {
			return fmt.Errorf("--budgets: %q is not a percentage in (0, 100]", f)
		}
		o.Fractions = append(o.Fractions, v/100)
	}
	for _, p := range splitList(pagers) {
		if p != "mmap" && p != "direct" {
			return fmt.Errorf("--pagers: %q: want mmap or direct", p)
		}
		o.Pagers = append(o.Pagers, p)
	}
	for _, p := range splitList(prefetch) {
		switch p {
		case "on":
			o.Prefetch = append(o.Prefetch, true)
		case "off":
			o.Prefetch = append(o.Prefetch, false)
		case "ab":
			o.AB = true
			if o.Prefetch == nil {
				o.Prefetch = []bool{} // ab alone: no separate on and off runs
			}
		default:
			return fmt.Errorf("--prefetch: %q: want on, off or ab", p)
		}
	}
	if o.Repeats < 1 {
		return fmt.Errorf("--repeats %d: want at least 1", o.Repeats)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
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
