package bench

import (
	"math"
	"testing"
)

func TestPredictArithmetic(t *testing.T) {
	m := ModelBytes{Resident: 1100e6, Embedding: 100e6, OneExpert: 10e6, Experts: 10, ExpertsUsed: 2, MoELayers: 5}
	if m.ResidentRead() != 1000e6 || m.RoutedPerToken() != 100e6 || m.RoutedTotal() != 500e6 {
		t.Fatalf("bytes: %d %d %d", m.ResidentRead(), m.RoutedPerToken(), m.RoutedTotal())
	}
	mc := Machine{MemBW: 11e9, ComputeBW: 5.5e9, DiskBW: 100e6}
	tests := []struct {
		name                  string
		cache                 int64
		hit                   float64
		wantHit, wantMissMB   float64
		wantTokPS, wantSerial float64
	}{
		// compute = 1100 MB / 5.5 GB/s = 0.2 s; io = miss / 0.1 GB/s.
		{"all cached", 500e6, -1, 1, 0, 5, 5},
		{"measured half", 250e6, 0.5, 0.5, 50, 2, 1 / 0.7},
		{"assumed quarter", 125e6, -1, math.Pow(0.25, 0.7), 100 * (1 - math.Pow(0.25, 0.7)), 0, 0},
		{"none", 0, -1, 0, 100, 1, 1 / 1.2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Predict(m, mc, tc.cache, tc.hit, 0.7)
			if math.Abs(p.HitRate-tc.wantHit) > 1e-9 || math.Abs(float64(p.MissBytes)/1e6-tc.wantMissMB) > 1e-3 {
				t.Errorf("hit %v miss %d", p.HitRate, p.MissBytes)
			}
			if math.Abs(p.ComputeSec-0.2) > 1e-9 {
				t.Errorf("compute %v, want 0.2", p.ComputeSec)
			}
			if tc.wantTokPS > 0 && (math.Abs(p.TokPS-tc.wantTokPS) > 1e-6 || math.Abs(p.TokPSSerial-tc.wantSerial) > 1e-6) {
				t.Errorf("tok/s %v serial %v, want %v %v", p.TokPS, p.TokPSSerial, tc.wantTokPS, tc.wantSerial)
			}
			if p.TokPSSerial > p.TokPS+1e-12 {
				t.Errorf("serial %v faster than overlapped %v", p.TokPSSerial, p.TokPS)
			}
		})
	}
}

func TestPredictMemBoundWithoutKernelFigure(t *testing.T) {
	m := ModelBytes{Resident: 1e9, OneExpert: 1e6, Experts: 4, ExpertsUsed: 1, MoELayers: 1}
	p := Predict(m, Machine{MemBW: 1e9}, m.RoutedTotal(), -1, 0)
	if math.Abs(p.ComputeSec-1.001) > 1e-9 || p.IOSec != 0 {
		t.Errorf("compute %v io %v", p.ComputeSec, p.IOSec)
	}
}

func TestHitRateAndFit(t *testing.T) {
	for _, f := range []float64{0.1, 0.3, 0.75} {
		h := HitRate(f, 0.6)
		if a := FitAlpha(f, h); math.Abs(a-0.6) > 1e-9 {
			t.Errorf("fit(%v) = %v", f, a)
		}
	}
	if HitRate(0, 0.7) != 0 || HitRate(2, 0.7) != 1 || !math.IsNaN(FitAlpha(1, 0.5)) {
		t.Error("edge cases")
	}
}

func TestPredictBoardsV2LitePi5(t *testing.T) {
	// BOARDS.md: V2-Lite on a Pi 5 8 GB with Gen3 NVMe ~3 tok/s serial and
	// 4-5 overlapped at a 75-80% hit rate; our figures must be in that
	// neighbourhood at the board's default budget.
	rows := PredictBoards(profilesNamed(t, "rpi5-8g"), []ModelBytes{V2LiteQ4KM, V3Q4KM}, DefaultAlpha)
	var def, v3 *PredictRow
	for i := range rows {
		switch {
		case rows[i].Model == V2LiteQ4KM.Name && rows[i].Note == "board default":
			def = &rows[i]
		case rows[i].Model == V3Q4KM.Name:
			v3 = &rows[i]
		}
	}
	if def == nil || v3 == nil {
		t.Fatalf("rows: %+v", rows)
	}
	if def.P.TokPSSerial < 2 || def.P.TokPSSerial > 6 || def.P.TokPS < def.P.TokPSSerial {
		t.Errorf("V2-Lite on rpi5-8g: %+v", def.P)
	}
	if v3.Fits {
		t.Errorf("V3 fits an 8 GB board: %+v", v3)
	}
}
