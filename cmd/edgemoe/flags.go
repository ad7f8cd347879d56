package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/edgemoe/edgemoe/attention"
)

func parseKV(s string) (attention.KVType, error) { return attention.ParseKVType(s) }

// parseBytes reads sizes like 512M, 2G, 1.5GiB, 1073741824.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult, t = 1<<10, t[:n-1]
		case 'M':
			mult, t = 1<<20, t[:n-1]
		case 'G':
			mult, t = 1<<30, t[:n-1]
		case 'T':
			mult, t = 1<<40, t[:n-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 || f*float64(mult) > 1<<50 {
		return 0, fmt.Errorf("%q is not a size (examples: 512M, 2G, 1.5G)", s)
	}
	return int64(f * float64(mult)), nil
}
