// Package model owns the deepseek2 architecture: its hyperparameters read from
// GGUF metadata, the binding of every tensor with its expected shape, the
// router, the mixture-of-experts block and the batched forward pass. It does
// not own where routed expert bytes come from (an ExpertSource supplies them:
// the mmap'd file or the expert cache), nor the latent KV cache and MLA
// arithmetic, which live in package attention.
package model
