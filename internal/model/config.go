package model

import (
	"fmt"
	"math"
	"strings"

	"github.com/edgemoe/edgemoe/internal/gguf"
)

// Gating functions as GGUF's expert_gating_func stores them.
const (
	GatingSoftmax = 1
	GatingSigmoid = 2
)

// Config holds the deepseek2 hyperparameters. It is built by ConfigFromGGUF
// and is read-only afterwards; the zero value is not a valid model.
type Config struct {
	Name        string
	ContextLen  int // deepseek2.context_length (training context)
	Embd        int // E
	Layers      int
	Heads       int // H
	Vocab       int
	FFDense     int // dense-layer FFN width
	LeadDense   int // leading dense layers
	QLoraRank   int // 0: attn_q path
	KVLoraRank  int // C
	QKNope      int // dn
	QKRope      int // dr
	VHead       int // dv
	RMSEps      float32
	RopeTheta   float32
	MLA         bool // attn_k_b/attn_v_b present (true) or legacy attn_kv_b
	Experts     int
	ExpertsUsed int
	Groups      int
	GroupsUsed  int
	Shared      int
	FFExpert    int
	WeightScale float32
	WeightNorm  bool
	Gating      int

	// YaRN; Yarn false means plain RoPE.
	Yarn         bool
	YarnFactor   float32
	YarnOrigCtx  int
	YarnLogMul   float32
	YarnBetaFast float32
	YarnBetaSlow float32
}

// Meta is the metadata a Config is read from; *gguf.File implements it.
type Meta interface {
	Lookup(key string) (gguf.Value, bool)
}

// ConfigError lists every metadata problem found, each naming its key.
type ConfigError struct{ Problems []string }

func (e *ConfigError) Error() string {
	return "deepseek2 metadata: " + strings.Join(e.Problems, "; ")
}

type metaReader struct {
	m    Meta
	errs []string
}

const prefix = "deepseek2."

func (r *metaReader) bad(key, format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf("key %s: ", key)+fmt.Sprintf(format, args...))
}

// int reads a non-negative integer key; def < 0 means required.
func (r *metaReader) int(key string, def int, min, max int) int {
	v, ok := r.m.Lookup(key)
	if !ok {
		if def < 0 {
			r.bad(key, "missing (required)")
			return 0
		}
		return def
	}
	u, err := v.Uint64()
	if err != nil {
		r.bad(key, "%v", err)
		return 0
	}
	if u < uint64(min) || u > uint64(max) {
		r.bad(key, "value %d outside [%d, %d]", u, min, max)
		return 0
	}
	return int(u)
}

func (r *metaReader) float(key string, def float64, required bool, min, max float64) float32 {
	v, ok := r.m.Lookup(key)
	if !ok {
		if required {
			r.bad(key, "missing (required)")
		}
		return float32(def)
	}
	f, err := v.Float64()
	if err != nil {
		r.bad(key, "%v", err)
		return float32(def)
	}
	if math.IsNaN(f) || f < min || f > max {
		r.bad(key, "value %g outside [%g, %g]", f, min, max)
		return float32(def)
	}
	return float32(f)
}

func (r *metaReader) boolean(key string, def bool) bool {
	v, ok := r.m.Lookup(key)
	if !ok {
		return def
	}
	b, err := v.Bool()
	if err != nil {
		r.bad(key, "%v", err)
	}
	return b
}

func (r *metaReader) str(key string) (string, bool) {
	v, ok := r.m.Lookup(key)
	if !ok {
		return "", false
	}
	s, err := v.String()
	if err != nil {
		r.bad(key, "%v", err)
		return "", false
	}
	return s, true
}

// Limits that keep a hostile file from asking for absurd allocations while
// admitting every published deepseek2 model with room to spare.
const (
	maxDim    = 1 << 16
	maxLayers = 1024
	maxVocab  = 1 << 22
	maxCtx    = 1 << 24
)

// ConfigFromGGUF reads and validates every deepseek2 key. All problems are
// reported at once in a *ConfigError.
func ConfigFromGGUF(m Meta, hasKB bool) (*Config, error) {
	r := &metaReader{m: m}
	arch, ok := r.str("general.architecture")
	if !ok {
		return nil, &ConfigError{[]string{"key general.architecture: missing; not a model file?"}}
	}
	if arch != "deepseek2" {
		return nil, &ConfigError{[]string{fmt.Sprintf("key general.architecture: %q is not supported (edgemoe runs deepseek2 models only)", arch)}}
	}
	c := &Config{}
	c.Name, _ = r.str("general.name")
	c.ContextLen = r.int(prefix+"context_length", -1, 1, maxCtx)
	c.Embd = r.int(prefix+"embedding_length", -1, 1, maxDim)
	c.Layers = r.int(prefix+"block_count", -1, 1, maxLayers)
	c.Heads = r.int(prefix+"attention.head_count", -1, 1, 4096)
	c.FFDense = r.int(prefix+"feed_forward_length", 0, 0, 1<<20)
	c.LeadDense = r.int(prefix+"leading_dense_block_count", 0, 0, maxLayers)
	c.QLoraRank = r.int(prefix+"attention.q_lora_rank", 0, 0, maxDim)
	c.KVLoraRank = r.int(prefix+"attention.kv_lora_rank", -1, 1, maxDim)
	c.QKRope = r.int(prefix+"rope.dimension_count", -1, 2, 1024)
	c.RMSEps = r.float(prefix+"attention.layer_norm_rms_epsilon", 1e-6, false, 0, 1)
	c.RopeTheta = r.float(prefix+"rope.freq_base", 10000, false, 1, 1e12)
	c.Experts = r.int(prefix+"expert_count", -1, 1, 1<<14)
	c.ExpertsUsed = r.int(prefix+"expert_used_count", -1, 1, 1<<14)
	c.Groups = r.int(prefix+"expert_group_count", 1, 0, 1<<14)
	c.GroupsUsed = r.int(prefix+"expert_group_used_count", 1, 0, 1<<14)
	c.Shared = r.int(prefix+"expert_shared_count", 0, 0, 64)
	c.FFExpert = r.int(prefix+"expert_feed_forward_length", -1, 1, 1<<20)
	c.WeightScale = r.float(prefix+"expert_weights_scale", 1, false, 0, 1e6)
	c.WeightNorm = r.boolean(prefix+"expert_weights_norm", false)
	// Older DeepSeek-V2/V2.5 conversions lack the key: they are softmax-gated.
	c.Gating = r.int(prefix+"expert_gating_func", GatingSoftmax, 0, 2)
	if c.Gating == 0 {
		c.Gating = GatingSoftmax
	}
	c.readAttentionShape(r, hasKB)
	c.readRope(r)
	c.readVocab(r)
	c.check(r)
	if len(r.errs) > 0 {
		return nil, &ConfigError{r.errs}
	}
	return c, nil
}

// readAttentionShape derives dn and dv from either the MLA keys or the legacy
// ones; which layout the file has is decided by its tensors (hasKB).
func (c *Config) readAttentionShape(r *metaReader, hasKB bool) {
	c.MLA = hasKB
	keyLen := r.int(prefix+"attention.key_length", -1, 1, maxDim)
	valLen := r.int(prefix+"attention.value_length", -1, 1, maxDim)
	if hasKB {
		kMLA := r.int(prefix+"attention.key_length_mla", -1, 1, maxDim)
		vMLA := r.int(prefix+"attention.value_length_mla", -1, 1, maxDim)
		if keyLen != 0 && c.KVLoraRank != 0 && c.QKRope != 0 && keyLen != c.KVLoraRank+c.QKRope {
			r.bad(prefix+"attention.key_length", "%d, but an MLA file needs kv_lora_rank + rope dims = %d", keyLen, c.KVLoraRank+c.QKRope)
		}
		if valLen != 0 && c.KVLoraRank != 0 && valLen != c.KVLoraRank {
			r.bad(prefix+"attention.value_length", "%d, but an MLA file needs kv_lora_rank = %d", valLen, c.KVLoraRank)
		}
		keyLen, valLen = kMLA, vMLA
	}
	if keyLen != 0 && c.QKRope != 0 {
		if keyLen <= c.QKRope {
			r.bad(prefix+"attention.key_length", "%d is not larger than the rope dims %d", keyLen, c.QKRope)
		} else {
			c.QKNope = keyLen - c.QKRope
		}
	}
	c.VHead = valLen
}

func (c *Config) readRope(r *metaReader) {
	typ, ok := r.str(prefix + "rope.scaling.type")
	if !ok || typ == "none" || typ == "" {
		return
	}
	if typ != "yarn" {
		r.bad(prefix+"rope.scaling.type", "%q is not supported (yarn or none)", typ)
		return
	}
	c.Yarn = true
	c.YarnFactor = r.float(prefix+"rope.scaling.factor", 0, true, 1, 1e6)
	c.YarnOrigCtx = r.int(prefix+"rope.scaling.original_context_length", -1, 1, maxCtx)
	c.YarnLogMul = r.float(prefix+"rope.scaling.yarn_log_multiplier", 0, false, 0, 100)
	c.YarnBetaFast = r.float(prefix+"rope.scaling.yarn_beta_fast", 32, false, 0, 1e6)
	c.YarnBetaSlow = r.float(prefix+"rope.scaling.yarn_beta_slow", 1, false, 0, 1e6)
}

func (c *Config) readVocab(r *metaReader) {
	c.Vocab = r.int(prefix+"vocab_size", 0, 0, maxVocab)
	if c.Vocab != 0 {
		return
	}
	// Older files omit vocab_size; the token list says it.
	if v, ok := r.m.Lookup("tokenizer.ggml.tokens"); ok {
		c.Vocab = v.Len()
	}
}

func (c *Config) check(r *metaReader) {
	if c.ExpertsUsed > c.Experts {
		r.bad(prefix+"expert_used_count", "%d exceeds expert_count %d", c.ExpertsUsed, c.Experts)
	}
	if c.LeadDense > c.Layers {
		r.bad(prefix+"leading_dense_block_count", "%d exceeds block_count %d", c.LeadDense, c.Layers)
	}
	if c.LeadDense > 0 && c.FFDense == 0 {
		r.bad(prefix+"feed_forward_length", "missing or 0 but the model has %d dense layers", c.LeadDense)
	}
	if c.Groups > 1 {
		if c.Experts%c.Groups != 0 {
			r.bad(prefix+"expert_group_count", "%d does not divide expert_count %d", c.Groups, c.Experts)
		} else if c.GroupsUsed < 1 || c.GroupsUsed > c.Groups {
			r.bad(prefix+"expert_group_used_count", "%d outside [1, expert_group_count %d]", c.GroupsUsed, c.Groups)
		} else if c.GroupsUsed*(c.Experts/c.Groups) < c.ExpertsUsed {
			r.bad(prefix+"expert_group_used_count", "%d groups of %d experts cannot supply %d experts", c.GroupsUsed, c.Experts/c.Groups, c.ExpertsUsed)
		}
	}
	if c.Gating != GatingSoftmax && c.Gating != GatingSigmoid {
		r.bad(prefix+"expert_gating_func", "%d is not 1 (softmax) or 2 (sigmoid)", c.Gating)
	}
	if c.QKRope%2 != 0 {
		r.bad(prefix+"rope.dimension_count", "%d is odd; RoPE rotates pairs", c.QKRope)
	}
	if c.Vocab == 0 {
		r.bad(prefix+"vocab_size", "missing and no tokenizer.ggml.tokens to count")
	}
}

// KVPerToken is the number of latent KV values stored per token per layer.
func (c *Config) KVPerToken() int { return c.KVLoraRank + c.QKRope }

// IsMoE reports whether layer l is a mixture-of-experts layer.
func (c *Config) IsMoE(l int) bool { return l >= c.LeadDense }

// AttnScale is the softmax scale m^2/sqrt(dn+dr) with the YaRN mscale m.
func (c *Config) AttnScale() float32 {
	m := 1.0
	if c.Yarn && c.YarnFactor > 1 {
		m = float64(c.YarnLogMul)*math.Log(float64(c.YarnFactor)) + 1
	}
	return float32(m * m / math.Sqrt(float64(c.QKNope+c.QKRope)))
}
