package sdnotify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Notifier sends state to the service manager. The zero value, and a
// Notifier from FromEnv when NOTIFY_SOCKET is unset, sends nothing and
// reports no error: the program runs the same outside systemd. Safe for
// concurrent use (each Send is one datagram on its own connection).
type Notifier struct {
	addr string
}

// New returns a Notifier for the socket at addr: a filesystem path or, with
// a leading '@', a Linux abstract socket name.
func New(addr string) *Notifier { return &Notifier{addr: addr} }

// FromEnv returns a Notifier for $NOTIFY_SOCKET (disabled when unset).
func FromEnv() *Notifier { return New(os.Getenv("NOTIFY_SOCKET")) }

// Enabled reports whether the Notifier has a socket to send to.
func (n *Notifier) Enabled() bool { return n != nil && n.addr != "" }

// Send writes state lines as one datagram, e.g. Send("READY=1",
// "STATUS=serving"). A disabled Notifier returns nil.
func (n *Notifier) Send(state ...string) error {
	if !n.Enabled() {
		return nil
	}
	for _, s := range state {
		if strings.ContainsRune(s, '\n') {
			return fmt.Errorf("sdnotify: state %q contains a newline", s)
		}
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("sdnotify: socket %s: %w", n.addr, err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(strings.Join(state, "\n") + "\n")); err != nil {
		return fmt.Errorf("sdnotify: send to %s: %w", n.addr, err)
	}
	return nil
}

// Ready tells the manager start-up is complete, with a status line.
func (n *Notifier) Ready(status string) error {
	return n.Send("READY=1", "STATUS="+status)
}

// Status sets the free-form status line systemctl status shows.
func (n *Notifier) Status(status string) error { return n.Send("STATUS=" + status) }

// Stopping tells the manager the service is shutting down.
func (n *Notifier) Stopping(status string) error {
	return n.Send("STOPPING=1", "STATUS="+status)
}

// Watchdog sends one keep-alive ping.
func (n *Notifier) Watchdog() error { return n.Send("WATCHDOG=1") }

// ErrNoWatchdog is returned by WatchdogInterval when the manager did not ask
// this process for keep-alive pings.
var ErrNoWatchdog = errors.New("sdnotify: watchdog not enabled for this process")

// WatchdogInterval returns the interval the manager expects pings within:
// WATCHDOG_USEC, when set and WATCHDOG_PID is unset or this process's pid.
// Ping at half of it.
func WatchdogInterval() (time.Duration, error) {
	return watchdogInterval(os.Getenv("WATCHDOG_USEC"), os.Getenv("WATCHDOG_PID"), os.Getpid())
}

func watchdogInterval(usec, pid string, self int) (time.Duration, error) {
	if usec == "" {
		return 0, ErrNoWatchdog
	}
	if pid != "" {
		p, err := strconv.Atoi(pid)
		if err != nil {
			return 0, fmt.Errorf("sdnotify: WATCHDOG_PID %q: %w", pid, err)
		}
		if p != self {
			return 0, ErrNoWatchdog
		}
	}
	us, err := strconv.ParseInt(usec, 10, 64)
	if err != nil || us <= 0 {
		return 0, fmt.Errorf("sdnotify: WATCHDOG_USEC %q is not a positive integer", usec)
	}
	return time.Duration(us) * time.Microsecond, nil
}

// RunWatchdog pings every interval/2 until ctx is done, calling alive first
// when it is not nil: a ping is skipped while alive reports false, so the
// manager restarts a service that stopped making progress. Errors of single
// pings are ignored (the manager notices missing pings).
func (n *Notifier) RunWatchdog(ctx context.Context, interval time.Duration, alive func() bool) {
	if !n.Enabled() || interval <= 0 {
		return
	}
	t := time.NewTicker(max(interval/2, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if alive == nil || alive() {
				n.Watchdog()
			}
		}
	}
}
