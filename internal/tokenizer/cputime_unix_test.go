//go:build unix

package tokenizer

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time of the process, so benchmarks
// can report throughput per CPU-second on a loaded machine.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
