package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoad (EDGEMOE_LOADTEST=1) drives a separate edgemoe serve process over
// loopback with 100 concurrent clients in two rounds: streams, plain
// completions, clients cancelling mid-stream, malformed JSON, oversized
// bodies, bad keys, unknown models. Every response must have the right
// status and body shape; afterwards the server's goroutines and memory must
// be back where they were and it must still answer.
func TestLoad(t *testing.T) {
	if os.Getenv("EDGEMOE_LOADTEST") != "1" {
		t.Skip("set EDGEMOE_LOADTEST=1 to run the load test")
	}
	const clients, perClient, maxBody = 100, 3, 64 << 10
	keyFile := filepath.Join(t.TempDir(), "key")
	os.WriteFile(keyFile, []byte("load-key\n"), 0o600)
	p := startServe(t, nil, "--api-key-file", keyFile, "--max-queue", "16", "--max-body", strconv.Itoa(maxBody), "--request-timeout", "30s")
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: 0}
	client := &http.Client{Transport: tr, Timeout: 45 * time.Second}
	lt := &loadTest{t: t, url: p.url, c: client, maxBody: maxBody, counts: map[string]int{}}

	start := time.Now()
	lt.check(lt.round(0, clients, 1)) // warm the connection paths
	base := lt.settle(tr)
	for round := 1; round <= 2; round++ {
		lt.check(lt.round(round, clients, perClient))
		after := lt.settle(tr)
		t.Logf("round %d: goroutines %v -> %v, RSS %.1f -> %.1f MiB, heap %.1f -> %.1f MiB", round,
			base.goroutines, after.goroutines, base.rss/(1<<20), after.rss/(1<<20), base.heap/(1<<20), after.heap/(1<<20))
		if after.goroutines > base.goroutines+5 {
			t.Errorf("round %d: goroutines grew from %v to %v", round, base.goroutines, after.goroutines)
		}
		if after.rss > base.rss+64<<20 {
			t.Errorf("round %d: RSS grew from %.1f to %.1f MiB", round, base.rss/(1<<20), after.rss/(1<<20))
		}
	}
	t.Logf("%d requests in %.1fs: %v", lt.total, time.Since(start).Seconds(), lt.counts)
	if lt.counts["stream 200"]+lt.counts["completion 200"] == 0 || lt.counts["cancel 200"] == 0 {
		t.Errorf("no generation got through: %v", lt.counts)
	}
	r := lt.req("POST", "/v1/completions", `{"prompt":"still there?","max_tokens":2}`, true)
	if r.status != 200 {
		t.Errorf("after the load: %d %s", r.status, r.body)
	}
}

type loadTest struct {
	t       *testing.T
	url     string
	c       *http.Client
	maxBody int
	mu      sync.Mutex
	counts  map[string]int
	total   int
}

type snapshot struct{ goroutines, rss, heap float64 }

// settle waits until nothing runs or waits and idle connections are gone,
// then reads the process's figures from /metrics.
func (lt *loadTest) settle(tr *http.Transport) snapshot {
	var s snapshot
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		tr.CloseIdleConnections()
		m := lt.metrics()
		s = snapshot{m["go_goroutines"], m["process_resident_memory_bytes"], m["go_memstats_heap_inuse_bytes"]}
		if m["edgemoe_requests_in_flight"] == 0 && m["edgemoe_queue_depth"] == 0 {
			time.Sleep(200 * time.Millisecond)
			tr.CloseIdleConnections()
			m = lt.metrics()
			return snapshot{m["go_goroutines"], m["process_resident_memory_bytes"], m["go_memstats_heap_inuse_bytes"]}
		}
	}
	lt.t.Fatal("the server did not go idle")
	return s
}

func (lt *loadTest) metrics() map[string]float64 {
	resp, err := http.Get(lt.url + "/metrics") // own connection, closed below
	if err != nil {
		lt.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && !strings.HasPrefix(f[0], "#") {
			v, _ := strconv.ParseFloat(f[1], 64)
			out[f[0]] = v
		}
	}
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	return out
}

type loadResult struct {
	kind string
	r    result
	err  error
}

func (lt *loadTest) round(round, clients, n int) []loadResult {
	var wg sync.WaitGroup
	out := make(chan loadResult, clients*n)
	for c := range clients {
		wg.Go(func() {
			for i := range n {
				out <- lt.one((c*7 + i + round) % 8)
			}
		})
	}
	wg.Wait()
	close(out)
	var rs []loadResult
	for r := range out {
		rs = append(rs, r)
	}
	return rs
}

func (lt *loadTest) req(method, path, body string, key bool) result {
	r, err := lt.try(context.Background(), method, path, body, key, nil)
	if err != nil {
		lt.t.Errorf("%s %s: %v", method, path, err)
	}
	return r
}

func (lt *loadTest) try(ctx context.Context, method, path, body string, key bool, read func(io.Reader) ([]byte, error)) (result, error) {
	req, err := http.NewRequestWithContext(ctx, method, lt.url+path, strings.NewReader(body))
	if err != nil {
		return result{}, err
	}
	if key {
		req.Header.Set("Authorization", "Bearer load-key")
	} else {
		req.Header.Set("Authorization", "Bearer wrong")
	}
	resp, err := lt.c.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	if read == nil {
		read = io.ReadAll
	}
	b, err := read(resp.Body)
	return result{resp.StatusCode, resp.Header, b}, err
}

// one sends request kind k and returns what came back.
func (lt *loadTest) one(k int) loadResult {
	user := `"messages":[{"role":"user","content":"Say something."}]`
	switch k {
	case 0:
		r, err := lt.try(context.Background(), "POST", "/v1/chat/completions", `{`+user+`,"stream":true,"max_tokens":4}`, true, nil)
		return loadResult{"stream", r, err}
	case 1:
		r, err := lt.try(context.Background(), "POST", "/v1/completions", `{"prompt":"Once upon","max_tokens":3}`, true, nil)
		return loadResult{"completion", r, err}
	case 2:
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r, err := lt.try(ctx, "POST", "/v1/chat/completions", `{`+user+`,"stream":true,"max_tokens":200}`, true,
			func(body io.Reader) ([]byte, error) {
				// Read the role chunk, then hang up.
				line, err := bufio.NewReader(body).ReadString('\n')
				cancel()
				return []byte(line), err
			})
		return loadResult{"cancel", r, err}
	case 3:
		r, err := lt.try(context.Background(), "POST", "/v1/chat/completions", `{"messages":[{"role":"user","content":"x"}`, true, nil)
		return loadResult{"badjson", r, err}
	case 4:
		r, err := lt.try(context.Background(), "POST", "/v1/completions", `{"prompt":"`+strings.Repeat("z", lt.maxBody+16<<10)+`"}`, true, nil)
		return loadResult{"huge", r, err}
	case 5:
		r, err := lt.try(context.Background(), "POST", "/v1/chat/completions", `{`+user+`}`, false, nil)
		return loadResult{"badkey", r, err}
	case 6:
		r, err := lt.try(context.Background(), "POST", "/v1/chat/completions", `{"model":"nope",`+user+`}`, true, nil)
		return loadResult{"badmodel", r, err}
	}
	r, err := lt.try(context.Background(), "GET", "/v1/models", "", true, nil)
	return loadResult{"models", r, err}
}

// check judges every result against what its kind must get.
func (lt *loadTest) check(rs []loadResult) {
	t := lt.t
	for _, x := range rs {
		lt.mu.Lock()
		lt.total++
		lt.counts[fmt.Sprintf("%s %d", x.kind, x.r.status)]++
		lt.mu.Unlock()
		if x.err != nil {
			t.Errorf("%s: %v", x.kind, x.err)
			continue
		}
		want := map[string]int{"badjson": 400, "huge": 413, "badkey": 401, "badmodel": 404, "models": 200}[x.kind]
		if want != 0 {
			if x.r.status != want {
				t.Errorf("%s: status %d, want %d: %.200s", x.kind, x.r.status, want, x.r.body)
			} else if want != 200 {
				checkErrorShape(t, x)
			}
			continue
		}
		switch x.r.status {
		case 429:
			if x.r.header.Get("Retry-After") == "" {
				t.Errorf("%s: 429 without Retry-After", x.kind)
			}
			checkErrorShape(t, x)
		case 200:
			lt.checkOK(x)
		default:
			t.Errorf("%s: status %d: %.200s", x.kind, x.r.status, x.r.body)
		}
	}
}

func checkErrorShape(t *testing.T, x loadResult) {
	var e struct {
		Error *struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(x.r.body, &e); err != nil || e.Error == nil || e.Error.Message == "" || e.Error.Type == "" {
		t.Errorf("%s %d: not an OpenAI error: %.200s", x.kind, x.r.status, x.r.body)
	}
}

func (lt *loadTest) checkOK(x loadResult) {
	t := lt.t
	body := string(x.r.body)
	switch x.kind {
	case "stream":
		if !strings.HasPrefix(body, "data: {") || !strings.HasSuffix(body, "data: [DONE]\n\n") || !strings.Contains(body, `"finish_reason":"length"`) {
			t.Errorf("stream: malformed: %.300s", body)
		}
	case "completion":
		var c struct {
			Object  string `json:"object"`
			Choices []struct {
				Text *string `json:"text"`
			} `json:"choices"`
			Usage *struct {
				CompletionTokens int `json:"completion_tokens"`
			} `json:"usage"`
		}
		if err := json.Unmarshal(x.r.body, &c); err != nil || c.Object != "text_completion" || len(c.Choices) != 1 ||
			c.Choices[0].Text == nil || c.Usage == nil || c.Usage.CompletionTokens < 1 {
			t.Errorf("completion: malformed: %.300s", body)
		}
	case "cancel":
		if !strings.HasPrefix(body, `data: {`) || !strings.Contains(body, `"role":"assistant"`) {
			t.Errorf("cancel: first line %.300q", body)
		}
	}
}
