package attention

import (
	"fmt"

	"github.com/x448/float16"
)

// KVType is the element type of the latent KV cache.
type KVType int

// Cache element types.
const (
	KVF32 KVType = iota
	KVF16
)

// String names the type as flags spell it.
func (t KVType) String() string {
	if t == KVF16 {
		return "f16"
	}
	return "f32"
}

// ParseKVType maps "f32" or "f16" to a KVType.
func ParseKVType(s string) (KVType, error) {
	switch s {
	case "f32", "":
		return KVF32, nil
	case "f16":
		return KVF16, nil
	}
	return 0, fmt.Errorf("kv cache type %q: want f32 or f16", s)
}

// Cache is the latent KV cache: for every layer and position it stores the
// normalised latent (C values) followed by the rotated shared rope key (dr
// values). It owns its memory. A Cache is not safe for concurrent mutation;
// concurrent Attend calls on a cache nobody is appending to are safe.
type Cache struct {
	typ    KVType
	layers int
	ctx    int
	c, dr  int
	f32    [][]float32
	f16    [][]uint16
}

// NewCache allocates a cache for ctx positions.
func NewCache(typ KVType, layers, ctx, c, dr int) *Cache {
	k := &Cache{typ: typ, layers: layers, ctx: ctx, c: c, dr: dr}
	w := c + dr
	if typ == KVF16 {
		k.f16 = make([][]uint16, layers)
		for i := range k.f16 {
			k.f16[i] = make([]uint16, ctx*w)
		}
	} else {
		k.f32 = make([][]float32, layers)
		for i := range k.f32 {
			k.f32[i] = make([]float32, ctx*w)
		}
	}
	return k
}

// Bytes is the memory the cache holds.
func (k *Cache) Bytes() int64 { return CacheBytes(k.typ, k.layers, k.ctx, k.c, k.dr) }

// CacheBytes is the memory a cache of these dimensions needs.
func CacheBytes(typ KVType, layers, ctx, c, dr int) int64 {
	el := int64(4)
	if typ == KVF16 {
		el = 2
	}
	return el * int64(layers) * int64(ctx) * int64(c+dr)
}

// Context is the number of positions the cache holds.
func (k *Cache) Context() int { return k.ctx }

// Type is the cache's element type.
func (k *Cache) Type() KVType { return k.typ }

// Store writes the latent and rope key of one position of one layer.
func (k *Cache) Store(layer, pos int, latent, kpe []float32) {
	w := k.c + k.dr
	if k.typ == KVF16 {
		row := k.f16[layer][pos*w : (pos+1)*w]
		for i, v := range latent[:k.c] {
			row[i] = uint16(float16.Fromfloat32(v))
		}
		for i, v := range kpe[:k.dr] {
			row[k.c+i] = uint16(float16.Fromfloat32(v))
		}
		return
	}
	row := k.f32[layer][pos*w : (pos+1)*w]
	copy(row, latent[:k.c])
	copy(row[k.c:], kpe[:k.dr])
}

// row returns position pos of a layer as float32, using buf for f16 caches.
func (k *Cache) row(layer, pos int, buf []float32) []float32 {
	w := k.c + k.dr
	if k.typ == KVF16 {
		src := k.f16[layer][pos*w : (pos+1)*w]
		for i, v := range src {
			buf[i] = float16.Frombits(v).Float32()
		}
		return buf[:w]
	}
	return k.f32[layer][pos*w : (pos+1)*w]
}
