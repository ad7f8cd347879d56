package bench

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// wellFormed parses b as XML and counts elements by name.
func wellFormed(t *testing.T, b []byte) map[string]int {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	n := map[string]int{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("svg is not well-formed: %v\n%s", err, b)
		}
		if se, ok := tok.(xml.StartElement); ok {
			n[se.Name.Local]++
		}
	}
}

func TestChartsWellFormed(t *testing.T) {
	r := fixedResult()
	for name, b := range map[string][]byte{"tokps": TokPSChart(r), "hitrate": HitRateChart(r)} {
		n := wellFormed(t, b)
		// 4 measured series + predicted lines, each with a polyline and a
		// legend entry.
		if n["svg"] != 1 || n["polyline"] < 5 || n["circle"] < 8 {
			t.Errorf("%s: elements %v", name, n)
		}
		for _, want := range []string{"mmap, prefetch on", "direct, prefetch off", "% of routed expert bytes"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("%s: lacks %q", name, want)
			}
		}
	}
	// labels with markup characters are escaped
	c := chart{title: "a < b & c", yFormat: "%.0f", yScale: 1}
	wellFormed(t, c.svg())
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, 0.7: 1, 3: 5, 12: 20, 24: 25, 51: 100, 150: 200} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
}
