package kernels

import (
	"fmt"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// typeOps is the kernel set of one tensor type. All functions take whole
// rows: len(src) and len(dst) are whole numbers of blocks and agree.
type typeOps struct {
	blockSize  int
	blockBytes int
	dotType    tensor.DType
	// dequant decodes len(dst)/blockSize blocks from src.
	dequant func(src []byte, dst []float32)
	// quant encodes len(src)/blockSize blocks into dst.
	quant func(src []float32, dst []byte)
	// dot is the row dot product of nb weight blocks against activations
	// quantized to dotType.
	dot func(w, a []byte, nb int) float32
	// dotF32 is the row dot product against float32 activations.
	dotF32 func(w []byte, x []float32) float32
	// matVec and matVecF32, when set, compute out[r] for rows r <
	// len(out) of rb bytes each, exactly as dot and dotF32 per row would
	// (several rows at a time); nil means a loop over dot or dotF32.
	matVec    func(w []byte, rb int, a []byte, nb int, out []float32)
	matVecF32 func(w []byte, rb int, x []float32, out []float32)
	// impl names the implementation of dot/matVec ("generic", "avx2",
	// "neon", ...) and implF32 that of dotF32/matVecF32.
	impl, implF32 string
}

// numTypes bounds the DType ids the table covers.
const numTypes = 40

// ops is the kernel table used by the exported functions. It starts as the
// generic table; architecture files may replace entries in their init.
var ops = genericOps()

// genericOps returns the pure-Go kernel table, the oracle for every
// accelerated kernel.
func genericOps() [numTypes]typeOps {
	var t [numTypes]typeOps
	set := func(dt, dot tensor.DType, dq func([]byte, []float32), q func([]float32, []byte),
		d func(w, a []byte, nb int) float32, df func([]byte, []float32) float32) {
		t[dt] = typeOps{blockSize: dt.BlockSize(), blockBytes: dt.BlockBytes(), dotType: dot,
			dequant: dq, quant: q, dot: d, dotF32: df, impl: "generic", implF32: "generic"}
	}
	set(tensor.F32, tensor.F32, dequantF32, quantF32, dotF32F32Bytes, dotF32RowF32)
	set(tensor.F16, tensor.F16, dequantF16, quantF16, dotF16F16, dotF32RowF16)
	set(tensor.BF16, tensor.BF16, dequantBF16, quantBF16, dotBF16BF16, dotF32RowBF16)
	set(tensor.Q4_0, tensor.Q8_0, dequantQ4_0, quantQ4_0, dotQ4_0Q8_0, dotF32Q4_0)
	set(tensor.Q4_1, tensor.Q8_1, dequantQ4_1, quantQ4_1, dotQ4_1Q8_1, dotF32Q4_1)
	set(tensor.Q5_0, tensor.Q8_0, dequantQ5_0, quantQ5_0, dotQ5_0Q8_0, dotF32Q5_0)
	set(tensor.Q5_1, tensor.Q8_1, dequantQ5_1, quantQ5_1, dotQ5_1Q8_1, dotF32Q5_1)
	set(tensor.Q8_0, tensor.Q8_0, dequantQ8_0, quantQ8_0Ref, dotQ8_0Q8_0, dotF32Q8_0)
	set(tensor.Q8_1, tensor.Q8_1, dequantQ8_1, quantQ8_1, nil, dotF32Q8_1)
	set(tensor.Q2_K, tensor.Q8_K, dequantQ2_K, quantQ2_K, dotQ2_KQ8_K, dotF32Q2_K)
	set(tensor.Q3_K, tensor.Q8_K, dequantQ3_K, quantQ3_K, dotQ3_KQ8_K, dotF32Q3_K)
	set(tensor.Q4_K, tensor.Q8_K, dequantQ4_K, quantQ4_K, dotQ4_KQ8_K, dotF32Q4_K)
	set(tensor.Q5_K, tensor.Q8_K, dequantQ5_K, quantQ5_K, dotQ5_KQ8_K, dotF32Q5_K)
	set(tensor.Q6_K, tensor.Q8_K, dequantQ6_K, quantQ6_K, dotQ6_KQ8_K, dotF32Q6_K)
	set(tensor.Q8_K, tensor.Q8_K, dequantQ8_K, quantQ8_K, nil, dotF32Q8_K)
	return t
}

// lookup returns the kernels of t, panicking when t has none (callers
// validate types before they reach the kernels).
func lookup(t tensor.DType, what string) *typeOps {
	if uint32(t) < numTypes {
		if o := &ops[t]; o.blockSize != 0 {
			return o
		}
	}
	panic(fmt.Sprintf("kernels: %s: unsupported tensor type %v", what, t))
}

// blocks returns n/blockSize, panicking when n is not a whole number of
// blocks.
func (o *typeOps) blocks(n int, what string) int {
	if n < 0 || n%o.blockSize != 0 {
		panic(fmt.Sprintf("kernels: %s: %d elements is not a whole number of blocks of %d", what, n, o.blockSize))
	}
	return n / o.blockSize
}

func checkLen(what, name string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("kernels: %s: %s is %d bytes, want %d", what, name, got, want))
	}
}

// Has reports whether the package has kernels (Dequantize, QuantizeRow and
// DotF32) for tensor type t.
func Has(t tensor.DType) bool { return uint32(t) < numTypes && ops[t].blockSize != 0 }

// HasDot reports whether t can be a weight type of Dot and MatVec.
func HasDot(t tensor.DType) bool { return Has(t) && ops[t].dot != nil }

// Dequantize decodes len(dst) elements of type t from src, which must hold
// exactly their RowBytes. It panics on a length mismatch or a type without
// kernels (programmer errors: callers validate files first).
func Dequantize(t tensor.DType, src []byte, dst []float32) {
	o := lookup(t, "dequantize")
	nb := o.blocks(len(dst), "dequantize")
	checkLen("dequantize", "src", len(src), nb*o.blockBytes)
	o.dequant(src, dst)
}

// DotType is the activation partner of weight type t: the type Dot expects
// its activations quantized to (ggml's vec_dot_type). It returns t itself
// for types without a partner.
func DotType(t tensor.DType) tensor.DType {
	if uint32(t) < numTypes && ops[t].blockSize != 0 {
		return ops[t].dotType
	}
	return t
}

// ActBytes is the byte size of n activations quantized to DotType(t). It
// panics when n is not a whole number of the partner's blocks.
func ActBytes(t tensor.DType, n int) int {
	o := lookup(DotType(t), "actbytes")
	return o.blocks(n, "actbytes") * o.blockBytes
}

// QuantizeRow encodes src as type t into dst, which must hold exactly
// RowBytes(t, len(src)). For the activation partners (Q8_0, Q8_1, Q8_K, F16,
// BF16) the result is bit-exact with ggml's reference quantizers; for
// weight types it follows ggml's reference quantizers without importance
// weights.
func QuantizeRow(t tensor.DType, src []float32, dst []byte) {
	o := lookup(t, "quantize")
	nb := o.blocks(len(src), "quantize")
	checkLen("quantize", "dst", len(dst), nb*o.blockBytes)
	o.quant(src, dst)
}

// QuantizeAct quantizes activations x for weight type t to DotType(t) the
// way llama.cpp's x86 SIMD CPU backend does at run time: like QuantizeRow
// except that Q8_0 and Q8_1 use id = 127/amax and round halves to even (as
// the vector code does) instead of the reference's 1/d and roundf. The two
// differ only on rounding ties and last-ulp scale differences.
// len(dst) must be ActBytes(t, len(x)).
func QuantizeAct(t tensor.DType, x []float32, dst []byte) {
	at := DotType(t)
	if at != tensor.Q8_0 && at != tensor.Q8_1 {
		QuantizeRow(at, x, dst)
		return
	}
	o := lookup(at, "quantizeact")
	nb := o.blocks(len(x), "quantizeact")
	checkLen("quantizeact", "dst", len(dst), nb*o.blockBytes)
	if at == tensor.Q8_1 {
		quantQ8_1Act(x, dst)
		return
	}
	quantQ8_0(x, dst)
}

// Dot returns the dot product of one weight row w of n elements of type t
// with activations a already quantized to DotType(t) (QuantizeRow). Both
// slices may be longer than needed.
func Dot(t tensor.DType, w, a []byte, n int) float32 {
	o := lookup(t, "dot")
	nb := o.blocks(n, "dot")
	if o.dot == nil {
		panic(fmt.Sprintf("kernels: dot: %v is not a weight type", t))
	}
	checkMin("dot", "weights", len(w), nb*o.blockBytes)
	checkMin("dot", "activations", len(a), ActBytes(t, n))
	return o.dot(w[:nb*o.blockBytes], a, nb)
}

// DotF32 returns the dot product of one weight row w of type t with float32
// activations x (len(x) elements), decoding w on the fly. It equals
// DotF32F32 of the dequantized row bit for bit.
func DotF32(t tensor.DType, w []byte, x []float32) float32 {
	o := lookup(t, "dotf32")
	nb := o.blocks(len(x), "dotf32")
	checkMin("dotf32", "weights", len(w), nb*o.blockBytes)
	return o.dotF32(w[:nb*o.blockBytes], x)
}

// MatVec sets out[r] = Dot(t, row r of w, a, cols) for r < rows. w holds
// rows consecutive rows of RowBytes(t, cols); a holds the activations
// quantized to DotType(t). len(out) must be at least rows.
func MatVec(t tensor.DType, w []byte, rows, cols int, a []byte, out []float32) {
	o := lookup(t, "matvec")
	nb := o.blocks(cols, "matvec")
	if o.dot == nil {
		panic(fmt.Sprintf("kernels: matvec: %v is not a weight type", t))
	}
	rb := nb * o.blockBytes
	checkMin("matvec", "weights", len(w), rows*rb)
	checkMin("matvec", "activations", len(a), ActBytes(t, cols))
	checkMin("matvec", "out", len(out), rows)
	o.matVecRows(w, rb, a, nb, out[:rows])
}

// matVecRows computes out[r] for r < len(out) from rows of rb bytes.
func (o *typeOps) matVecRows(w []byte, rb int, a []byte, nb int, out []float32) {
	if len(out) == 0 {
		return
	}
	if o.matVec != nil {
		o.matVec(w[:len(out)*rb], rb, a, nb, out)
		return
	}
	dot := o.dot
	for r := range out {
		out[r] = dot(w[r*rb:(r+1)*rb], a, nb)
	}
}

// matVecF32Rows computes out[r] for r < len(out) from rows of rb bytes.
func (o *typeOps) matVecF32Rows(w []byte, rb int, x []float32, out []float32) {
	if len(out) == 0 {
		return
	}
	if o.matVecF32 != nil {
		o.matVecF32(w[:len(out)*rb], rb, x, out)
		return
	}
	df := o.dotF32
	for r := range out {
		out[r] = df(w[r*rb:(r+1)*rb], x)
	}
}

// MatVecF32 sets out[r] = DotF32(t, row r of w, x[:cols]) for r < rows.
func MatVecF32(t tensor.DType, w []byte, rows, cols int, x []float32, out []float32) {
	o := lookup(t, "matvecf32")
	nb := o.blocks(cols, "matvecf32")
	rb := nb * o.blockBytes
	checkMin("matvecf32", "weights", len(w), rows*rb)
	checkMin("matvecf32", "x", len(x), cols)
	checkMin("matvecf32", "out", len(out), rows)
	o.matVecF32Rows(w, rb, x[:cols], out[:rows])
}

func checkMin(what, name string, got, want int) {
	if got < want {
		panic(fmt.Sprintf("kernels: %s: %s has %d, need %d", what, name, got, want))
	}
}
