package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeFile writes a file under root, making its folders.
func writeFile(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// renameOver saves a file the way many editors do: write a temporary file
// beside it, then rename it over the original.
func renameOver(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe to write from the server while a test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is a preview server started by a test.
type running struct {
	srv *Server
	url string // http://127.0.0.1:port, no trailing slash
	log *syncBuffer
}

// firstBuildWait bounds the first build: generous, for the benchmark's
// corpus of 5,000 posts on a small, busy machine.
const firstBuildWait = 5 * time.Minute

// startServer serves the site in dir until the test ends, and returns once
// the first build has finished.
// testDebounce is the quiet time that ends a burst of file events in these
// tests.
const testDebounce = 100 * time.Millisecond

func startServer(t testing.TB, dir string, b Builder) *running {
	t.Helper()
	return startServerDebounced(t, dir, b, testDebounce)
}

// startServerDebounced is startServer with the given quiet time; the
// benchmarks measure the preview's own, DefaultDebounce.
func startServerDebounced(t testing.TB, dir string, b Builder, debounce time.Duration) *running {
	t.Helper()
	r := serveInBackground(t, dir, b, debounce)
	select {
	case <-r.srv.built:
	case <-time.After(firstBuildWait):
		t.Fatalf("first build did not finish within %v", firstBuildWait)
	}
	return r
}

// serveInBackground serves the site in dir until the test ends, and
// returns at once.
func serveInBackground(t testing.TB, dir string, b Builder, debounce time.Duration) *running {
	t.Helper()
	ln, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	srv := New(Options{
		Builder:    b,
		Source:     dir,
		Watch:      []string{"content", "templates", "static"},
		WatchFiles: []string{"weeknotes.yaml"},
		Log:        log,
		// A save of several steps (Vim's backup, rename and write) is one
		// burst only if no step waits longer than this for the test's
		// goroutine: 10 ms, the default, is not enough on a loaded machine.
		Debounce: debounce,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Serve did not return after its context ended")
		}
	})
	return &running{srv: srv, url: "http://" + ln.Addr().String(), log: log}
}

// get fetches a path and returns the status and body.
func (r *running) get(t testing.TB, path string) (int, string) {
	t.Helper()
	resp, err := noRedirects.Get(r.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       30 * time.Second,
}

// sseEvent is one event read from the stream.
type sseEvent struct {
	Name string
	Data message
	At   time.Time // when it was read
}

// eventStream is an open connection to the events endpoint.
type eventStream struct {
	events chan sseEvent
}

// listen opens the event stream and waits for its hello, after which every
// build's event is sure to arrive.
func (r *running) listen(t testing.TB) (*eventStream, sseEvent) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url+EventsPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &eventStream{events: make(chan sseEvent, 64)}
	finished := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-finished
	})
	go func() {
		defer close(finished)
		defer close(s.events)
		scanner := bufio.NewScanner(resp.Body)
		scanner.Buffer(make([]byte, 64*1024), 4<<20)
		var name, data string
		for scanner.Scan() {
			line := scanner.Text()
			switch {
			case line == "":
				if name != "" {
					ev := sseEvent{Name: name, At: time.Now()}
					if err := json.Unmarshal([]byte(data), &ev.Data); err != nil {
						ev.Name = "malformed: " + data
					}
					s.events <- ev
				}
				name, data = "", ""
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	hello := s.next(t, 5*time.Second)
	if hello.Name != eventHello {
		t.Fatalf("first event = %q, want %q", hello.Name, eventHello)
	}
	return s, hello
}

// next returns the next event, failing the test if none comes in time.
func (s *eventStream) next(t testing.TB, within time.Duration) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("event stream closed")
		}
		return ev
	case <-time.After(within):
		t.Fatalf("no event within %v", within)
	}
	panic("unreachable")
}

// expect returns the next event and fails unless it is called name.
func (s *eventStream) expect(t testing.TB, name string, within time.Duration) sseEvent {
	t.Helper()
	ev := s.next(t, within)
	if ev.Name != name {
		t.Fatalf("event = %q, want %q", ev.Name, name)
	}
	return ev
}

// until returns the first event called name, passing over the others: where
// a test makes several changes, the watcher may take them in one rebuild or
// in several, and only the last one's event is sure.
func (s *eventStream) until(t testing.TB, name string, within time.Duration) sseEvent {
	t.Helper()
	for {
		if ev := s.next(t, within); ev.Name == name {
			return ev
		}
	}
}

// quiet fails the test if an event comes within d.
func (s *eventStream) quiet(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case ev := <-s.events:
		t.Fatalf("unexpected event %q", ev.Name)
	case <-time.After(d):
	}
}
