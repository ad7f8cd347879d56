package bench

import (
	"sync"
	"time"

	"github.com/edgemoe/edgemoe/pager"
)

// MemReadGBps measures memory read bandwidth: threads goroutines sum
// disjoint parts of a size-byte buffer (well beyond the caches) until
// minTime has passed. It returns GB/s (1e9 bytes).
func MemReadGBps(size int64, threads int, minTime time.Duration) float64 {
	threads = max(threads, 1)
	n := max(int(size/8), 1<<16)
	buf := make([]uint64, n)
	for i := range buf {
		buf[i] = uint64(i)
	}
	pass := func() uint64 {
		var wg sync.WaitGroup
		sums := make([]uint64, threads)
		per := (n + threads - 1) / threads
		for t := range threads {
			lo, hi := t*per, min((t+1)*per, n)
			wg.Add(1)
			go func() {
				defer wg.Done()
				sums[t] = sum64(buf[lo:hi])
			}()
		}
		wg.Wait()
		var s uint64
		for _, x := range sums {
			s += x
		}
		return s
	}
	sink := pass()
	start := time.Now()
	passes := 0
	for time.Since(start) < minTime || passes == 0 {
		sink += pass()
		passes++
	}
	el := time.Since(start).Seconds()
	memSink = sink
	return float64(passes) * float64(n*8) / el / 1e9
}

var memSink uint64 // keeps the sums alive

// sum64 adds with four independent accumulators so the loop is bound by
// loads, not by the add chain.
func sum64(b []uint64) uint64 {
	var a0, a1, a2, a3 uint64
	i := 0
	for ; i+4 <= len(b); i += 4 {
		a0 += b[i]
		a1 += b[i+1]
		a2 += b[i+2]
		a3 += b[i+3]
	}
	for ; i < len(b); i++ {
		a0 += b[i]
	}
	return a0 + a1 + a2 + a3
}

// StorageProbe is one O_DIRECT read measurement.
type StorageProbe struct {
	Block int64   `json:"block_bytes"`
	Label string  `json:"label"`
	MBps  float64 `json:"mb_per_s"` // 1e6 bytes per second
	Error string  `json:"error,omitempty"`
}

// ProbeStorage measures O_DIRECT sequential reads of path at 4 KiB, 128
// KiB and expert-sized blocks (expert <= 0 skips that one), reading about
// total bytes per block size (less for 4 KiB). A file system that refuses
// O_DIRECT gives probes with Error set.
func ProbeStorage(path string, expert int64, total int64) []StorageProbe {
	type job struct {
		label string
		block int64
		total int64
	}
	jobs := []job{{"4 KiB", 4 << 10, total / 8}, {"128 KiB", 128 << 10, total}}
	if expert > 0 {
		jobs = append(jobs, job{"one expert", expert, max(total, 2*expert)})
	}
	var out []StorageProbe
	for _, j := range jobs {
		p := StorageProbe{Block: j.block, Label: j.label}
		bps, err := pager.MeasureDirectRead(path, int(j.block), j.total)
		if err != nil {
			p.Error = err.Error()
		}
		p.MBps = bps / 1e6
		out = append(out, p)
	}
	return out
}
