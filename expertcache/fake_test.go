package expertcache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"
)

// pattern is the byte at offset i of expert k in the fake model file.
func pattern(k Key, i int) byte {
	return byte(int(k.Layer)*31 + int(k.Expert)*7 + i*13 + i>>8)
}

// split divides an expert of size n into gate, up, down lengths.
func split(n int) (g, u, d int) { return n / 3, n / 3, n - 2*(n/3) }

// checkExpert reports whether x holds k's pattern.
func checkExpert(k Key, x Expert) error {
	i := 0
	for part, b := range [3][]byte{x.Gate, x.Up, x.Down} {
		for j, v := range b {
			if v != pattern(k, i) {
				return fmt.Errorf("expert %v part %d byte %d = %#x, want %#x", k, part, j, v, pattern(k, i))
			}
			i++
		}
	}
	return nil
}

// fault is a one-shot misbehaviour of the next Load of a key (flags).
type fault int

const (
	faultEIO   fault = 1 << iota
	faultShort       // return nil with one byte missing
	faultBlock       // block until unblock (or ctx), then go on
)

// fakeSource serves a synthetic model. In copy mode it loads into the
// cache's memory; in view mode (a Releaser) it returns views of a "mapping"
// and counts live loads, like the mmap backend.
type fakeSource struct {
	view    bool
	defSize int64
	latency func(Key) time.Duration // optional
	failP   func(Key) error         // optional random error

	mu      sync.Mutex
	sizes   map[Key]int64
	faults  map[Key][]fault
	gates   map[Key]chan struct{} // open blocks, closed by unblock
	blocked int                   // Loads parked in a block, not yet unblocked
	parked  map[Key]int           // the same per key
	loads   int                   // successful Loads
	live    map[Key]int           // view mode: loaded minus released
	inLoad  map[Key]int           // concurrent Loads per key (must stay <= 1)
	maxIn   int
}

func newFake(size int64, view bool) *fakeSource {
	return &fakeSource{
		view: view, defSize: size, sizes: map[Key]int64{}, faults: map[Key][]fault{},
		gates: map[Key]chan struct{}{}, parked: map[Key]int{}, live: map[Key]int{}, inLoad: map[Key]int{},
	}
}

func (f *fakeSource) Size(k Key) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sizes[k]; ok {
		return s
	}
	return f.defSize
}

func (f *fakeSource) addFault(k Key, ft fault) {
	f.mu.Lock()
	f.faults[k] = append(f.faults[k], ft)
	if ft&faultBlock != 0 && f.gates[k] == nil {
		f.gates[k] = make(chan struct{})
	}
	f.mu.Unlock()
}

// unblock releases every Load parked on k. The parked count drops at once,
// so that a script does not mistake a released Load for a parked one.
func (f *fakeSource) unblock(k Key) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.gates[k]; g != nil {
		close(g)
		delete(f.gates, k)
		f.blocked -= f.parked[k]
		f.parked[k] = 0
	}
}

func (f *fakeSource) nextFault(k Key) (fault, chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inLoad[k]++
	f.maxIn = max(f.maxIn, f.inLoad[k])
	q := f.faults[k]
	if len(q) == 0 {
		return 0, nil
	}
	f.faults[k] = q[1:]
	if q[0]&faultBlock != 0 {
		f.blocked++
		f.parked[k]++
	}
	return q[0], f.gates[k]
}

func (f *fakeSource) Load(ctx context.Context, k Key, dst *Buffer) (err error) {
	ft, gate := f.nextFault(k)
	defer func() {
		f.mu.Lock()
		f.inLoad[k]--
		if err == nil {
			f.loads++
			f.live[k]++
		}
		f.mu.Unlock()
	}()
	if ft&faultBlock != 0 {
		select {
		case <-gate: // unblock counted us out
		case <-ctx.Done():
			f.mu.Lock()
			f.blocked--
			f.parked[k]--
			f.mu.Unlock()
		}
	}
	if f.latency != nil {
		if d := f.latency(k); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if ft&faultEIO != 0 {
		return fmt.Errorf("pread: %w", syscall.EIO)
	}
	if f.failP != nil {
		if err := f.failP(k); err != nil {
			return err
		}
	}
	n := int(dst.Size())
	var mem []byte
	if f.view {
		mem = make([]byte, n) // stands for a mapped range
	} else {
		mem = dst.Alloc()
	}
	for i := range mem {
		mem[i] = pattern(k, i)
	}
	g, u, _ := split(n)
	dst.Gate, dst.Up, dst.Down = mem[:g], mem[g:g+u], mem[g+u:]
	if ft&faultShort != 0 {
		dst.Down = dst.Down[:len(dst.Down)-1]
	}
	return nil
}

// fakeReleaser is the view-mode Source: it implements Releaser.
type fakeReleaser struct{ *fakeSource }

func (f fakeReleaser) Release(k Key, b *Buffer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live[k]--; f.live[k] < 0 {
		panic(fmt.Sprintf("expert %v released more often than loaded", k))
	}
}

func (f *fakeSource) source() Source {
	if f.view {
		return fakeReleaser{f}
	}
	return f
}

// countingAllocator tracks the memory it has handed out and not got back.
type countingAllocator struct {
	mu         sync.Mutex
	live, peak int64
	allocs     int
}

func (a *countingAllocator) Alloc(n int) []byte {
	a.mu.Lock()
	a.live += int64(n)
	a.peak = max(a.peak, a.live)
	a.allocs++
	a.mu.Unlock()
	return make([]byte, n)
}

func (a *countingAllocator) Free(b []byte) {
	a.mu.Lock()
	a.live -= int64(len(b))
	a.mu.Unlock()
}

var errInjected = errors.New("injected fault")
