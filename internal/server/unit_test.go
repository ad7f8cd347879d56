package server

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStopMatcher(t *testing.T) {
	cases := []struct {
		stops  []string
		pieces []string
		want   string // emitted text, "|" before what flush returns
		hit    bool
	}{
		{nil, []string{"ab", "cd"}, "abcd|", false},
		{[]string{"END"}, []string{"abc", "E", "N", "D", "xyz"}, "abc", true},
		{[]string{"END"}, []string{"abE", "Nx"}, "abENx|", false},
		{[]string{"END"}, []string{"abEN"}, "ab|EN", false},
		{[]string{"\n\n", "###"}, []string{"one\n", "\ntwo"}, "one", true},
		{[]string{"b", "abc"}, []string{"xab"}, "xa", true},
		{[]string{"山"}, []string{"富士", "山です"}, "富士", true},
		{[]string{"ab", "abcd"}, []string{"a"}, "|a", false},
	}
	for i, c := range cases {
		m := stopMatcher{stops: c.stops}
		var out strings.Builder
		hit := false
		for _, p := range c.pieces {
			s, h := m.push(p)
			out.WriteString(s)
			if h {
				hit = true
				break
			}
		}
		if !hit {
			out.WriteString("|" + m.flush())
		}
		if out.String() != c.want || hit != c.hit {
			t.Errorf("case %d: %q hit=%v, want %q hit=%v", i, out.String(), hit, c.want, c.hit)
		}
	}
}

func TestGate(t *testing.T) {
	g := newGate(2)
	bg := context.Background()
	if err := g.acquire(bg); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 2)
	go func() { got <- g.acquire(bg) }()
	ctx, cancel := context.WithCancel(bg)
	go func() { got <- g.acquire(ctx) }()
	waitFor(t, "two waiters", func() bool { return g.depth() == 2 })
	if err := g.acquire(bg); !errors.Is(err, errQueueFull) {
		t.Fatalf("third waiter: %v, want errQueueFull", err)
	}
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	if g.depth() != 1 || g.inFlight() != 1 {
		t.Fatalf("depth %d in flight %d", g.depth(), g.inFlight())
	}
	g.release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter not admitted after release")
	}
	g.release()
	if g.depth() != 0 || g.inFlight() != 0 || len(g.tickets) != 0 {
		t.Fatalf("gate not empty: depth %d in flight %d tickets %d", g.depth(), g.inFlight(), len(g.tickets))
	}
	none := newGate(0)
	none.acquire(bg)
	if err := none.acquire(bg); !errors.Is(err, errQueueFull) {
		t.Errorf("max-queue 0 admitted a waiter: %v", err)
	}
}
