package synth

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// Vocab is the tokenizer written into the file's tokenizer.ggml.* keys.
type Vocab struct {
	Tokens       []string
	Types        []int32
	Merges       []string
	BOS, EOS     int32
	Pre          string // tokenizer.ggml.pre, e.g. "deepseek-v3"
	ChatTemplate string
}

// Options configures Write. Shape, Type and Vocab are required.
type Options struct {
	Shape Shape
	// Type is the element type of the 2-D weights; norms, routers and
	// biases stay F32, and tensors whose rows do not fit Type's blocks fall
	// back the way llama-quantize does (Q4_K->Q5_0, Q5_K->Q5_1,
	// Q6_K->Q8_0, then F16).
	Type  tensor.DType
	Vocab Vocab
	// VocabSize pads the vocabulary with unused "[PADn]" tokens (DeepSeek-V3
	// has 129280 rows for 128815 tokens); 0 means len(Vocab.Tokens).
	VocabSize int
	Seed      uint64
	// Progress, if set, is called with bytes of tensor data written so far.
	Progress func(done, total int64)
	// Workers generating data in parallel; 0 means GOMAXPROCS. The output
	// does not depend on it.
	Workers int
}

type spec struct {
	name string
	typ  tensor.DType
	dims []uint64
	std  float32
	ones bool // norm weights
}

// fallback picks the type llama-quantize would use for rows of cols.
func fallback(t tensor.DType, cols int) tensor.DType {
	if cols%t.BlockSize() == 0 {
		return t
	}
	switch t {
	case tensor.Q4_K:
		t = tensor.Q5_0
	case tensor.Q5_K:
		t = tensor.Q5_1
	case tensor.Q6_K:
		t = tensor.Q8_0
	case tensor.Q2_K, tensor.Q3_K:
		t = tensor.Q4_0
	}
	if cols%t.BlockSize() == 0 {
		return t
	}
	return tensor.F16
}

func (o *Options) specs(vocab int) []spec {
	s := o.Shape
	E, H, C, dn, dr, dv := s.Embd, s.Heads, s.KVLora, s.QKNope, s.QKRope, s.VHead
	var out []spec
	mat := func(name string, cols, rows int, std float32, extra ...int) {
		d := []uint64{uint64(cols), uint64(rows)}
		for _, x := range extra {
			d = append(d, uint64(x))
		}
		out = append(out, spec{name: name, typ: fallback(o.Type, cols), dims: d, std: std})
	}
	vec := func(name string, n int) {
		out = append(out, spec{name: name, typ: tensor.F32, dims: []uint64{uint64(n)}, ones: true})
	}
	inv := func(n int) float32 { return float32(1 / math.Sqrt(float64(n))) }
	mat("token_embd.weight", E, vocab, 1)
	vec("output_norm.weight", E)
	mat("output.weight", E, vocab, inv(E))
	for l := 0; l < s.Layers; l++ {
		p := func(n string) string { return fmt.Sprintf("blk.%d.%s", l, n) }
		vec(p("attn_norm.weight"), E)
		if s.QLora > 0 {
			mat(p("attn_q_a.weight"), E, s.QLora, inv(E))
			vec(p("attn_q_a_norm.weight"), s.QLora)
			mat(p("attn_q_b.weight"), s.QLora, H*(dn+dr), inv(s.QLora))
		} else {
			mat(p("attn_q.weight"), E, H*(dn+dr), inv(E))
		}
		mat(p("attn_kv_a_mqa.weight"), E, C+dr, inv(E))
		vec(p("attn_kv_a_norm.weight"), C)
		mat(p("attn_k_b.weight"), dn, C, inv(dn), H)
		mat(p("attn_v_b.weight"), C, dv, inv(C), H)
		mat(p("attn_output.weight"), H*dv, E, inv(H*dv))
		vec(p("ffn_norm.weight"), E)
		if l < s.LeadDense {
			mat(p("ffn_gate.weight"), E, s.FFDense, inv(E))
			mat(p("ffn_up.weight"), E, s.FFDense, inv(E))
			mat(p("ffn_down.weight"), s.FFDense, E, inv(s.FFDense))
			continue
		}
		out = append(out, spec{name: p("ffn_gate_inp.weight"), typ: tensor.F32,
			dims: []uint64{uint64(E), uint64(s.Experts)}, std: 2 * inv(E)})
		if s.Sigmoid {
			out = append(out, spec{name: p("exp_probs_b.bias"), typ: tensor.F32,
				dims: []uint64{uint64(s.Experts)}, std: 0.02})
		}
		F := s.FFExpert
		mat(p("ffn_gate_exps.weight"), E, F, inv(E), s.Experts)
		mat(p("ffn_up_exps.weight"), E, F, inv(E), s.Experts)
		mat(p("ffn_down_exps.weight"), F, E, inv(F), s.Experts)
		if s.Shared > 0 {
			S := F * s.Shared
			mat(p("ffn_gate_shexp.weight"), E, S, inv(E))
			mat(p("ffn_up_shexp.weight"), E, S, inv(E))
			mat(p("ffn_down_shexp.weight"), S, E, inv(S))
		}
	}
	return out
}

func (o *Options) setKVs(w *gguf.Writer, vocab int) {
	s := o.Shape
	k := func(n string) string { return "deepseek2." + n }
	w.SetString("general.architecture", "deepseek2")
	w.SetString("general.type", "model")
	w.SetString("general.name", "edgemoe synthetic "+s.Name+" (random weights)")
	w.SetUint32(k("block_count"), uint32(s.Layers))
	w.SetUint32(k("context_length"), uint32(s.Context))
	w.SetUint32(k("embedding_length"), uint32(s.Embd))
	w.SetUint32(k("feed_forward_length"), uint32(s.FFDense))
	w.SetUint32(k("attention.head_count"), uint32(s.Heads))
	w.SetUint32(k("attention.head_count_kv"), 1)
	w.SetString(k("rope.scaling.type"), "yarn")
	w.SetFloat32(k("rope.scaling.factor"), s.YarnFactor)
	w.SetUint32(k("rope.scaling.original_context_length"), uint32(s.YarnOrig))
	w.SetFloat32(k("rope.scaling.yarn_beta_fast"), 32)
	w.SetFloat32(k("rope.scaling.yarn_beta_slow"), 1)
	w.SetFloat32(k("rope.freq_base"), 10000)
	w.SetFloat32(k("attention.layer_norm_rms_epsilon"), 1e-6)
	w.SetUint32(k("expert_count"), uint32(s.Experts))
	w.SetUint32(k("expert_used_count"), uint32(s.Used))
	w.SetUint32(k("expert_group_count"), uint32(s.Groups))
	w.SetUint32(k("expert_group_used_count"), uint32(s.GroupsUsed))
	gating := uint32(1)
	if s.Sigmoid {
		gating = 2
	}
	w.SetUint32(k("expert_gating_func"), gating)
	w.SetUint32("general.file_type", fileType(o.Type))
	w.SetUint32(k("leading_dense_block_count"), uint32(s.LeadDense))
	w.SetUint32(k("vocab_size"), uint32(vocab))
	w.SetUint32(k("attention.q_lora_rank"), uint32(s.QLora))
	w.SetUint32(k("attention.kv_lora_rank"), uint32(s.KVLora))
	w.SetUint32(k("attention.key_length"), uint32(s.KVLora+s.QKRope))
	w.SetUint32(k("attention.value_length"), uint32(s.KVLora))
	w.SetUint32(k("attention.key_length_mla"), uint32(s.QKNope+s.QKRope))
	w.SetUint32(k("attention.value_length_mla"), uint32(s.VHead))
	w.SetUint32(k("expert_feed_forward_length"), uint32(s.FFExpert))
	w.SetUint32(k("expert_shared_count"), uint32(s.Shared))
	w.SetFloat32(k("expert_weights_scale"), s.Scale)
	w.SetBool(k("expert_weights_norm"), s.Norm)
	w.SetUint32(k("rope.dimension_count"), uint32(s.QKRope))
	w.SetFloat32(k("rope.scaling.yarn_log_multiplier"), s.YarnLogMul)
	w.SetUint32("general.quantization_version", 2)
	o.setTokenizer(w, vocab)
}

func (o *Options) setTokenizer(w *gguf.Writer, vocab int) {
	v := o.Vocab
	toks := append([]string(nil), v.Tokens...)
	types := append([]int32(nil), v.Types...)
	for len(types) < len(toks) {
		types = append(types, 1)
	}
	for i := len(toks); i < vocab; i++ {
		toks = append(toks, fmt.Sprintf("[PAD%d]", i))
		types = append(types, 5) // unused
	}
	w.SetString("tokenizer.ggml.model", "gpt2")
	pre := v.Pre
	if pre == "" {
		pre = "deepseek-v3"
	}
	w.SetString("tokenizer.ggml.pre", pre)
	w.SetStrings("tokenizer.ggml.tokens", toks)
	w.SetInt32s("tokenizer.ggml.token_type", types)
	w.SetStrings("tokenizer.ggml.merges", v.Merges)
	w.SetUint32("tokenizer.ggml.bos_token_id", uint32(v.BOS))
	w.SetUint32("tokenizer.ggml.eos_token_id", uint32(v.EOS))
	w.SetBool("tokenizer.ggml.add_bos_token", true)
	w.SetBool("tokenizer.ggml.add_eos_token", false)
	if v.ChatTemplate != "" {
		w.SetString("tokenizer.chat_template", v.ChatTemplate)
	}
}

// fileType is general.file_type (llama_ftype) for a uniform type.
func fileType(t tensor.DType) uint32 {
	m := map[tensor.DType]uint32{tensor.F32: 0, tensor.F16: 1, tensor.Q4_0: 2, tensor.Q4_1: 3,
		tensor.Q8_0: 7, tensor.Q5_0: 8, tensor.Q5_1: 9, tensor.Q2_K: 10, tensor.Q3_K: 12,
		tensor.Q4_K: 15, tensor.Q5_K: 17, tensor.Q6_K: 18, tensor.BF16: 32}
	return m[t]
}

// Write synthesises the model and streams it to out.
func Write(out io.Writer, o Options) (int64, error) {
	if len(o.Vocab.Tokens) == 0 {
		return 0, errors.New("synth: empty vocabulary")
	}
	if !o.Type.Supported() || o.Type == tensor.Q8_K {
		return 0, fmt.Errorf("synth: cannot write weights of type %s", o.Type)
	}
	vocab := max(o.VocabSize, len(o.Vocab.Tokens))
	w := gguf.NewWriter(3, 32)
	o.setKVs(w, vocab)
	specs := o.specs(vocab)
	var total int64
	for _, sp := range specs {
		n := int64(1)
		for _, d := range sp.dims[1:] {
			n *= int64(d)
		}
		rb, err := tensor.RowBytes(sp.typ, int64(sp.dims[0]))
		if err != nil {
			return 0, fmt.Errorf("synth: tensor %s: %w", sp.name, err)
		}
		total += n * rb
	}
	g := &generator{o: &o, total: total}
	for _, sp := range specs {
		sp := sp
		if err := w.AddTensor(sp.name, sp.typ, sp.dims, func(dst io.Writer) error { return g.write(dst, sp) }); err != nil {
			return 0, err
		}
	}
	return w.WriteTo(out)
}

type generator struct {
	o     *Options
	done  int64
	total int64
}

const chunkBytes = 4 << 20

// write streams one tensor's data, generating fixed-size chunks in parallel
// with a seed per (tensor, chunk) so the bytes do not depend on Workers.
func (g *generator) write(dst io.Writer, sp spec) error {
	rows := int64(1)
	for _, d := range sp.dims[1:] {
		rows *= int64(d)
	}
	rb, _ := tensor.RowBytes(sp.typ, int64(sp.dims[0]))
	size := rows * rb
	if sp.ones {
		buf := make([]byte, size)
		for i := int64(0); i < size; i += 4 {
			buf[i+2], buf[i+3] = 0x80, 0x3f // 1.0f
		}
		_, err := dst.Write(buf)
		g.advance(size)
		return err
	}
	// chunks hold whole blocks
	bb := int64(sp.typ.BlockBytes())
	chunk := max(bb, chunkBytes/bb*bb)
	n := (size + chunk - 1) / chunk
	workers := g.o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	h := fnv.New64a()
	h.Write([]byte(sp.name))
	seed := h.Sum64() ^ g.o.Seed
	bufs := make([][]byte, workers)
	for i := range bufs {
		bufs[i] = make([]byte, chunk)
	}
	for first := int64(0); first < n; first += int64(workers) {
		var wg sync.WaitGroup
		batch := min(int64(workers), n-first)
		for j := int64(0); j < batch; j++ {
			c := first + j
			b := bufs[j][:min(chunk, size-c*chunk)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				fill(sp.typ, b, sp.std, rand.NewPCG(seed, uint64(c)))
			}()
		}
		wg.Wait()
		for j := int64(0); j < batch; j++ {
			c := first + j
			b := bufs[j][:min(chunk, size-c*chunk)]
			if _, err := dst.Write(b); err != nil {
				return err
			}
			g.advance(int64(len(b)))
		}
	}
	return nil
}

func (g *generator) advance(n int64) {
	g.done += n
	if g.o.Progress != nil {
		g.o.Progress(g.done, g.total)
	}
}
