//go:build !invariants

package expertcache

// invariants reports whether the "invariants" build tag is set.
const invariants = false
