//go:build !linux

package parallel

// pin is a no-op where thread affinity is not supported.
func pin(cpu int) error { return nil }
