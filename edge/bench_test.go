package edge

import (
	"context"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// BenchmarkDecode measures one-token decode steps on the tiny synthetic
// model with every expert cached (the compute path): tok/s and allocations
// per token.
func BenchmarkDecode(b *testing.B) {
	path := writeTinyModel(b, tensor.Q4_K)
	m, err := Open(path, Config{Budget: 8 << 30, Context: 4096})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	s := m.NewSession(4096)
	logits := make([]float32, m.Model.Cfg.Vocab)
	ctx := context.Background()
	tok := []int32{100}
	// warm: grow scratch, load every expert
	for i := 0; i < 64; i++ {
		tok[0] = int32(i * 977 % 128000)
		if err := s.Forward(ctx, tok, logits, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if s.Pos() >= s.Context()-1 {
			s.Truncate(64)
		}
		tok[0] = int32(i * 7919 % 128000)
		if err := s.Forward(ctx, tok, logits, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tok/s")
}

// TestDecodeDoesNotAllocate: a decode step with every expert cached makes
// no heap allocation.
func TestDecodeDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	path := writeTinyModel(t, tensor.Q4_K)
	m, err := Open(path, Config{Budget: 8 << 30, Context: 512})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := m.NewSession(512)
	logits := make([]float32, m.Model.Cfg.Vocab)
	ctx := context.Background()
	tok := []int32{1}
	for i := 0; i < 200; i++ { // every expert loaded, scratch grown
		tok[0] = int32(i * 977 % 128000)
		s.Forward(ctx, tok, logits, false)
	}
	s.Truncate(200)
	i := 0
	allocs := testing.AllocsPerRun(50, func() {
		i++
		tok[0] = int32(i * 7919 % 128000)
		if err := s.Forward(ctx, tok, logits, false); err != nil {
			t.Fatal(err)
		}
		s.Truncate(200)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per decode step, want 0", allocs)
	}
}
