// Package attention owns multi-head latent attention (MLA) in its absorbed
// form: rotary position embedding with YaRN, the latent KV cache that keeps
// kv_lora_rank + rope_dim values per token per layer, and the causal
// softmax attention over it for a batch of query tokens. Projections to and
// from the latent space (q_b, k_b, v_b, attn_output) are the caller's; this
// package sees only latent vectors.
package attention
