// Package sample owns next-token selection from logits: greedy decoding,
// repetition penalty, top-k, temperature, top-p, min-p and a seeded draw.
// It knows nothing about models or tokenizers; it imports only the standard
// library.
package sample
