package pager

import (
	"os"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// testDir returns a temporary directory on a disk-backed file system: the
// default temp dir unless it is tmpfs, else /var/tmp or /work.
func testDir(t testing.TB) string {
	t.Helper()
	for _, base := range []string{os.TempDir(), "/var/tmp", "/work"} {
		var st unix.Statfs_t
		if unix.Statfs(base, &st) != nil || st.Type == unix.TMPFS_MAGIC {
			continue
		}
		dir, err := os.MkdirTemp(base, "pagertest")
		if err != nil {
			continue
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return t.TempDir()
}

// refuseDirect is a Config.OpenFile hook that fails O_DIRECT opens with
// EINVAL, as tmpfs does.
func refuseDirect(name string, flag int, perm os.FileMode) (*os.File, error) {
	if flag&syscall.O_DIRECT != 0 {
		return nil, &os.PathError{Op: "open", Path: name, Err: syscall.EINVAL}
	}
	return os.OpenFile(name, flag, perm)
}

// resident reports, per page of f's page size in [first, end), whether all
// its OS pages are in the page cache.
func resident(t testing.TB, f *File, first, end int64) []bool {
	t.Helper()
	span := f.mapSpan(first, end)
	vec := make([]byte, (int64(len(span))+f.osPage-1)/f.osPage)
	if len(span) > 0 {
		if err := mincore(span, vec); err != nil {
			t.Fatalf("mincore: %v", err)
		}
	}
	per := f.pageSize / f.osPage
	out := make([]bool, end-first)
	for i := range out {
		out[i] = true
		for j := int64(i) * per; j < int64(i+1)*per && j < int64(len(vec)); j++ {
			if vec[j]&1 == 0 {
				out[i] = false
			}
		}
	}
	return out
}

// evictAll drops f's whole file from the page cache and skips the test if
// the file system keeps the pages anyway (tmpfs, some overlays).
func evictAll(t testing.TB, f *File) {
	t.Helper()
	if err := f.Drop([]Range{{0, f.Size()}}, nil); err != nil {
		t.Fatal(err)
	}
	n := (f.Size() + f.pageSize - 1) / f.pageSize
	for p, in := range resident(t, f, 0, n) {
		if in {
			t.Skipf("file system keeps page %d cached after DONTNEED; cannot observe eviction here", p)
		}
	}
}

// mincore wraps mincore(2), which x/sys/unix does not export on Linux.
func mincore(b, vec []byte) error {
	_, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0])))
	if e != 0 {
		return e
	}
	return nil
}
