package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// progressBar draws a one-line bar on a terminal, at most every 100 ms;
// elsewhere it prints nothing.
type progressBar struct {
	w     io.Writer
	label string
	on    bool
	last  time.Time
	start time.Time
}

func newProgress(w io.Writer, label string) *progressBar {
	return &progressBar{w: w, label: label, on: isTerminal(w), start: time.Now()}
}

func (p *progressBar) update(done, total int64) {
	if !p.on || total <= 0 {
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	n := int(float64(width) * float64(done) / float64(total))
	rate := float64(done) / max(now.Sub(p.start).Seconds(), 1e-3) / (1 << 20)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %.0f MiB/s", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n),
		100*float64(done)/float64(total), rate)
}

func (p *progressBar) finish() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
