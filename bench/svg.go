package bench

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"sort"
)

// series is one line of a chart: points sorted by x.
type series struct {
	name   string
	color  string
	dash   string // stroke-dasharray, "" for solid
	points [][2]float64
}

// chart is a line chart drawn as stdlib-only SVG.
type chart struct {
	title, xLabel, yLabel string
	yFormat               string // e.g. "%.1f", "%.0f%%"
	yScale                float64
	series                []series
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"}

// TokPSChart plots measured decode tok/s against the budget (as % of the
// routed bytes), one line per pager x prefetch, and the predictions as
// grey dashed lines.
func TokPSChart(r *Result) []byte {
	c := chart{title: "Decode speed vs memory budget", xLabel: "expert cache budget (% of routed expert bytes)",
		yLabel: "decode tokens/s (median of rotating prompts)", yFormat: "%.1f", yScale: 1}
	c.series = scenarioSeries(r, func(s Scenario) float64 { return s.DecodeTPS })
	for _, pf := range []bool{true, false} {
		var pts [][2]float64
		seen := map[float64]bool{}
		for _, s := range r.Scenarios {
			if s.Prefetch != pf || seen[s.Fraction] || s.ExpertCache == 0 {
				continue
			}
			seen[s.Fraction] = true
			pts = append(pts, [2]float64{100 * s.Fraction, s.PredictedTPS(s.Predicted)})
		}
		if len(pts) > 0 {
			sort.Slice(pts, func(i, j int) bool { return pts[i][0] < pts[j][0] })
			name := "predicted, prefetch " + onOff(pf)
			dash := "6 4"
			if !pf {
				dash = "2 3"
			}
			c.series = append(c.series, series{name: name, color: "#7f7f7f", dash: dash, points: pts})
		}
	}
	return c.svg()
}

// HitRateChart plots the measured expert-cache hit rate against the budget.
func HitRateChart(r *Result) []byte {
	c := chart{title: "Expert cache hit rate vs memory budget", xLabel: "expert cache budget (% of routed expert bytes)",
		yLabel: "hit rate of decode steps (%)", yFormat: "%.0f", yScale: 100}
	c.series = scenarioSeries(r, func(s Scenario) float64 { return s.HitRate })
	var pts [][2]float64
	for _, f := range []float64{0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1} {
		pts = append(pts, [2]float64{100 * f, HitRate(f, r.Alpha)})
	}
	c.series = append(c.series, series{name: fmt.Sprintf("assumed f^%.2f", r.Alpha), color: "#7f7f7f", dash: "6 4", points: pts})
	return c.svg()
}

// scenarioSeries groups scenarios by pager and prefetch.
func scenarioSeries(r *Result, y func(Scenario) float64) []series {
	idx := map[string]int{}
	var out []series
	for _, s := range r.Scenarios {
		if s.Error != "" && len(s.Phases) == 0 {
			continue
		}
		key := s.Pager + ", prefetch " + onOff(s.Prefetch)
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			dash := ""
			if !s.Prefetch {
				dash = "5 3"
			}
			out = append(out, series{name: key, color: palette[i%len(palette)], dash: dash})
		}
		out[i].points = append(out[i].points, [2]float64{100 * s.Fraction, y(s)})
	}
	for i := range out {
		sort.Slice(out[i].points, func(a, b int) bool { return out[i].points[a][0] < out[i].points[b][0] })
	}
	return out
}

// Layout of every chart, in pixels.
const (
	svgW, svgH             = 760, 460
	padL, padR, padT, padB = 78, 230, 48, 62
	plotW, plotH           = svgW - padL - padR, svgH - padT - padB
	tickCount              = 5
	fontFamily             = "DejaVu Sans, Helvetica, Arial, sans-serif"
)

func (c chart) svg() []byte {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	yMax := 0.0
	for _, s := range c.series {
		for _, pt := range s.points {
			if !math.IsNaN(pt[1]) && !math.IsInf(pt[1], 0) {
				yMax = max(yMax, pt[1]*c.yScale)
			}
		}
	}
	yMax = niceCeil(yMax)
	xMax := 100.0
	x := func(v float64) float64 { return padL + v/xMax*plotW }
	y := func(v float64) float64 { return padT + plotH - v*c.yScale/yMax*plotH }
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n", svgW, svgH, svgW, svgH, fontFamily)
	p(`<rect x="0" y="0" width="%d" height="%d" fill="white"/>`+"\n", svgW, svgH)
	p(`<text x="%d" y="28" font-size="18" font-weight="bold">%s</text>`+"\n", padL, esc(c.title))
	// grid and ticks
	for i := 0; i <= tickCount; i++ {
		v := yMax * float64(i) / tickCount
		yy := padT + plotH - float64(i)/tickCount*plotH
		p(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e0e0e0"/>`+"\n", padL, yy, padL+plotW, yy)
		p(`<text x="%d" y="%.1f" font-size="12" text-anchor="end">%s</text>`+"\n", padL-8, yy+4, esc(fmt.Sprintf(c.yFormat, v)))
	}
	for _, v := range []float64{0, 10, 25, 50, 75, 100} {
		xx := x(v)
		p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e0e0e0"/>`+"\n", xx, padT, xx, padT+plotH)
		p(`<text x="%.1f" y="%d" font-size="12" text-anchor="middle">%g%%</text>`+"\n", xx, padT+plotH+18, v)
	}
	// axes
	p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black" stroke-width="1.5"/>`+"\n", padL, padT+plotH, padL+plotW, padT+plotH)
	p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black" stroke-width="1.5"/>`+"\n", padL, padT, padL, padT+plotH)
	p(`<text x="%d" y="%d" font-size="13" text-anchor="middle">%s</text>`+"\n", padL+plotW/2, svgH-18, esc(c.xLabel))
	p(`<text x="18" y="%d" font-size="13" text-anchor="middle" transform="rotate(-90 18 %d)">%s</text>`+"\n", padT+plotH/2, padT+plotH/2, esc(c.yLabel))
	// lines
	for _, s := range c.series {
		if len(s.points) == 0 {
			continue
		}
		var pts bytes.Buffer
		for _, pt := range s.points {
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(pt[0]), y(clean(pt[1])))
		}
		dash := ""
		if s.dash != "" {
			dash = fmt.Sprintf(` stroke-dasharray="%s"`, s.dash)
		}
		p(`<polyline fill="none" stroke="%s" stroke-width="2.2"%s points="%s"/>`+"\n", s.color, dash, bytes.TrimSpace(pts.Bytes()))
		for _, pt := range s.points {
			p(`<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`+"\n", x(pt[0]), y(clean(pt[1])), s.color)
		}
	}
	// legend
	lx, ly := padL+plotW+18, padT+6
	p(`<text x="%d" y="%d" font-size="13" font-weight="bold">legend</text>`+"\n", lx, ly)
	for i, s := range c.series {
		yy := ly + 22 + 22*i
		dash := ""
		if s.dash != "" {
			dash = fmt.Sprintf(` stroke-dasharray="%s"`, s.dash)
		}
		p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"%s/>`+"\n", lx, yy-4, lx+28, yy-4, s.color, dash)
		p(`<text x="%d" y="%d" font-size="12">%s</text>`+"\n", lx+36, yy, esc(s.name))
	}
	p("</svg>\n")
	return b.Bytes()
}

func clean(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten (1 for v <= 0).
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*e*(1+1e-9) {
			return m * e
		}
	}
	return 10 * e
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
