package pager

import "errors"

var (
	// ErrClosed is returned by methods of a closed File or Arena.
	ErrClosed = errors.New("pager: closed")
	// ErrOutOfRange is wrapped by errors for ranges outside the file.
	ErrOutOfRange = errors.New("range out of file")
	// ErrFault is wrapped when touching mapped pages faulted (SIGBUS: the
	// file was truncated or the device failed) or populate returned EFAULT.
	ErrFault = errors.New("fault reading mapped file")
	// ErrDirectUnsupported is returned by MeasureDirectRead when the file
	// system refuses O_DIRECT.
	ErrDirectUnsupported = errors.New("O_DIRECT not supported")
	// ErrArenaFull is wrapped when an Arena has no free span large enough.
	ErrArenaFull = errors.New("arena full")
)
