package model

import "context"

// AsyncSource is an ExpertSource that can load a layer's experts ahead of
// their use, so the reads overlap each other and the compute of the
// experts before them. Each Session asks it for its own Loader.
type AsyncSource interface {
	ExpertSource
	NewLoader() Loader
}

// Loader acquires experts into numbered slots in the background. Slots are
// 0..Window()-1. Start begins acquiring into a free slot; Wait returns the
// handle (pinned: the caller releases it) or the error. A Loader belongs to
// one Session and is not safe for concurrent use.
type Loader interface {
	Window() int
	Start(ctx context.Context, slot, layer, expert int)
	Wait(slot int) (ExpertHandle, error)
}

// acquire hands out a layer's experts in order, keeping up to Window()
// loads in flight ahead of the one in use (never more, so the pins held at
// once stay within what the expert budget guarantees).
type acquire struct {
	s       *Session
	ctx     context.Context
	layer   int
	order   []int32
	started int // experts started so far
	waited  int // experts handed out so far
	win     int
}

func (s *Session) acquirer(ctx context.Context, layer int, order []int32) *acquire {
	a := &s.s.acq
	*a = acquire{s: s, ctx: ctx, layer: layer, order: order}
	if src, ok := s.m.Experts.(AsyncSource); ok {
		if s.loader == nil {
			s.loader = src.NewLoader()
		}
		a.win = s.loader.Window()
		a.fill()
	}
	return a
}

func (a *acquire) fill() {
	for a.started < len(a.order) && a.started-a.waited < a.win {
		a.s.loader.Start(a.ctx, a.started%a.win, a.layer, int(a.order[a.started]))
		a.started++
	}
}

// get returns the i-th expert of the order (i increases by one per call).
func (a *acquire) get(i int) (ExpertHandle, error) {
	if a.win == 0 {
		return a.s.m.Experts.Acquire(a.ctx, a.layer, int(a.order[i]))
	}
	h, err := a.s.loader.Wait(i % a.win)
	a.waited++
	a.fill()
	return h, err
}

// drain waits for the loads still in flight (after an error) and releases
// what they pinned.
func (a *acquire) drain() {
	for a.waited < a.started {
		h, err := a.s.loader.Wait(a.waited % a.win)
		a.waited++
		if err == nil {
			h.Release()
		}
	}
}
