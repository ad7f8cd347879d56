package pager

import (
	"fmt"

	"github.com/prometheus/procfs"
)

// ProcessIO reads this process's I/O counters, fault counts and RSS from
// /proc. Safe for concurrent use.
func ProcessIO() (IOStats, error) {
	p, err := procfs.Self()
	if err != nil {
		return IOStats{}, fmt.Errorf("pager: procfs: %w", err)
	}
	io, err := p.IO()
	if err != nil {
		return IOStats{}, fmt.Errorf("pager: /proc/self/io: %w", err)
	}
	st, err := p.Stat()
	if err != nil {
		return IOStats{}, fmt.Errorf("pager: /proc/self/stat: %w", err)
	}
	status, err := p.NewStatus()
	if err != nil {
		return IOStats{}, fmt.Errorf("pager: /proc/self/status: %w", err)
	}
	return IOStats{
		ReadBytes:    io.ReadBytes,
		ReadChars:    io.RChar,
		ReadCalls:    io.SyscR,
		MajorFaults:  uint64(st.MajFlt),
		MinorFaults:  uint64(st.MinFlt),
		RSSBytes:     status.VmRSS,
		PeakRSSBytes: status.VmHWM,
	}, nil
}
