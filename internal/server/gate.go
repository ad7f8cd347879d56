package server

import (
	"context"
	"errors"
	"sync/atomic"
)

// errQueueFull is returned by gate.acquire when the queue is full.
var errQueueFull = errors.New("queue full")

// gate admits one generation at a time and lets at most maxQueue more
// requests wait for it. Safe for concurrent use; build with newGate.
type gate struct {
	tickets chan struct{} // admitted requests: running plus waiting
	slot    chan struct{} // the generation slot
	waiting atomic.Int64
	running atomic.Int64
}

func newGate(maxQueue int) *gate {
	return &gate{tickets: make(chan struct{}, 1+maxQueue), slot: make(chan struct{}, 1)}
}

// acquire waits for the slot. It fails at once with errQueueFull when
// maxQueue requests already wait, or with ctx's error when ctx ends first.
// A nil error must be followed by release.
func (g *gate) acquire(ctx context.Context) error {
	select {
	case g.tickets <- struct{}{}:
	default:
		return errQueueFull
	}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case g.slot <- struct{}{}:
		g.running.Add(1)
		return nil
	case <-ctx.Done():
		<-g.tickets
		return ctx.Err()
	}
}

func (g *gate) release() {
	g.running.Add(-1)
	<-g.slot
	<-g.tickets
}

// depth is the number of requests waiting; inFlight the running ones.
func (g *gate) depth() int64    { return g.waiting.Load() }
func (g *gate) inFlight() int64 { return g.running.Load() }
