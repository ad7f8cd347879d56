package model

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// meta is a fake metadata map.
type meta map[string]gguf.Value

func (m meta) Lookup(k string) (gguf.Value, bool) { v, ok := m[k]; return v, ok }

func v3Meta() meta {
	p := "deepseek2."
	return meta{
		"general.architecture":                     gguf.Str("deepseek2"),
		p + "context_length":                       gguf.U32(4096),
		p + "embedding_length":                     gguf.U32(256),
		p + "block_count":                          gguf.U32(3),
		p + "feed_forward_length":                  gguf.U32(512),
		p + "attention.head_count":                 gguf.U32(4),
		p + "attention.head_count_kv":              gguf.U32(1),
		p + "attention.q_lora_rank":                gguf.U32(96),
		p + "attention.kv_lora_rank":               gguf.U32(64),
		p + "attention.key_length":                 gguf.U32(80),
		p + "attention.value_length":               gguf.U32(64),
		p + "attention.key_length_mla":             gguf.U32(48),
		p + "attention.value_length_mla":           gguf.U32(32),
		p + "attention.layer_norm_rms_epsilon":     gguf.F32(1e-6),
		p + "rope.dimension_count":                 gguf.U32(16),
		p + "rope.freq_base":                       gguf.F32(10000),
		p + "rope.scaling.type":                    gguf.Str("yarn"),
		p + "rope.scaling.factor":                  gguf.F32(4),
		p + "rope.scaling.original_context_length": gguf.U32(64),
		p + "rope.scaling.yarn_log_multiplier":     gguf.F32(0.1),
		p + "leading_dense_block_count":            gguf.U32(1),
		p + "expert_count":                         gguf.U32(16),
		p + "expert_used_count":                    gguf.U32(4),
		p + "expert_group_count":                   gguf.U32(4),
		p + "expert_group_used_count":              gguf.U32(2),
		p + "expert_shared_count":                  gguf.U32(1),
		p + "expert_feed_forward_length":           gguf.U32(64),
		p + "expert_weights_scale":                 gguf.F32(2.5),
		p + "expert_weights_norm":                  gguf.Bool(true),
		p + "expert_gating_func":                   gguf.U32(2),
		p + "vocab_size":                           gguf.U32(1000),
	}
}

func TestConfigValid(t *testing.T) {
	c, err := ConfigFromGGUF(v3Meta(), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.QKNope != 32 || c.VHead != 32 || !c.Yarn || c.Gating != GatingSigmoid || c.KVPerToken() != 80 {
		t.Errorf("config %+v", c)
	}
	// scale = m^2/sqrt(dn+dr), m = 0.1 ln 4 + 1
	m := 0.1*1.3862943611198906 + 1
	if got, want := c.AttnScale(), float32(m*m/6.928203230275509); got != want {
		t.Errorf("AttnScale %v, want %v", got, want)
	}
}

// TestConfigErrors: each broken key is named with the reason, and several
// problems are reported together.
func TestConfigErrors(t *testing.T) {
	p := "deepseek2."
	cases := []struct {
		name  string
		edit  func(meta)
		wants []string
	}{
		{"missing required", func(m meta) { delete(m, p+"embedding_length") }, []string{"embedding_length: missing"}},
		{"wrong arch", func(m meta) { m["general.architecture"] = gguf.Str("llama") }, []string{`"llama" is not supported`}},
		{"used > count", func(m meta) { m[p+"expert_used_count"] = gguf.U32(17) }, []string{"expert_used_count: 17 exceeds expert_count 16"}},
		{"groups", func(m meta) { m[p+"expert_group_count"] = gguf.U32(3) }, []string{"expert_group_count: 3 does not divide"}},
		{"gating", func(m meta) { m[p+"expert_gating_func"] = gguf.U32(7) }, []string{"expert_gating_func: value 7 outside"}},
		{"mla key length", func(m meta) { m[p+"attention.key_length"] = gguf.U32(81) }, []string{"key_length: 81, but an MLA file needs"}},
		{"wrong type", func(m meta) { m[p+"block_count"] = gguf.Str("three") }, []string{"block_count"}},
		{"rope scaling", func(m meta) { m[p+"rope.scaling.type"] = gguf.Str("linear") }, []string{`"linear" is not supported`}},
		{"several", func(m meta) {
			delete(m, p+"attention.head_count")
			m[p+"leading_dense_block_count"] = gguf.U32(9)
		}, []string{"head_count: missing", "leading_dense_block_count: 9 exceeds block_count 3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := v3Meta()
			tc.edit(m)
			_, err := ConfigFromGGUF(m, true)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestBindReportsEveryProblem builds a file with a missing tensor, a
// mis-shaped one, an unsupported type and a stray tensor, and expects all
// four in one error.
func TestBindReportsEveryProblem(t *testing.T) {
	c, err := ConfigFromGGUF(v3Meta(), true)
	if err != nil {
		t.Fatal(err)
	}
	w := gguf.NewWriter(3, 32)
	add := func(name string, typ tensor.DType, dims ...uint64) {
		n := int64(1)
		for _, d := range dims[1:] {
			n *= int64(d)
		}
		rb, err := tensor.RowBytes(typ, int64(dims[0]))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddTensorBytes(name, typ, dims, make([]byte, n*rb)); err != nil {
			t.Fatal(err)
		}
	}
	add("token_embd.weight", tensor.F32, 256, 1000)
	add("output_norm.weight", tensor.F32, 255) // mis-shaped
	add("blk.0.attn_norm.weight", tensor.F32, 256)
	add("blk.0.attn_q_a.weight", tensor.IQ2_XS, 256, 96) // unsupported
	add("blk.0.bogus.weight", tensor.F32, 8)             // stray
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()), gguf.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Bind(c, f, buf.Bytes())
	var be *BindError
	if !asBindError(err, &be) || len(be.Problems) < 10 {
		t.Fatalf("want a BindError listing every problem, got %v", err)
	}
	all := strings.Join(be.Problems, "\n")
	for _, want := range []string{
		"tensor output_norm.weight: shape [255], expected [256]",
		"unsupported tensor type IQ2_XS in tensor blk.0.attn_q_a.weight",
		"tensor blk.0.attn_q_a_norm.weight: missing",
		"tensor blk.2.ffn_up_exps.weight: missing",
		"tensor blk.0.bogus.weight: not part of",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q", want)
		}
	}
	if !strings.Contains(err.Error(), "and ") {
		t.Errorf("a long list should be summarised: %v", err)
	}
}

func asBindError(err error, target **BindError) bool {
	be, ok := err.(*BindError)
	*target = be
	return ok
}

// TestFusedGateUp: a file with ffn_gate_up_exps gives the same logits as the
// same weights stored as separate gate and up stacks.
func TestFusedGateUp(t *testing.T) {
	c, err := ConfigFromGGUF(v3Meta(), true)
	if err != nil {
		t.Fatal(err)
	}
	build := func(fused bool) []byte {
		w := gguf.NewWriter(3, 32)
		for k, v := range v3Meta() {
			w.SetKV(k, v)
		}
		seed := uint32(1)
		data := func(n int) []byte {
			b := make([]byte, 4*n)
			for i := 0; i < n; i++ {
				seed = seed*1664525 + 1013904223
				v := (float32(seed>>8)/float32(1<<24) - 0.5) * 0.2
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
			}
			return b
		}
		ones := func(n int) []byte {
			b := make([]byte, 4*n)
			for i := 0; i < n; i++ {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(1))
			}
			return b
		}
		add := func(name string, dims ...int) {
			n := 1
			d := make([]uint64, len(dims))
			for i, x := range dims {
				n *= x
				d[i] = uint64(x)
			}
			var b []byte
			if len(dims) == 1 && strings.Contains(name, "norm") {
				b = ones(n)
			} else {
				b = data(n)
			}
			if err := w.AddTensorBytes(name, tensor.F32, d, b); err != nil {
				t.Fatal(err)
			}
		}
		E, F, X := c.Embd, c.FFExpert, c.Experts
		add("token_embd.weight", E, c.Vocab)
		add("output_norm.weight", E)
		add("output.weight", E, c.Vocab)
		for l := 0; l < c.Layers; l++ {
			p := func(s string) string { return "blk." + string(rune('0'+l)) + "." + s }
			add(p("attn_norm.weight"), E)
			add(p("attn_q_a.weight"), E, c.QLoraRank)
			add(p("attn_q_a_norm.weight"), c.QLoraRank)
			add(p("attn_q_b.weight"), c.QLoraRank, c.Heads*(c.QKNope+c.QKRope))
			add(p("attn_kv_a_mqa.weight"), E, c.KVLoraRank+c.QKRope)
			add(p("attn_kv_a_norm.weight"), c.KVLoraRank)
			add(p("attn_k_b.weight"), c.QKNope, c.KVLoraRank, c.Heads)
			add(p("attn_v_b.weight"), c.KVLoraRank, c.VHead, c.Heads)
			add(p("attn_output.weight"), c.Heads*c.VHead, E)
			add(p("ffn_norm.weight"), E)
			if l < c.LeadDense {
				add(p("ffn_gate.weight"), E, c.FFDense)
				add(p("ffn_up.weight"), E, c.FFDense)
				add(p("ffn_down.weight"), c.FFDense, E)
				continue
			}
			add(p("ffn_gate_inp.weight"), E, X)
			add(p("exp_probs_b.bias"), X)
			// per expert: F gate rows then F up rows, same values either way
			gate, up := data(E*F*X), data(E*F*X)
			if fused {
				b := make([]byte, 0, 2*len(gate))
				for e := 0; e < X; e++ {
					b = append(b, gate[e*E*F*4:(e+1)*E*F*4]...)
					b = append(b, up[e*E*F*4:(e+1)*E*F*4]...)
				}
				w.AddTensorBytes(p("ffn_gate_up_exps.weight"), tensor.F32, []uint64{uint64(E), uint64(2 * F), uint64(X)}, b)
			} else {
				w.AddTensorBytes(p("ffn_gate_exps.weight"), tensor.F32, []uint64{uint64(E), uint64(F), uint64(X)}, gate)
				w.AddTensorBytes(p("ffn_up_exps.weight"), tensor.F32, []uint64{uint64(E), uint64(F), uint64(X)}, up)
			}
			add(p("ffn_down_exps.weight"), F, E, X)
			add(p("ffn_gate_shexp.weight"), E, F)
			add(p("ffn_up_shexp.weight"), E, F)
			add(p("ffn_down_shexp.weight"), F, E)
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	run := func(data []byte) []float32 {
		f, err := gguf.Parse(bytes.NewReader(data), int64(len(data)), gguf.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(f, data)
		if err != nil {
			t.Fatal(err)
		}
		s := m.NewSession(8, 0)
		out := make([]float32, 8*c.Vocab)
		if err := s.Forward(context.Background(), []int32{1, 5, 9, 200, 7, 3, 999, 4}, out, true); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := run(build(false)), run(build(true))
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("logit %d: separate %v, fused %v", i, a[i], b[i])
		}
	}
}
