package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/attention"
	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/kernels"
	"github.com/edgemoe/edgemoe/internal/model"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// TestFastBlocksStatistics checks that directly synthesised blocks decode to
// zero-mean values of the requested standard deviation.
func TestFastBlocksStatistics(t *testing.T) {
	for typ := range fastTypes {
		t.Run(typ.String(), func(t *testing.T) {
			const n = 256 * 64
			rb, _ := tensor.RowBytes(typ, n)
			b := make([]byte, rb)
			fill(typ, b, 0.05, rand.NewPCG(1, 2))
			vals := make([]float32, n)
			kernels.Dequantize(typ, b, vals)
			var sum, sq float64
			for _, v := range vals {
				sum += float64(v)
				sq += float64(v) * float64(v)
			}
			mean := sum / n
			std := math.Sqrt(sq/n - mean*mean)
			if math.Abs(std-0.05) > 0.005 || math.Abs(mean) > 0.005 {
				t.Errorf("mean %.4f std %.4f, want 0 and 0.05", mean, std)
			}
		})
	}
}

func tinyVocab(n int) Vocab {
	v := Vocab{BOS: 0, EOS: 1}
	for i := 0; i < n; i++ {
		v.Tokens = append(v.Tokens, fmt.Sprintf("t%d", i))
	}
	return v
}

func writeTiny(t *testing.T, typ tensor.DType, workers int) []byte {
	t.Helper()
	s, _ := Lookup("tiny")
	var buf bytes.Buffer
	_, err := Write(&buf, Options{Shape: s, Type: typ, Vocab: tinyVocab(500), VocabSize: 512, Seed: 7, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	a := sha256.Sum256(writeTiny(t, tensor.Q4_K, 1))
	b := sha256.Sum256(writeTiny(t, tensor.Q4_K, 3))
	if a != b {
		t.Fatal("output depends on the number of workers")
	}
}

// TestTinyRunsWithSpreadRouting loads the synthetic model and checks that
// logits are finite and routing uses many experts (not degenerate).
func TestTinyRunsWithSpreadRouting(t *testing.T) {
	for _, typ := range []tensor.DType{tensor.F32, tensor.Q8_0, tensor.Q4_K, tensor.Q6_K} {
		t.Run(typ.String(), func(t *testing.T) {
			data := writeTiny(t, typ, 0)
			f, err := gguf.Parse(bytes.NewReader(data), int64(len(data)), gguf.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			m, err := model.New(f, data)
			if err != nil {
				t.Fatal(err)
			}
			used := map[int32]int{}
			m.Hooks.Routed = func(l int, sel []int32) {
				for _, e := range sel {
					used[e]++
				}
			}
			s := m.NewSession(64, attention.KVF32)
			toks := make([]int32, 48)
			for i := range toks {
				toks[i] = int32((i*37 + 11) % 500)
			}
			logits := make([]float32, 512)
			if err := s.Forward(context.Background(), toks, logits, false); err != nil {
				t.Fatal(err)
			}
			for _, v := range logits {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatal("non-finite logit")
				}
			}
			if len(used) < 12 {
				t.Errorf("routing used only %d of 16 experts: degenerate", len(used))
			}
		})
	}
}
