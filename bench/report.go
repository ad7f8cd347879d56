package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// WriteFiles writes prefix.json, prefix.md, prefix-tokps.svg and
// prefix-hitrate.svg and returns their names.
func WriteFiles(prefix string, r *Result) ([]string, error) {
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("bench json: %w", err)
	}
	var md strings.Builder
	WriteMarkdown(&md, r, prefix)
	files := []struct {
		name string
		data []byte
	}{
		{prefix + ".json", append(js, '\n')},
		{prefix + ".md", []byte(md.String())},
		{prefix + "-tokps.svg", TokPSChart(r)},
		{prefix + "-hitrate.svg", HitRateChart(r)},
	}
	var names []string
	for _, f := range files {
		if err := os.WriteFile(f.name, f.data, 0o644); err != nil {
			return names, fmt.Errorf("bench report: %w", err)
		}
		names = append(names, f.name)
	}
	return names, nil
}

// WriteMarkdown writes the human report; chart names are derived from
// prefix (only their base names are linked).
func WriteMarkdown(w io.Writer, r *Result, prefix string) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("# edgemoe bench: %s", r.Board.Profile)
	p("")
	p("%s, edgemoe %s, %s %s/%s, %.0f s.", r.Started.Format("2006-01-02 15:04 UTC"), orDash(r.Versions.Edgemoe),
		r.Versions.Go, r.Versions.OS, r.Versions.Arch, r.Seconds)
	if r.Board.Override {
		p("Board profile forced with --board (detected: %s).", r.Board.Detected.Profile.Name)
	}
	p("")
	p("## Main table")
	p("")
	p("Decode and prefill are medians over the rotating prompts; paging figures are per decode token. `pred` is the performance model with the assumed hit-rate curve (alpha %.2f), `pred@hit` with the measured hit rate.", r.Alpha)
	p("")
	p("| budget | cache | pager | prefetch | decode tok/s | pred | pred@hit | prefill tok/s | cold decode | hit | MB/tok | stall ms/tok | prec/recall | miss read bw |")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, s := range r.Scenarios {
		if s.Error != "" && len(s.Phases) == 0 {
			p("| %g%% | | %s | %s | error: %s |||||||||| |", 100*s.Fraction, s.Pager, onOff(s.Prefetch), s.Error)
			continue
		}
		pr := "-"
		if s.Prefetch {
			pr = fmt.Sprintf("%.0f%%/%.0f%%", 100*s.Precision, 100*s.Recall)
		}
		p("| %g%% | %.0f MiB | %s | %s | **%.2f** | %.2f | %.2f | %.2f | %.2f | %.1f%% | %.1f | %.1f | %s | %s |",
			100*s.Fraction, float64(s.ExpertCache)/(1<<20), s.Pager, onOff(s.Prefetch), s.DecodeTPS,
			s.PredictedTPS(s.Predicted), s.PredictedTPS(s.PredictedAtHit), s.PrefillTPS, s.ColdDecodeTPS,
			100*s.HitRate, s.MBPerToken, s.StallMsToken, pr, mbps(s.MissMBps))
	}
	p("")
	base := prefix
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	writePairs(p, r)
	writeAB(p, r)
	p("![decode tok/s vs budget](%s-tokps.svg) ![hit rate vs budget](%s-hitrate.svg)", base, base)
	p("")
	writeAccuracy(p, r)
	writeMachine(p, r)
	p("## Notes")
	p("")
	for _, n := range r.Setup.Notes {
		p("- %s", n)
	}
}

// Accuracy is the median of measured / predicted decode tok/s over the
// scenarios (NaN when there are none).
func Accuracy(r *Result, atHit bool) float64 {
	var xs []float64
	for _, s := range r.Scenarios {
		pr := s.PredictedTPS(s.Predicted)
		if atHit {
			pr = s.PredictedTPS(s.PredictedAtHit)
		}
		if pr > 0 && s.DecodeTPS > 0 {
			xs = append(xs, s.DecodeTPS/pr)
		}
	}
	if len(xs) == 0 {
		return math.NaN()
	}
	return median(xs)
}

func writeAccuracy(p func(string, ...any), r *Result) {
	p("## Predicted vs measured")
	p("")
	m := r.Machine
	p("Bandwidths used: memory %.1f GB/s, kernels (%s) %.2f GB/s, disk (expert-sized O_DIRECT) %s. Model: resident read %.1f MB/token, routed %.1f MB/token of %.1f MB.",
		m.MemBW/1e9, "best weight type of the model", m.ComputeBW/1e9, mbps(m.DiskBW/1e6),
		float64(r.Model.Bytes.ResidentRead())/1e6, float64(r.Model.Bytes.RoutedPerToken())/1e6, float64(r.Model.Bytes.RoutedTotal())/1e6)
	p("")
	p("Median measured/predicted decode: %.2f (assumed hit curve), %.2f (measured hit rate). Fitted hit-rate alpha: %.2f (assumed %.2f).",
		Accuracy(r, false), Accuracy(r, true), r.FittedAlpha, r.Alpha)
	p("")
}

func writeMachine(p func(string, ...any), r *Result) {
	p("## Machine")
	p("")
	d := r.Board.Detected
	p("- board: %s (%s), matched: %v", d.Profile.Name, d.Profile.Title, d.Matched)
	for _, e := range d.Evidence {
		p("  - %s", e)
	}
	df := r.Board.Defaults
	p("- profile defaults: budget %.1f GiB (%s), %d threads%s, %d I/O workers, pager %s, context %d, kv %s",
		float64(df.Budget)/(1<<30), df.BudgetSource, df.Threads, cpusSuffix(df.CPUs), df.IOWorkers, df.Pager, df.Context, df.KV)
	pr := r.Probes
	p("- page size %d, %d threads, memory read %.1f GB/s (1 thread) / %.1f GB/s (all)", pr.PageSize, pr.Threads, pr.MemRead1, pr.MemReadN)
	for _, s := range pr.Storage {
		if s.Error != "" {
			p("- storage O_DIRECT %s: %s", s.Label, s.Error)
		} else {
			p("- storage O_DIRECT %s (%d B): %.0f MB/s", s.Label, s.Block, s.MBps)
		}
	}
	p("- model: %s%s: resident %.1f MB (embedding %.1f MB), %d MoE layers x %d experts of %.2f MB, %d used",
		r.Model.Path, synthNote(r.Model.Synthetic), float64(r.Model.Bytes.Resident)/1e6, float64(r.Model.Bytes.Embedding)/1e6,
		r.Model.Bytes.MoELayers, r.Model.Bytes.Experts, float64(r.Model.Bytes.OneExpert)/1e6, r.Model.Bytes.ExpertsUsed)
	p("- prompts: %d of %v tokens, %d generated each, context %d", r.Setup.Prompts, r.Setup.PromptTokens, r.Setup.GenTokens, r.Setup.Context)
	p("")
	if len(r.Kernels.Results) > 0 {
		p("### Kernels (%s; read probe %.1f GB/s)", r.Kernels.Source, r.Kernels.ReadGBps)
		p("")
		p("| type | op | threads | GB/s | impl |")
		p("|---|---|---|---|---|")
		for _, k := range r.Kernels.Results {
			impl := k.Impl
			for _, key := range []string{k.Type + "/" + k.Op, k.Type, "all"} {
				if impl == "" {
					impl = r.Kernels.Impl[key]
				}
			}
			p("| %s | %s | %d | %.2f | %s |", k.Type, k.Op, k.Threads, k.GBps, orDash(impl))
		}
		p("")
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func mbps(v float64) string {
	if v <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MB/s", v)
}

func cpusSuffix(c []int) string {
	if len(c) == 0 {
		return ""
	}
	return fmt.Sprintf(" pinned to CPUs %v", c)
}

func synthNote(s string) string {
	if s == "" {
		return ""
	}
	return " (synthetic: " + s + ")"
}
