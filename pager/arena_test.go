package pager

import (
	"errors"
	"os"
	"testing"
)

func TestArena(t *testing.T) {
	page := int64(os.Getpagesize())
	a, err := NewArena(10 * page)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	x, err := a.Alloc(1)
	if err != nil {
		t.Fatal(err)
	}
	y, err := a.Alloc(3*page + 5)
	if err != nil {
		t.Fatal(err)
	}
	z, err := a.Alloc(2 * page)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{x, y, z} {
		if !isAligned(b, page) {
			t.Errorf("chunk at %#x not page aligned", ptrOf(b))
		}
		b[len(b)-1] = 1 // writable
	}
	if len(x) != 1 || len(y) != int(3*page+5) || a.InUse() != 7*page {
		t.Fatalf("lens %d %d, in use %d", len(x), len(y), a.InUse())
	}
	if _, err := a.Alloc(4 * page); !errors.Is(err, ErrArenaFull) {
		t.Fatalf("over-allocation = %v, want ErrArenaFull", err)
	}
	// Free x and y: their holes coalesce into 5 pages; 4 pages now fit.
	if err := a.Free(x); err != nil {
		t.Fatal(err)
	}
	if err := a.Free(y[:1]); err != nil {
		t.Fatal(err)
	}
	if err := a.Free(x); err == nil {
		t.Error("double free accepted")
	}
	if err := a.Free(make([]byte, 10)); err == nil {
		t.Error("free of foreign memory accepted")
	}
	w, err := a.Alloc(4 * page)
	if err != nil {
		t.Fatalf("alloc after coalescing: %v", err)
	}
	if ptrOf(w) != ptrOf(a.mem) {
		t.Errorf("first fit did not reuse the start of the arena")
	}
	for _, b := range [][]byte{w, z} {
		if err := a.Free(b); err != nil {
			t.Fatal(err)
		}
	}
	if a.InUse() != 0 || len(a.holes) != 1 || a.holes[0] != (Range{0, 10 * page}) {
		t.Errorf("after freeing all: in use %d holes %v", a.InUse(), a.holes)
	}
	if _, err := NewArena(0); err == nil {
		t.Error("NewArena(0) accepted")
	}
}

func TestArenaLockAndClose(t *testing.T) {
	a, err := NewArena(1 << 16)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Lock(); err != nil {
		t.Logf("mlock refused here (RLIMIT_MEMLOCK): %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Alloc(1); !errors.Is(err, ErrClosed) {
		t.Errorf("Alloc after Close = %v", err)
	}
	if err := a.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v", err)
	}
}
