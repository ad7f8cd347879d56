package model

import "github.com/edgemoe/edgemoe/internal/gguf"

// Sizes summarises where a model's bytes are.
type Sizes struct {
	Total      int64 // all tensor bytes
	Routed     int64 // routed expert stacks (paged)
	Resident   int64 // everything else
	Embedding  int64 // token_embd (read one row per token)
	OneExpert  int64 // gate+up+down of one expert (largest layer)
	MoELayers  int
	ExpertsAll int // experts across all MoE layers
}

// ComputeSizes classifies the bound tensors.
func (m *Model) ComputeSizes(f *gguf.File) Sizes {
	var s Sizes
	for i := range f.Tensors {
		s.Total += int64(f.Tensors[i].Size)
	}
	s.Embedding = int64(len(m.W.TokenEmbd.Data))
	for _, L := range m.W.Layers {
		if L.GateExps == nil {
			continue
		}
		s.MoELayers++
		s.ExpertsAll += L.GateExps.N
		one := L.GateExps.Size + L.UpExps.Size + L.DownExps.Size
		s.Routed += int64(L.GateExps.N) * one
		s.OneExpert = max(s.OneExpert, one)
	}
	s.Resident = s.Total - s.Routed
	return s
}
