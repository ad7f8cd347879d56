package main

import (
	"sort"
	"strings"

	"github.com/edgemoe/edgemoe/internal/kernels"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// kernelSummary says which implementation runs each weight type's matrix
// product as the model uses it (quantized types against quantized
// activations, float types against f32), grouped by implementation:
// "avx2: f16 f32 q4_k ...; generic: q2_k ...".
func kernelSummary() string {
	d := kernels.Describe()
	byImpl := map[string][]string{}
	for _, t := range []tensor.DType{tensor.F32, tensor.F16, tensor.BF16, tensor.Q4_0, tensor.Q4_1, tensor.Q5_0,
		tensor.Q5_1, tensor.Q8_0, tensor.Q2_K, tensor.Q3_K, tensor.Q4_K, tensor.Q5_K, tensor.Q6_K} {
		op := "/matvec"
		if !t.IsQuantized() {
			op = "/matvec_f32"
		}
		impl := d[t.LowerName()+op]
		if impl == "" {
			impl = "generic"
		}
		byImpl[impl] = append(byImpl[impl], t.LowerName())
	}
	var parts []string
	for impl, ts := range byImpl {
		parts = append(parts, impl+": "+strings.Join(ts, " "))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
