package expertcache

// maxPredicted bounds the prediction set of a protect-predicted policy; hints
// beyond it are ignored until the window is cleared.
const maxPredicted = 4096

// protect wraps a Policy and avoids evicting keys the prefetcher predicted in
// the current window.
type protect struct {
	Policy
	predicted map[Key]struct{}
}

// NewProtectPredicted wraps inner so that keys hinted through Predicted are
// not chosen as victims while any other evictable key exists. Protection is a
// preference, never a deadlock: when only predicted keys are evictable, the
// inner policy's choice among them is returned. Predictions last until
// ClearPredicted (Cache.CancelPrefetches) drops them. The result implements
// Predictor and is not safe for concurrent use.
func NewProtectPredicted(inner Policy) Policy {
	return &protect{Policy: inner, predicted: make(map[Key]struct{})}
}

func (p *protect) Predicted(k Key) {
	if len(p.predicted) < maxPredicted {
		p.predicted[k] = struct{}{}
	}
	if in, ok := p.Policy.(Predictor); ok {
		in.Predicted(k)
	}
}

func (p *protect) ClearPredicted(keep func(Key) bool) {
	for k := range p.predicted {
		if keep == nil || !keep(k) {
			delete(p.predicted, k)
		}
	}
	if in, ok := p.Policy.(Predictor); ok {
		in.ClearPredicted(keep)
	}
}

func (p *protect) Victim(evictable func(Key) bool) (Key, bool) {
	if len(p.predicted) > 0 {
		k, ok := p.Policy.Victim(func(k Key) bool {
			_, hinted := p.predicted[k]
			return !hinted && evictable(k)
		})
		if ok {
			return k, true
		}
	}
	return p.Policy.Victim(evictable)
}
