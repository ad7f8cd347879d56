package tokenizer

import (
	"strings"
	"testing"
)

// benchText concatenates the shared cases whose src is in srcs (all if nil).
func benchText(b *testing.B, srcs ...string) string {
	var sb strings.Builder
	for _, c := range sharedCases(b) {
		if srcs == nil || strings.Contains(strings.Join(srcs, ","), c.Src) {
			sb.WriteString(c.Text)
			sb.WriteString("\n")
		}
	}
	return sb.String()
}

// benchEncode reports MB/s (wall clock, via SetBytes) and cpu-MB/s (bytes
// per CPU-second of the whole process, meaningful on a shared machine).
//
//	EDGEMOE_SHARED=/work/shared go test -run '^$' -bench Encode -benchtime 3s ./internal/tokenizer/
func benchEncode(b *testing.B, text string, cold bool) {
	tok := sharedTokenizer(b)
	b.SetBytes(int64(len(text)))
	c0, ok := processCPU()
	b.ResetTimer()
	for b.Loop() {
		if cold {
			b.StopTimer()
			t2 := *tok
			t2.cache = newPieceCache()
			tok = &t2
			b.StartTimer()
		}
		tok.Encode(text)
	}
	if c1, ok1 := processCPU(); ok && ok1 && c1 > c0 {
		b.ReportMetric(float64(len(text))*float64(b.N)/1e6/(c1-c0).Seconds(), "cpu-MB/s")
	}
}

// BenchmarkEncode: prose (Opticks, Gettysburg address, licence texts).
func BenchmarkEncode(b *testing.B) {
	benchEncode(b, benchText(b, "opticks", "gettysburg", "licenses"), false)
}

// BenchmarkEncodeAllCases: every shared case (code, digits, edge cases).
func BenchmarkEncodeAllCases(b *testing.B) { benchEncode(b, benchText(b), false) }

// BenchmarkEncodeCold: prose with an empty piece cache each iteration.
func BenchmarkEncodeCold(b *testing.B) {
	benchEncode(b, benchText(b, "opticks", "gettysburg", "licenses"), true)
}

// BenchmarkPreTokenize: the pre-tokenizer alone on the prose text.
func BenchmarkPreTokenize(b *testing.B) {
	text := benchText(b, "opticks", "gettysburg", "licenses")
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		preTokenize(text, func(string) { n++ })
	}
}

// BenchmarkPreTokenizeMore: the deepseek-llm and default scanners on the
// prose text.
func BenchmarkPreTokenizeMore(b *testing.B) {
	text := benchText(b, "opticks", "gettysburg", "licenses")
	for _, pt := range morePreTokenizers {
		b.Run(pt.pre, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			n := 0
			for b.Loop() {
				pt.split(text, func(string) { n++ })
			}
		})
	}
}
