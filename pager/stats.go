package pager

// IOStats are process-wide I/O, fault and memory figures (Linux: from
// /proc/self/io, /proc/self/stat and /proc/self/status). Counters only grow;
// take two snapshots and Sub them. Some containers report ReadBytes as 0.
type IOStats struct {
	ReadBytes    uint64 // bytes the process caused to be read from storage (read_bytes)
	ReadChars    uint64 // bytes returned by read-like syscalls, cache hits included (rchar)
	ReadCalls    uint64 // read-like syscalls (syscr)
	MajorFaults  uint64 // page faults that needed I/O (majflt)
	MinorFaults  uint64 // page faults served from memory (minflt)
	RSSBytes     uint64 // resident set size now (VmRSS); a gauge
	PeakRSSBytes uint64 // peak resident set size (VmHWM); a gauge
}

// Sub returns the counter increase from prev to s; the RSS gauges are s's.
func (s IOStats) Sub(prev IOStats) IOStats {
	d := s
	d.ReadBytes -= prev.ReadBytes
	d.ReadChars -= prev.ReadChars
	d.ReadCalls -= prev.ReadCalls
	d.MajorFaults -= prev.MajorFaults
	d.MinorFaults -= prev.MinorFaults
	return d
}
