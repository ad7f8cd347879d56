//go:build !linux

package bench

// DropPageCache is a no-op where posix_fadvise is unavailable: scenarios
// are then only as cold as the OS leaves them.
func DropPageCache(path string) error { return nil }
