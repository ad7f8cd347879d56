package model

import (
	"fmt"
	"strings"

	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// Matrix is a 2-D weight: Rows rows of Cols elements of Type, row-major, as
// GGUF stores a tensor with ne = {Cols, Rows}. Data aliases the model file's
// mapping and is read-only.
type Matrix struct {
	Name string
	Type tensor.DType
	Rows int
	Cols int
	Data []byte
}

// RowBytes is the size of one row.
func (m *Matrix) RowBytes() int { return len(m.Data) / m.Rows }

// Row returns the bytes of row r.
func (m *Matrix) Row(r int) []byte {
	rb := m.RowBytes()
	return m.Data[r*rb : (r+1)*rb]
}

// Stack is a 3-D weight: N matrices of Rows x Cols, matrix i a contiguous
// run of Size bytes at file offset Off + i*Stride. It is how GGUF stores the
// routed experts (one matrix per expert) and MLA's per-head k_b/v_b. Stride
// equals Size except for the halves of a fused ffn_gate_up_exps tensor.
type Stack struct {
	Name   string
	Type   tensor.DType
	Rows   int
	Cols   int
	N      int
	Stride int64  // bytes from one matrix to the next
	Size   int64  // bytes of one matrix
	Off    int64  // absolute file offset of matrix 0
	Data   []byte // from matrix 0 to the end of matrix N-1
}

// At returns matrix i as a Matrix aliasing the stack's data.
func (s *Stack) At(i int) Matrix {
	return Matrix{Name: s.Name, Type: s.Type, Rows: s.Rows, Cols: s.Cols,
		Data: s.Data[int64(i)*s.Stride : int64(i)*s.Stride+s.Size]}
}

// Layer holds the weights of one transformer block. Routed expert stacks
// are described (type, shape, offsets) but their bytes are reached through
// an ExpertSource; Data of those stacks may still alias the mapping.
type Layer struct {
	AttnNorm  []float32
	QA        *Matrix // with q_lora
	QANorm    []float32
	QB        *Matrix
	Q         *Matrix // without q_lora
	KVAMQA    *Matrix
	KVANorm   []float32
	KB        *Stack  // MLA files: per head C rows of dn
	VB        *Stack  // MLA files: per head dv rows of C
	KVB       *Matrix // legacy files: H*(dn+dv) rows of C
	AttnOut   *Matrix
	FFNNorm   []float32
	Gate      *Matrix // dense FFN
	Up        *Matrix
	Down      *Matrix
	Router    *Matrix // ffn_gate_inp: Experts rows of E
	RouterB   []float32
	GateExps  *Stack
	UpExps    *Stack
	DownExps  *Stack
	GateShexp *Matrix
	UpShexp   *Matrix
	DownShexp *Matrix
}

// Weights holds every tensor of a deepseek2 model.
type Weights struct {
	TokenEmbd  *Matrix
	OutputNorm []float32
	Output     *Matrix // token_embd when the file ties them
	Layers     []Layer
}

// BindError lists every missing, mis-shaped or unsupported tensor at once.
type BindError struct{ Problems []string }

func (e *BindError) Error() string {
	const show = 20
	p := e.Problems
	more := ""
	if len(p) > show {
		more = fmt.Sprintf("; and %d more", len(p)-show)
		p = p[:show]
	}
	return fmt.Sprintf("%d tensor problem(s): %s%s", len(e.Problems), strings.Join(p, "; "), more)
}

type binder struct {
	f    *gguf.File
	data []byte
	errs []string
	used map[string]bool
}

func (b *binder) bad(name, format string, args ...any) {
	b.errs = append(b.errs, fmt.Sprintf("tensor %s: ", name)+fmt.Sprintf(format, args...))
}

// lookup finds a tensor and checks its shape and type. dims are in GGUF ne
// order. It returns nil (after recording why) when anything is wrong.
func (b *binder) lookup(name string, optional bool, dims ...int) *gguf.TensorInfo {
	t, ok := b.f.Tensor(name)
	if !ok {
		if !optional {
			b.bad(name, "missing; expected shape %v", dims)
		}
		return nil
	}
	b.used[name] = true
	same := len(t.Dims) == len(dims)
	for i := 0; same && i < len(dims); i++ {
		same = t.Dims[i] == uint64(dims[i])
	}
	if !same {
		b.bad(name, "shape %v, expected %v", t.Dims, dims)
		return nil
	}
	if !t.Type.Supported() {
		b.bad(name, "unsupported tensor type %s in tensor %s (at offset %d); re-quantize to a supported type (F32, F16, BF16, Q4_0..Q8_0, Q2_K..Q6_K)", t.Type, name, b.f.DataOffset+t.Offset)
		return nil
	}
	return t
}

func (b *binder) bytes(t *gguf.TensorInfo) []byte {
	off, n := b.f.TensorRange(t)
	return b.data[off : off+n]
}

func (b *binder) matrix(name string, optional bool, cols, rows int) *Matrix {
	t := b.lookup(name, optional, cols, rows)
	if t == nil {
		return nil
	}
	return &Matrix{Name: name, Type: t.Type, Rows: rows, Cols: cols, Data: b.bytes(t)}
}

func (b *binder) stack(name string, cols, rows, n int) *Stack {
	t := b.lookup(name, false, cols, rows, n)
	if t == nil {
		return nil
	}
	off, size := b.f.TensorRange(t)
	return &Stack{Name: name, Type: t.Type, Rows: rows, Cols: cols, N: n,
		Stride: size / int64(n), Size: size / int64(n), Off: off, Data: b.data[off : off+size]}
}

// vector binds a 1-D F32 tensor (norms, biases) and copies it out.
func (b *binder) vector(name string, optional bool, n int) []float32 {
	t := b.lookup(name, optional, n)
	if t == nil {
		return nil
	}
	if t.Type != tensor.F32 {
		b.bad(name, "type %s, expected F32 for a norm or bias vector", t.Type)
		return nil
	}
	raw := b.bytes(t)
	out := make([]float32, n)
	for i := range out {
		out[i] = f32le(raw[4*i:])
	}
	return out
}

// Bind maps every tensor the config implies onto data, the whole file's
// bytes (normally its read-only mapping). Problems are collected and
// returned together; tensors the architecture does not use are reported too.
func Bind(c *Config, f *gguf.File, data []byte) (*Weights, error) {
	if int64(len(data)) < f.Size {
		return nil, fmt.Errorf("model data is %d bytes, file header says %d", len(data), f.Size)
	}
	b := &binder{f: f, data: data, used: map[string]bool{}}
	w := &Weights{}
	w.TokenEmbd = b.matrix("token_embd.weight", false, c.Embd, c.Vocab)
	w.OutputNorm = b.vector("output_norm.weight", false, c.Embd)
	w.Output = b.matrix("output.weight", true, c.Embd, c.Vocab)
	if w.Output == nil {
		w.Output = w.TokenEmbd
	}
	w.Layers = make([]Layer, c.Layers)
	for i := range w.Layers {
		b.layer(c, i, &w.Layers[i])
	}
	for _, t := range f.Tensors {
		if !b.used[t.Name] {
			b.bad(t.Name, "not part of a deepseek2 model of this configuration")
		}
	}
	if len(b.errs) > 0 {
		return nil, &BindError{b.errs}
	}
	return w, nil
}

func (b *binder) layer(c *Config, i int, l *Layer) {
	n := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
	E, H, C, dn, dr, dv := c.Embd, c.Heads, c.KVLoraRank, c.QKNope, c.QKRope, c.VHead
	l.AttnNorm = b.vector(n("attn_norm.weight"), false, E)
	if c.QLoraRank > 0 {
		l.QA = b.matrix(n("attn_q_a.weight"), false, E, c.QLoraRank)
		l.QANorm = b.vector(n("attn_q_a_norm.weight"), false, c.QLoraRank)
		l.QB = b.matrix(n("attn_q_b.weight"), false, c.QLoraRank, H*(dn+dr))
	} else {
		l.Q = b.matrix(n("attn_q.weight"), false, E, H*(dn+dr))
	}
	l.KVAMQA = b.matrix(n("attn_kv_a_mqa.weight"), false, E, C+dr)
	l.KVANorm = b.vector(n("attn_kv_a_norm.weight"), false, C)
	if c.MLA {
		l.KB = b.stack(n("attn_k_b.weight"), dn, C, H)
		l.VB = b.stack(n("attn_v_b.weight"), C, dv, H)
	} else {
		l.KVB = b.matrix(n("attn_kv_b.weight"), false, C, H*(dn+dv))
	}
	l.AttnOut = b.matrix(n("attn_output.weight"), false, H*dv, E)
	l.FFNNorm = b.vector(n("ffn_norm.weight"), false, E)
	if !c.IsMoE(i) {
		l.Gate = b.matrix(n("ffn_gate.weight"), false, E, c.FFDense)
		l.Up = b.matrix(n("ffn_up.weight"), false, E, c.FFDense)
		l.Down = b.matrix(n("ffn_down.weight"), false, c.FFDense, E)
		return
	}
	X, F := c.Experts, c.FFExpert
	l.Router = b.matrix(n("ffn_gate_inp.weight"), false, E, X)
	l.RouterB = b.vector(n("exp_probs_b.bias"), true, X)
	if _, fused := b.f.Tensor(n("ffn_gate_up_exps.weight")); fused {
		l.GateExps, l.UpExps = b.fusedGateUp(n("ffn_gate_up_exps.weight"), E, F, X)
	} else {
		l.GateExps = b.stack(n("ffn_gate_exps.weight"), E, F, X)
		l.UpExps = b.stack(n("ffn_up_exps.weight"), E, F, X)
	}
	l.DownExps = b.stack(n("ffn_down_exps.weight"), F, E, X)
	if c.Shared > 0 {
		S := F * c.Shared
		l.GateShexp = b.matrix(n("ffn_gate_shexp.weight"), false, E, S)
		l.UpShexp = b.matrix(n("ffn_up_shexp.weight"), false, E, S)
		l.DownShexp = b.matrix(n("ffn_down_shexp.weight"), false, S, E)
	}
}

// fusedGateUp splits a fused {E, 2F, X} ffn_gate_up_exps tensor (per
// expert: F gate rows, then F up rows) into two strided stacks.
func (b *binder) fusedGateUp(name string, cols, rows, n int) (gate, up *Stack) {
	s := b.stack(name, cols, 2*rows, n)
	if s == nil {
		return nil, nil
	}
	half := s.Stride / 2
	g := *s
	g.Rows, g.Size = rows, half
	u := g
	u.Off += half
	u.Data = s.Data[half:]
	return &g, &u
}
