package sdnotify

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listen opens a unixgram socket like systemd's and returns its address and
// a function reading the next datagram.
func listen(t *testing.T, addr string) func() string {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return func() string {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 4096)
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("read notification: %v", err)
		}
		return string(buf[:n])
	}
}

func TestSendPathAndAbstract(t *testing.T) {
	for _, addr := range []string{
		filepath.Join(t.TempDir(), "notify.sock"),
		"@edgemoe-sdnotify-test-" + strconv.Itoa(os.Getpid()),
	} {
		t.Run(addr[:1], func(t *testing.T) {
			next := listen(t, addr)
			n := New(addr)
			cases := []struct {
				send func() error
				want string
			}{
				{func() error { return n.Ready("serving m") }, "READY=1\nSTATUS=serving m\n"},
				{func() error { return n.Status("busy") }, "STATUS=busy\n"},
				{n.Watchdog, "WATCHDOG=1\n"},
				{func() error { return n.Stopping("draining") }, "STOPPING=1\nSTATUS=draining\n"},
			}
			for _, c := range cases {
				if err := c.send(); err != nil {
					t.Fatal(err)
				}
				if got := next(); got != c.want {
					t.Errorf("got %q, want %q", got, c.want)
				}
			}
		})
	}
}

func TestDisabledIsSilent(t *testing.T) {
	var zero Notifier
	var nilN *Notifier
	for _, n := range []*Notifier{&zero, nilN, New("")} {
		if n.Enabled() {
			t.Error("enabled without a socket")
		}
		if err := n.Ready("x"); err != nil {
			t.Errorf("disabled Ready: %v", err)
		}
	}
}

func TestSendErrors(t *testing.T) {
	if err := New(filepath.Join(t.TempDir(), "absent")).Watchdog(); err == nil {
		t.Error("no error for a missing socket")
	}
	if err := New("@x").Status("a\nREADY=1"); err == nil || !strings.Contains(err.Error(), "newline") {
		t.Errorf("newline in state: %v", err)
	}
}

func TestWatchdogInterval(t *testing.T) {
	cases := []struct {
		usec, pid string
		want      time.Duration
		err       error
	}{
		{"", "", 0, ErrNoWatchdog},
		{"30000000", "", 30 * time.Second, nil},
		{"30000000", "42", 30 * time.Second, nil},
		{"30000000", "43", 0, ErrNoWatchdog},
		{"-5", "", 0, nil},
		{"abc", "", 0, nil},
		{"100", "pid", 0, nil},
	}
	for _, c := range cases {
		got, err := watchdogInterval(c.usec, c.pid, 42)
		switch {
		case c.err != nil && !errors.Is(err, c.err):
			t.Errorf("%q/%q: err %v, want %v", c.usec, c.pid, err, c.err)
		case c.err == nil && c.want == 0 && err == nil:
			t.Errorf("%q/%q: no error", c.usec, c.pid)
		case c.want != 0 && (err != nil || got != c.want):
			t.Errorf("%q/%q: %v, %v; want %v", c.usec, c.pid, got, err, c.want)
		}
	}
}

func TestRunWatchdogPingsAndStops(t *testing.T) {
	addr := filepath.Join(t.TempDir(), "wd.sock")
	next := listen(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	alive := make(chan bool, 100)
	go func() {
		New(addr).RunWatchdog(ctx, 20*time.Millisecond, func() bool { alive <- true; return true })
		close(done)
	}()
	for range 3 {
		if got := next(); got != "WATCHDOG=1\n" {
			t.Fatalf("got %q", got)
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunWatchdog did not stop with its context")
	}
	if len(alive) < 3 {
		t.Errorf("alive consulted %d times for 3 pings", len(alive))
	}
}
