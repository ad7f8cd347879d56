// Package sdnotify speaks systemd's service notification protocol without
// cgo: it sends state lines ("READY=1", "STATUS=...", "WATCHDOG=1",
// "STOPPING=1") as one datagram to the unix socket named by NOTIFY_SOCKET
// (a path, or an abstract name starting with '@'), and reads the watchdog
// interval from WATCHDOG_USEC and WATCHDOG_PID. It owns nothing else: when
// to send what is the caller's decision.
package sdnotify
