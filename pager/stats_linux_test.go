package pager

import (
	"errors"
	"testing"
)

func TestProcessIO(t *testing.T) {
	before, err := ProcessIO()
	if err != nil {
		t.Fatal(err)
	}
	path := writePattern(t, testDir(t), 1<<20)
	f := openT(t, path, Config{})
	if err := f.ReadAt(make([]byte, 1<<20), 0); err != nil {
		t.Fatal(err)
	}
	after, err := ProcessIO()
	if err != nil {
		t.Fatal(err)
	}
	d := after.Sub(before)
	if after.ReadChars < before.ReadChars+1<<20 || after.ReadCalls <= before.ReadCalls {
		t.Errorf("read counters did not grow by the 1 MiB read: before %+v after %+v", before, after)
	}
	if after.MinorFaults < before.MinorFaults || after.MajorFaults < before.MajorFaults || after.ReadBytes < before.ReadBytes {
		t.Errorf("counters decreased: before %+v after %+v", before, after)
	}
	if after.RSSBytes == 0 || after.PeakRSSBytes < after.RSSBytes {
		t.Errorf("implausible RSS %d peak %d", after.RSSBytes, after.PeakRSSBytes)
	}
	t.Logf("delta %+v", d)
}

func TestMeasureDirectRead(t *testing.T) {
	path := writePattern(t, testDir(t), 2<<20)
	bps, err := MeasureDirectRead(path, 256<<10, 4<<20)
	if errors.Is(err, ErrDirectUnsupported) {
		t.Skip("O_DIRECT refused by this file system")
	}
	if err != nil {
		t.Fatal(err)
	}
	if bps <= 0 {
		t.Errorf("bandwidth %g", bps)
	}
	t.Logf("%.0f MB/s (2 MiB file, 256 KiB blocks)", bps/1e6)
	if _, err := MeasureDirectRead(path, 0, 1); err == nil {
		t.Error("block size 0 accepted")
	}
	if _, err := MeasureDirectRead(path, 4<<20, 1); err == nil {
		t.Error("block larger than the file accepted")
	}
}
