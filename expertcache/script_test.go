package expertcache

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the expected output of testdata scripts")

// A script is a sequence of cases: a command line, "----", the expected
// output, a blank line. Lines starting with # between cases are kept as is.
// After each command the runner prints the command's result and the cache
// state. Commands:
//
//	new budget=N size=N [policy=lru|lfu|protect] [protect=N] [view] [queue=N] [inflight=N]
//	size L/E N                 the Source reports N bytes for L/E
//	acquire L/E [async=NAME]   pin (async: in a goroutine; see wait)
//	wait NAME                  result of an async acquire or pump
//	release L/E                unpin the most recent handle of L/E
//	release-twice L/E          release a handle twice
//	fail L/E eio|short|block   next Load of L/E misbehaves
//	unblock L/E                let blocked Loads of L/E go on
//	prefetch L/E | hint L/E | cancel [keep=L/E,...]
//	pump [async=NAME]          run one queued prefetch
//	evict L/E                  drop L/E now (pinned: stays budgeted until released)
//	layer-resident L           how many of layer L's experts are resident
//	stats | close
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { runScript(t, f) })
	}
}

type scriptCase struct {
	pre  []string // comments and blank lines before the command
	cmd  string
	want string
}

func parseScript(t *testing.T, path string) []scriptCase {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var cases []scriptCase
	var cur scriptCase
	inWant := false
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case inWant && line == "":
			cases = append(cases, cur)
			cur, inWant = scriptCase{}, false
		case inWant:
			cur.want += line + "\n"
		case line == "----":
			inWant = true
		case line == "" || strings.HasPrefix(line, "#"):
			cur.pre = append(cur.pre, line)
		default:
			if cur.cmd != "" {
				t.Fatalf("%s: command %q has no ---- section", path, cur.cmd)
			}
			cur.cmd = line
		}
	}
	if inWant || cur.cmd != "" {
		cases = append(cases, cur)
	}
	return cases
}

func runScript(t *testing.T, path string) {
	cases := parseScript(t, path)
	r := &runner{t: t, handles: map[Key][]*Handle{}, async: map[string]chan string{}}
	defer r.cleanup()
	var out strings.Builder
	for _, cs := range cases {
		got := r.do(cs.cmd)
		if !*update && got != cs.want {
			t.Errorf("%s: %s\ngot:\n%swant:\n%s", path, cs.cmd, got, cs.want)
		}
		for _, p := range cs.pre {
			out.WriteString(p + "\n")
		}
		out.WriteString(cs.cmd + "\n----\n" + got + "\n")
	}
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type runner struct {
	mu      sync.Mutex // guards handles and done
	t       *testing.T
	c       *Cache
	src     *fakeSource
	alloc   *countingAllocator
	handles map[Key][]*Handle
	async   map[string]chan string
	started int // async goroutines started and not yet waited for... still running
	done    int
}

func (r *runner) cleanup() {
	if r.c == nil {
		return
	}
	for _, k := range slices.Collect(mapsKeys(r.handles)) {
		for _, h := range r.handles[k] {
			h.Release()
		}
	}
	for k := range r.src.gates {
		r.src.unblock(k)
	}
	r.c.Close()
}

func mapsKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func parseKey(t *testing.T, s string) Key {
	l, e, ok := strings.Cut(s, "/")
	li, err1 := strconv.Atoi(l)
	ei, err2 := strconv.Atoi(e)
	if !ok || err1 != nil || err2 != nil {
		t.Fatalf("bad key %q", s)
	}
	return Key{int32(li), int32(ei)}
}

// args splits "k=v" words into a map; bare words map to "".
func args(words []string) map[string]string {
	m := map[string]string{}
	for _, w := range words {
		k, v, _ := strings.Cut(w, "=")
		m[k] = v
	}
	return m
}

func (r *runner) do(cmd string) string {
	w := strings.Fields(cmd)
	var res string
	switch w[0] {
	case "new":
		res = r.newCache(args(w[1:]))
	case "size":
		n, _ := strconv.ParseInt(w[2], 10, 64)
		r.src.mu.Lock()
		r.src.sizes[parseKey(r.t, w[1])] = n
		r.src.mu.Unlock()
	case "acquire":
		k := parseKey(r.t, w[1])
		if name := args(w[2:])["async"]; name != "" {
			r.goAsync(name, func() string { return r.acquire(k) })
			res = name + ": started"
		} else {
			res = r.acquire(k)
		}
	case "wait":
		ch := r.async[w[1]]
		if ch == nil {
			r.t.Fatalf("no async %q", w[1])
		}
		select {
		case res = <-ch:
		case <-time.After(10 * time.Second):
			r.t.Fatalf("async %s did not finish", w[1])
		}
		delete(r.async, w[1])
		res = w[1] + ": " + res
	case "release", "release-twice":
		k := parseKey(r.t, w[1])
		r.mu.Lock()
		hs := r.handles[k]
		if len(hs) == 0 {
			r.mu.Unlock()
			r.t.Fatalf("no handle for %v", k)
		}
		h := hs[len(hs)-1]
		r.handles[k] = hs[:len(hs)-1]
		r.mu.Unlock()
		h.Release()
		if w[0] == "release-twice" {
			h.Release()
		}
	case "fail":
		var ft fault
		for _, f := range strings.Split(w[2], ",") {
			ft |= map[string]fault{"eio": faultEIO, "short": faultShort, "block": faultBlock}[f]
		}
		r.src.addFault(parseKey(r.t, w[1]), ft)
	case "unblock":
		r.src.unblock(parseKey(r.t, w[1]))
	case "prefetch":
		res = fmt.Sprint("queued=", r.c.Prefetch(parseKey(r.t, w[1])))
	case "hint":
		r.c.Hint(parseKey(r.t, w[1]))
	case "cancel":
		var keep func(Key) bool
		if v, ok := args(w[1:])["keep"]; ok {
			set := map[Key]bool{}
			for _, s := range strings.Split(v, ",") {
				set[parseKey(r.t, s)] = true
			}
			keep = func(k Key) bool { return set[k] }
		}
		r.c.CancelPrefetches(keep)
	case "pump":
		if name := args(w[1:])["async"]; name != "" {
			r.goAsync(name, func() string { return fmt.Sprint("ran=", r.c.prefetchStep()) })
			res = name + ": started"
		} else {
			res = fmt.Sprint("ran=", r.c.prefetchStep())
		}
	case "stats":
		res = r.stats()
	case "layer-resident":
		l, _ := strconv.Atoi(w[1])
		res = fmt.Sprint("layer ", l, " resident=", r.c.LayerResident(int32(l)))
	case "evict":
		res = fmt.Sprint("evicted=", r.c.Evict(parseKey(r.t, w[1])))
	case "close":
		res = fmt.Sprint("close: ", r.c.Close())
	default:
		r.t.Fatalf("unknown command %q", cmd)
	}
	r.quiesce()
	var b strings.Builder
	if res != "" {
		b.WriteString(res + "\n")
	}
	b.WriteString(r.state())
	return b.String()
}

func (r *runner) newCache(a map[string]string) string {
	num := func(k string) int64 {
		n, _ := strconv.ParseInt(a[k], 10, 64)
		return n
	}
	_, view := a["view"]
	r.src = newFake(num("size"), view)
	r.alloc = &countingAllocator{}
	cfg := Config{Budget: num("budget"), Source: r.src.source(), Allocator: r.alloc,
		PrefetchProtect: int(num("protect")), PrefetchQueue: int(num("queue")), PrefetchInFlight: int(num("inflight")),
		manualPrefetch: true}
	switch a["policy"] {
	case "lfu":
		cfg.Policy = NewLFU()
	case "protect":
		cfg.Policy = NewProtectPredicted(NewLRU())
	}
	c, err := New(cfg)
	if err != nil {
		return "error: " + err.Error()
	}
	r.c = c
	return ""
}

func (r *runner) acquire(k Key) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before := r.c.Stats().Hits
	h, err := r.c.Acquire(ctx, k)
	if err != nil {
		return "error: " + err.Error()
	}
	if err := checkExpert(k, h.Expert()); err != nil {
		return "corrupt: " + err.Error()
	}
	r.mu.Lock() // async acquires append from their goroutine
	r.handles[k] = append(r.handles[k], h)
	r.mu.Unlock()
	if r.c.Stats().Hits > before {
		return "ok hit"
	}
	return "ok miss"
}

func (r *runner) goAsync(name string, f func() string) {
	ch := make(chan string, 1)
	r.async[name] = ch
	r.started++
	go func() {
		res := f()
		r.mu.Lock()
		r.done++
		r.mu.Unlock()
		ch <- res
	}()
}

// quiesce waits until every async goroutine is finished or parked: in a
// blocked Load, waiting for another's load, or waiting for budget.
func (r *runner) quiesce() {
	if r.c == nil {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.src.mu.Lock()
		blocked := r.src.blocked
		r.src.mu.Unlock()
		r.mu.Lock()
		done := r.done
		r.mu.Unlock()
		r.c.mu.Lock()
		parked := blocked + r.c.joinSleepers + r.c.budgetSleepers + done
		r.c.mu.Unlock()
		if parked == r.started {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("script did not quiesce: started %d, parked %d", r.started, parked)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func (r *runner) state() string {
	if r.c == nil {
		return ""
	}
	if err := r.c.check(); err != nil {
		r.t.Errorf("invariant broken: %v", err)
	}
	c := r.c
	c.mu.Lock()
	defer c.mu.Unlock()
	var res, load, det []string
	for k, e := range c.m {
		s := k.String()
		if e.refs > 0 {
			s += fmt.Sprintf("[pin=%d]", e.refs)
		}
		if e.prefetched {
			s += "[pf]"
		}
		if e.predicted {
			s += "[pred]"
		}
		if e.state == stateLoading {
			load = append(load, s)
		} else {
			res = append(res, s)
		}
	}
	for e := range c.detached {
		det = append(det, fmt.Sprintf("%v[pin=%d]", e.key, e.refs))
	}
	var q []string
	for _, k := range c.queue {
		q = append(q, k.String())
	}
	var b strings.Builder
	line := func(name string, v []string, sorted bool) {
		if len(v) == 0 {
			return
		}
		if sorted {
			slices.SortFunc(v, cmpKeyStrings)
		}
		fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(v, " "))
	}
	line("resident", res, true)
	line("loading", load, true)
	line("evicted-pinned", det, true)
	line("queue", q, false)
	if c.joinSleepers+c.budgetSleepers > 0 {
		fmt.Fprintf(&b, "waiting: load=%d budget=%d\n", c.joinSleepers, c.budgetSleepers)
	}
	fmt.Fprintf(&b, "used=%d/%d pinned=%d free=%d\n", c.used, c.cfg.Budget, c.pinned, c.freeBytes)
	return b.String()
}

func cmpKeyStrings(a, b string) int {
	ka, kb := keyOf(a), keyOf(b)
	if ka.Layer != kb.Layer {
		return int(ka.Layer - kb.Layer)
	}
	return int(ka.Expert - kb.Expert)
}

func keyOf(s string) Key {
	s, _, _ = strings.Cut(s, "[")
	l, e, _ := strings.Cut(s, "/")
	li, _ := strconv.Atoi(l)
	ei, _ := strconv.Atoi(e)
	return Key{int32(li), int32(ei)}
}

func (r *runner) stats() string {
	s := r.c.Stats()
	r.src.mu.Lock()
	defer r.src.mu.Unlock()
	r.alloc.mu.Lock()
	defer r.alloc.mu.Unlock()
	live := 0
	for _, n := range r.src.live {
		live += n
	}
	return fmt.Sprintf("hits=%d misses=%d joins=%d budget-waits=%d load-errors=%d evictions=%d double-releases=%d\n"+
		"prefetch: issued=%d loaded=%d used=%d wasted=%d cancelled=%d dropped=%d late=%d failed=%d\n"+
		"bytes-loaded=%d max-used=%d\n"+
		"source: loads=%d live=%d max-concurrent-per-key=%d\n"+
		"allocator: allocs=%d live=%d peak=%d",
		s.Hits, s.Misses, s.Joins, s.BudgetWaits, s.LoadErrors, s.Evictions, s.DoubleReleases,
		s.PrefetchIssued, s.PrefetchLoaded, s.PrefetchUsed, s.PrefetchWasted, s.PrefetchCancelled,
		s.PrefetchDropped, s.PrefetchLate, s.PrefetchFailed, s.BytesLoaded, s.MaxUsed,
		r.src.loads, live, r.src.maxIn, r.alloc.allocs, r.alloc.live, r.alloc.peak)
}
