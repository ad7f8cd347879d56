//go:build linux

package parallel

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// pin binds the calling (locked) OS thread to cpu.
func pin(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("pin worker to cpu %d: %w", cpu, err)
	}
	return nil
}
