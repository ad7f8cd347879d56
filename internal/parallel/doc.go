// Package parallel owns edgemoe's compute threads: a persistent pool of
// worker goroutines, sized once to the CPUs the process may use, that
// splits a range of independent work items (the rows of a matrix-vector
// product) into fixed chunks.
//
// It owns no data and knows nothing of kernels or tensors: a Run call
// hands out index ranges [lo, hi) and waits until every range is done.
// Which worker runs a range is scheduling, never arithmetic: each index is
// given to exactly one call of the same function, so a caller whose items
// are independent gets results that do not depend on the worker count.
//
// Run creates no goroutines and allocates nothing per call; workers sleep
// on channels between calls. CPU pinning (Config.CPUs) is best-effort
// (Linux sched_setaffinity on a locked OS thread) and only changes where
// the workers run.
package parallel
