package edge

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// lowPriorityIO runs at the start of each prefetch I/O goroutine: it locks the
// goroutine to its OS thread and gives that thread the lowest CPU priority
// (nice 19), so the CPU a prefetch spends (with mmap, page-cache fill and
// mapping in the madvise calls) comes from idle time instead of the compute
// threads. A demand load that joins a prefetch does not wait long for it:
// the forward goroutine blocked on it leaves a core idle. The thread ends
// with the goroutine (it stays locked), so the priority never leaks to
// other goroutines. Best effort: errors are ignored.
func lowPriorityIO() {
	runtime.LockOSThread()
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 19)
}
