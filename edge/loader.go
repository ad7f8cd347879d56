package edge

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/edgemoe/edgemoe/expertcache"
	"github.com/edgemoe/edgemoe/internal/model"
)

// loadPool is a fixed set of goroutines that run demand Acquires for the
// sessions' loaders, so a layer's expert reads proceed in parallel while the
// forward goroutine computes. It lives as long as the Model.
type loadPool struct {
	c    *expertcache.Cache
	jobs chan loadJob
	win  int
	// stall is the time forward goroutines spent blocked waiting for
	// experts: the I/O stall decode actually feels.
	stall atomic.Int64
}

type loadJob struct {
	ctx  context.Context
	key  expertcache.Key
	slot *loadSlot
}

// loadSlot carries one result; ready has room for exactly one signal, so a
// slot is reused without allocation.
type loadSlot struct {
	h     model.ExpertHandle
	err   error
	ready chan struct{}
}

func newLoadPool(c *expertcache.Cache, workers, window int) *loadPool {
	p := &loadPool{c: c, jobs: make(chan loadJob, 64), win: window}
	for i := 0; i < workers; i++ {
		go p.work()
	}
	return p
}

func (p *loadPool) work() {
	for j := range p.jobs {
		h, err := p.c.Acquire(j.ctx, j.key)
		if err != nil {
			j.slot.h, j.slot.err = nil, err
		} else {
			j.slot.h, j.slot.err = (*cacheHandle)(h), nil
		}
		j.slot.ready <- struct{}{}
	}
}

func (p *loadPool) close() { close(p.jobs) }

// poolLoader is one session's window of slots.
type poolLoader struct {
	p     *loadPool
	slots []loadSlot
}

func (l *poolLoader) Window() int { return len(l.slots) }

func (l *poolLoader) Start(ctx context.Context, slot, layer, expert int) {
	l.p.jobs <- loadJob{ctx: ctx, key: expertcache.Key{Layer: int32(layer), Expert: int32(expert)}, slot: &l.slots[slot]}
}

func (l *poolLoader) Wait(slot int) (model.ExpertHandle, error) {
	s := &l.slots[slot]
	select {
	case <-s.ready:
	default:
		t := time.Now()
		<-s.ready
		l.p.stall.Add(int64(time.Since(t)))
	}
	return s.h, s.err
}

// asyncExperts is the cache seen as a model.AsyncSource.
type asyncExperts struct {
	cachedExperts
	p *loadPool
}

func (a asyncExperts) NewLoader() model.Loader {
	l := &poolLoader{p: a.p, slots: make([]loadSlot, a.p.win)}
	for i := range l.slots {
		l.slots[i].ready = make(chan struct{}, 1)
	}
	return l
}
