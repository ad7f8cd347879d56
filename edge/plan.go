package edge

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/edgemoe/edgemoe/attention"
	"github.com/edgemoe/edgemoe/internal/model"
)

// Plan divides one memory budget between what must stay resident and the
// expert cache. Every byte the process makes resident is in one of its
// lines, page cache of the model file included.
type Plan struct {
	Budget       int64 // the whole budget
	BudgetSource string
	Resident     int64 // non-routed weights (mapped, counted as they are touched)
	KV           int64 // latent KV cache for Context positions
	Context      int
	Scratch      int64 // activations, tokenizer, Go runtime
	Headroom     int64 // kept free for the kernel and allocator slack
	ExpertCache  int64 // the rest: routed experts in flight and cached
	OneExpert    int64
	RoutedTotal  int64 // all routed expert bytes
}

// Fixed is everything but the expert cache.
func (p *Plan) Fixed() int64 { return p.Resident + p.KV + p.Scratch + p.Headroom }

// MinBudget is the smallest budget that leaves the expert cache room for
// the experts one token of one layer needs, plus two.
func (p *Plan) MinBudget(expertsUsed int) int64 {
	return p.Fixed() + int64(expertsUsed+2)*p.OneExpert
}

// CacheFraction is the share of all routed experts the cache can hold.
func (p *Plan) CacheFraction() float64 {
	if p.RoutedTotal == 0 {
		return 1
	}
	return min(1, float64(p.ExpertCache)/float64(p.RoutedTotal))
}

// String prints the plan, one line per item.
func (p *Plan) String() string {
	mb := func(n int64) string { return fmt.Sprintf("%8.1f MiB", float64(n)/(1<<20)) }
	var b strings.Builder
	fmt.Fprintf(&b, "memory plan (budget from %s):\n", p.BudgetSource)
	fmt.Fprintf(&b, "  budget        %s\n", mb(p.Budget))
	fmt.Fprintf(&b, "  resident      %s  (attention, embeddings, norms, routers, shared experts, dense layers, output)\n", mb(p.Resident))
	fmt.Fprintf(&b, "  kv cache      %s  (%d positions)\n", mb(p.KV), p.Context)
	fmt.Fprintf(&b, "  scratch       %s  (activations, tokenizer, runtime)\n", mb(p.Scratch))
	fmt.Fprintf(&b, "  headroom      %s\n", mb(p.Headroom))
	fmt.Fprintf(&b, "  expert cache  %s  (%.1f%% of %s routed; %d experts of %s)\n", mb(p.ExpertCache),
		100*p.CacheFraction(), strings.TrimSpace(mb(p.RoutedTotal)), p.ExpertCache/max(p.OneExpert, 1), strings.TrimSpace(mb(p.OneExpert)))
	return b.String()
}

// ErrBudget is wrapped by planning errors for budgets that cannot work.
var ErrBudget = errors.New("memory budget too small")

// scratchBytes estimates activations for a prefill chunk plus fixed costs
// (Go runtime, tokenizer tables, logits).
func scratchBytes(c *model.Config, chunk int) int64 {
	T := int64(chunk)
	E, H := int64(c.Embd), int64(c.Heads)
	ff := int64(max(c.FFDense, c.FFExpert*max(c.Shared, 1)))
	perTok := 4 * (7*E + H*int64(c.QKNope+c.QKRope) + int64(c.KVLoraRank+c.QKRope) + H*int64(c.VHead) + 2*ff + int64(c.Experts))
	fixed := int64(64<<20) + 8*int64(c.Vocab)*4 // runtime + tokenizer + logits buffers
	return T*perTok + fixed
}

// MakePlan divides budget for model m with ctx positions of KV of type kv.
// It returns an error wrapping ErrBudget, with what would fit, when the
// resident part, KV cache and scratch do not leave room for the experts
// one token needs.
func MakePlan(m *model.Model, sizes model.Sizes, budget int64, source string, ctx int, kv attention.KVType, chunk int) (*Plan, error) {
	c := m.Cfg
	p := &Plan{Budget: budget, BudgetSource: source, Context: ctx, Resident: sizes.Resident,
		KV:      attention.CacheBytes(kv, c.Layers, ctx, c.KVLoraRank, c.QKRope),
		Scratch: scratchBytes(c, chunk), OneExpert: sizes.OneExpert, RoutedTotal: sizes.Routed}
	p.Headroom = min(max((p.Resident+p.KV+p.Scratch)/16, 16<<20), 256<<20)
	fixed := p.Fixed()
	// The experts of one layer for one token must fit at once, or decode
	// cannot make progress without thrashing; a few more keep I/O busy.
	minCache := int64(c.ExpertsUsed+2) * sizes.OneExpert
	if sizes.Routed == 0 {
		minCache = 0
	}
	p.ExpertCache = min(budget-fixed, sizes.Routed)
	if budget-fixed >= minCache {
		return p, nil
	}
	need := fixed + minCache
	kvTok := attention.CacheBytes(kv, c.Layers, 1, c.KVLoraRank, c.QKRope)
	msg := fmt.Sprintf("budget %s cannot hold resident weights %s + KV cache %s (%d positions) + scratch %s + headroom %s + the %d experts one token needs (%s); needs at least %s",
		mib(budget), mib(p.Resident), mib(p.KV), ctx, mib(p.Scratch), mib(p.Headroom), c.ExpertsUsed+2, mib(minCache), mib(need))
	if short := need - budget; p.KV > short && kvTok > 0 {
		fits := ctx - int((short+kvTok-1)/kvTok)
		msg += fmt.Sprintf("; or a context of %d positions fits (--ctx)", fits)
	}
	if kv == attention.KVF32 {
		msg += "; --kv f16 halves the KV cache"
	}
	msg += "; a lighter quantization shrinks the resident part"
	return p, fmt.Errorf("%w: %s", ErrBudget, msg)
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// DefaultBudget is the cgroup memory limit of this process if there is one,
// else MemAvailable, minus headroom for the rest of the system.
func DefaultBudget() (int64, string) {
	if lim, path := cgroupLimit(); lim > 0 {
		return lim - min(lim/20, 256<<20), "cgroup limit " + path
	}
	if avail := memAvailable(); avail > 0 {
		return avail - min(avail/10, 1<<30), "MemAvailable"
	}
	return 4 << 30, "fallback 4 GiB (no cgroup limit or /proc/meminfo)"
}

// cgroupLimit reads the memory limit of this process's cgroup (v2 or v1);
// 0 when unlimited or unknown.
func cgroupLimit() (int64, string) {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return 0, ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		var file string
		switch {
		case parts[1] == "" && parts[0] == "0":
			file = filepath.Join("/sys/fs/cgroup", parts[2], "memory.max")
		case strings.Contains(","+parts[1]+",", ",memory,"):
			file = filepath.Join("/sys/fs/cgroup/memory", parts[2], "memory.limit_in_bytes")
		default:
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || v <= 0 || v >= 1<<60 {
			continue // "max" or the v1 "unlimited" sentinel
		}
		return v, file
	}
	return 0, ""
}

func memAvailable() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemAvailable:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
