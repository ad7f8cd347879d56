//go:build !linux

package edge

// lowPriorityIO does nothing where per-thread priorities are not set.
func lowPriorityIO() {}
