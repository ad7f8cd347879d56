//go:build !linux

package pager

import (
	"errors"
	"fmt"
)

// ProcessIO is Linux-only; elsewhere it returns an error wrapping
// errors.ErrUnsupported.
func ProcessIO() (IOStats, error) {
	return IOStats{}, fmt.Errorf("pager: process I/O counters: %w", errors.ErrUnsupported)
}
