package pager

import (
	"context"
	"errors"
	"sync"
)

// scratchPool hands out at most max aligned buffers of size bytes, allocated
// outside the Go heap on first use and freed by close. get blocks (or honours
// ctx) when all are out, so scratch memory is bounded by max*size. Safe for
// concurrent use.
type scratchPool struct {
	size  int
	align int64
	free  chan []byte

	mu    sync.Mutex
	made  int
	frees []func() error
}

func newScratchPool(size, max int, align int64) *scratchPool {
	return &scratchPool{size: size, align: align, free: make(chan []byte, max)}
}

// get returns a buffer of p.size bytes aligned to p.align.
func (p *scratchPool) get(ctx context.Context) ([]byte, error) {
	select {
	case b := <-p.free:
		return b, nil
	default:
	}
	p.mu.Lock()
	if p.made < cap(p.free) {
		p.made++
		p.mu.Unlock()
		return p.alloc()
	}
	p.mu.Unlock()
	select {
	case b := <-p.free:
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *scratchPool) alloc() ([]byte, error) {
	extra := 0
	if p.align > pageSizeOS {
		extra = int(p.align)
	}
	raw, free, err := allocAnon(p.size + extra)
	if err != nil {
		p.mu.Lock()
		p.made--
		p.mu.Unlock()
		return nil, err
	}
	p.mu.Lock()
	p.frees = append(p.frees, free)
	p.mu.Unlock()
	return alignSlice(raw, p.align)[:p.size:p.size], nil
}

// put returns a buffer obtained from get.
func (p *scratchPool) put(b []byte) { p.free <- b }

// close frees every buffer; none may be in use.
func (p *scratchPool) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for _, free := range p.frees {
		errs = append(errs, free())
	}
	p.frees = nil
	return errors.Join(errs...)
}
