package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildTags are the tags the test binary was built with, passed on to the
// edgemoe build (purego_test.go sets "purego").
var buildTags string

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// edgemoeBinary builds cmd/edgemoe once per test process.
func edgemoeBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the edgemoe binary; skipped in -short")
	}
	buildOnce.Do(func() {
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(gobin); err != nil {
			gobin = "go"
		}
		binPath = filepath.Join(testDir, "edgemoe")
		args := []string{"build", "-o", binPath}
		if buildTags != "" {
			args = append(args, "-tags", buildTags)
		}
		out, err := exec.Command(gobin, append(args, "github.com/edgemoe/edgemoe/cmd/edgemoe")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is a running edgemoe serve.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // of Wait, valid after done
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingRE = regexp.MustCompile(`serving \S+ on (http://\S+)`)

// startServe runs edgemoe serve on a free loopback port and waits until it
// says it is serving; the process is killed at cleanup if still running.
func startServe(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	bin := edgemoeBinary(t)
	cmd := exec.Command(bin, append([]string{"serve", "-m", tinyPath, "--addr", "127.0.0.1:0", "--ctx", "1024"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	p := &proc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); pw.Close(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.stderr.Write([]byte(sc.Text() + "\n"))
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case p.url = <-found:
	case <-p.done:
		t.Fatalf("edgemoe serve exited: %v\n%s", p.err, p.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("edgemoe serve did not start:\n%s", p.stderr)
	}
	return p
}

// wait returns the exit code, failing after 30 s.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(30 * time.Second):
		t.Fatalf("edgemoe serve did not exit:\n%s", p.stderr)
	}
	return -1
}

// notifications collects datagrams from a fake NOTIFY_SOCKET.
type notifications struct {
	mu   sync.Mutex
	msgs []string
}

func (n *notifications) has(prefix string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, m := range n.msgs {
		for _, l := range strings.Split(m, "\n") {
			if strings.HasPrefix(l, prefix) {
				return true
			}
		}
	}
	return false
}

func (n *notifications) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return fmt.Sprintf("%q", n.msgs)
}

func listenNotify(t *testing.T) (string, *notifications) {
	t.Helper()
	addr := filepath.Join(t.TempDir(), "notify.sock")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	n := &notifications{}
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := c.Read(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			n.msgs = append(n.msgs, string(buf[:k]))
			n.mu.Unlock()
		}
	}()
	return addr, n
}

// TestServeSIGTERMDrains runs the real binary under a fake systemd: it must
// send READY=1 with a STATUS once warm, WATCHDOG=1 pings, and on SIGTERM
// STOPPING=1, stop accepting connections, finish the stream in flight and
// exit 0.
func TestServeSIGTERMDrains(t *testing.T) {
	sock, notes := listenNotify(t)
	p := startServe(t, []string{"NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=200000"})
	waitFor(t, "READY=1", func() bool { return notes.has("READY=1") })
	if !notes.has("STATUS=serving tiny on http://127.0.0.1:") {
		t.Errorf("no serving status: %s", notes)
	}
	waitFor(t, "WATCHDOG=1", func() bool { return notes.has("WATCHDOG=1") })

	// Long enough (about 1.7 s with the assembly kernels) that SIGTERM
	// arrives mid-stream.
	const n = 300
	body := fmt.Sprintf(`{"model":"tiny","messages":[{"role":"user","content":"Count."}],"stream":true,"max_tokens":%d,"temperature":0,"stream_options":{"include_usage":true}}`, n)
	resp, err := http.Post(p.url+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	var got strings.Builder
	for events := 0; events < 2; {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		got.WriteString(line)
		if strings.HasPrefix(line, "data: ") {
			events++
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "STOPPING=1", func() bool { return notes.has("STOPPING=1") })
	// The listener closes while the stream goes on.
	probe := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	waitFor(t, "the listener to close", func() bool {
		r, err := probe.Get(p.url + "/healthz")
		if err == nil {
			r.Body.Close()
		}
		return err != nil
	})
	rest, err := io.ReadAll(br)
	if err != nil {
		t.Fatalf("stream broken by the drain: %v", err)
	}
	got.Write(rest)
	text, finish, u := streamText(t, []byte(got.String()), true)
	if finish != "length" || u == nil || u.Usage.CompletionTokens != n {
		t.Errorf("drained stream: finish %q usage %+v text %q", finish, u, text)
	}
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code %d after SIGTERM:\n%s", code, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "draining 1 running") {
		t.Errorf("stderr does not report the drain:\n%s", p.stderr)
	}
}

// TestServeDrainTimeout: a stream longer than --drain-timeout is cut and
// the process still exits 0.
func TestServeDrainTimeout(t *testing.T) {
	p := startServe(t, nil, "--drain-timeout", "300ms")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", p.url+"/v1/completions",
		strings.NewReader(`{"prompt":"Once","stream":true,"max_tokens":900,"temperature":0}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Errorf("exit code %d:\n%s", code, p.stderr)
	}
	if rest, _ := io.ReadAll(br); strings.Contains(string(rest), "[DONE]") {
		t.Error("a 900-token stream completed within a 300ms drain")
	}
}
