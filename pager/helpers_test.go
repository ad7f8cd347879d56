package pager

import (
	"os"
	"path/filepath"
	"testing"
)

// patternByte is the byte at offset i of every test file: not periodic in
// any power-of-two page size, so misplaced copies show.
func patternByte(i int64) byte { return byte(i*131 + i>>9 + i>>17) }

// writePattern creates a synced file of n pattern bytes in dir.
func writePattern(t testing.TB, dir string, n int64) string {
	t.Helper()
	path := filepath.Join(dir, "model.bin")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	buf := make([]byte, 1<<20)
	for off := int64(0); off < n; off += int64(len(buf)) {
		m := min(int64(len(buf)), n-off)
		for i := range m {
			buf[i] = patternByte(off + i)
		}
		if _, err := fh.Write(buf[:m]); err != nil {
			t.Fatal(err)
		}
	}
	if err := fh.Sync(); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkPattern fails unless b holds the pattern bytes at off.
func checkPattern(t testing.TB, b []byte, off int64, what string) {
	t.Helper()
	for i := range b {
		if want := patternByte(off + int64(i)); b[i] != want {
			t.Fatalf("%s: byte %d (file offset %d) = %#x, want %#x", what, i, off+int64(i), b[i], want)
		}
	}
}

func openT(t testing.TB, path string, cfg Config) *File {
	t.Helper()
	f, err := Open(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
