package bench

import (
	"fmt"
	"io"
	"strings"

	"github.com/edgemoe/edgemoe/boards"
)

// Published model byte counts (4-bit Q4_K_M, decimal units) from the
// project's model notes (MODEL.md, derived from the official configs).
// Embedding is token_embd at 4.5 bits/weight (vocab x dim); Overhead is
// a 4096-position f16 latent KV cache plus scratch and headroom as
// edge.MakePlan sizes them.
var (
	V2LiteQ4KM = ModelBytes{Name: "DeepSeek-V2-Lite Q4_K_M", Resident: 740e6, Embedding: 118e6,
		OneExpert: 4.9e6, Experts: 64, ExpertsUsed: 6, MoELayers: 26, Overhead: 300e6}
	V3Q4KM = ModelBytes{Name: "DeepSeek-V3 Q4_K_M", Resident: 9.6e9, Embedding: 521e6,
		OneExpert: 24.8e6, Experts: 256, ExpertsUsed: 8, MoELayers: 58, Overhead: 700e6}
)

// PredictRow is one line of the board table.
type PredictRow struct {
	Board   string
	Model   string
	Budget  int64
	Note    string // why this budget; "does not fit" rows have Fits false
	Fits    bool
	Storage string
	P       Prediction
}

// PredictBoards predicts decode speed of each model on each profile at
// the budgets fixed + 10/25/50% of the routed bytes (those below the
// profile's default budget) and the default budget itself. Kernels are
// assumed to reach the profile's memory bandwidth; expert reads come from
// its fastest listed storage.
func PredictBoards(profiles []boards.Profile, models []ModelBytes, alpha float64) []PredictRow {
	var rows []PredictRow
	for _, pr := range profiles {
		if pr.Name == "generic" {
			continue
		}
		def := pr.Defaults(boards.Facts{})
		st := pr.FastestStorage()
		mc := Machine{MemBW: pr.MemBW.Value * 1e9, DiskBW: st.SeqMBps.Value * 1e6}
		for _, m := range models {
			minB := m.Fixed() + int64(m.ExpertsUsed+2)*m.OneExpert
			if def.Budget < minB {
				rows = append(rows, PredictRow{Board: pr.Name, Model: m.Name, Budget: def.Budget, Storage: st.Device,
					Note: fmt.Sprintf("does not fit: needs %.1f GB", float64(minB)/1e9)})
				continue
			}
			for _, f := range []float64{0.1, 0.25, 0.5} {
				b := m.Fixed() + int64(f*float64(m.RoutedTotal()))
				if b >= def.Budget || b < minB {
					continue
				}
				rows = append(rows, PredictRow{Board: pr.Name, Model: m.Name, Budget: b, Fits: true, Storage: st.Device,
					Note: fmt.Sprintf("%g%% of experts", 100*f), P: Predict(m, mc, b-m.Fixed(), -1, alpha)})
			}
			rows = append(rows, PredictRow{Board: pr.Name, Model: m.Name, Budget: def.Budget, Fits: true, Storage: st.Device,
				Note: "board default", P: Predict(m, mc, def.Budget-m.Fixed(), -1, alpha)})
		}
	}
	return rows
}

// WritePredictTable prints rows as a Markdown table.
func WritePredictTable(w io.Writer, rows []PredictRow) {
	fmt.Fprintln(w, "| board | model | budget | cache share | hit (assumed) | miss MB/tok | compute s | I/O s | tok/s prefetch | tok/s no prefetch |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		short := strings.TrimPrefix(r.Model, "DeepSeek-")
		if !r.Fits {
			fmt.Fprintf(w, "| %s | %s | %.1f GB | %s |||||||\n", r.Board, short, float64(r.Budget)/1e9, r.Note)
			continue
		}
		p := r.P
		fmt.Fprintf(w, "| %s | %s | %.1f GB (%s) | %.1f%% | %.0f%% | %.0f | %.3f | %.3f | %s | %s |\n",
			r.Board, short, float64(r.Budget)/1e9, r.Note, 100*p.CacheFraction, 100*p.HitRate, float64(p.MissBytes)/1e6,
			p.ComputeSec, p.IOSec, tps(p.TokPS), tps(p.TokPSSerial))
	}
}

func tps(v float64) string {
	if v >= 10 {
		return fmt.Sprintf("%.1f", v)
	}
	if v >= 0.1 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}
