package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// EventsPath is where open pages listen for server-sent events. The path is
// reserved: a built file of the same name would be hidden by it.
const EventsPath = "/_weeknotes/events"

// The events pages receive. Every event's data is a JSON object with the
// version of the site it describes, so a page knows whether it is current.
const (
	eventHello  = "hello"  // sent on connecting: reload if the page is older than the site
	eventReload = "reload" // a build changed what pages show: reload
	eventCSS    = "css"    // only stylesheets changed: reload them in place
	eventError  = "error"  // a build failed: show the overlay, which comes as "html"
)

// keepAlive is how often an idle event stream sends a comment, so that a
// page whose server went away notices and starts reconnecting.
const keepAlive = 15 * time.Second

// DefaultMaxEventStreams bounds the event streams open at once. Each open
// page holds one; a browser opens at most six to one host over HTTP/1.1,
// so only many browsers, or a program, reach it. Past it, a stream is
// refused with status 503 and the page tries again a little later.
const DefaultMaxEventStreams = 64

// message is one server-sent event.
type message struct {
	Event   string `json:"-"`
	Version string `json:"version"`
	HTML    string `json:"html,omitempty"` // the overlay, on "error"
}

func (m message) encode() []byte {
	data, err := json.Marshal(m)
	if err != nil {
		// Strings always marshal; this is unreachable.
		panic(err)
	}
	return fmt.Appendf(nil, "event: %s\ndata: %s\n\n", m.Event, data)
}

// broker fans events out to every open page.
type broker struct {
	mu      sync.Mutex
	clients map[chan message]struct{}
	closed  bool
}

// subscribe returns a channel of the events published from now on. It is
// closed when the broker closes or the page falls too far behind. With
// limit pages listening already, ok is false and nothing is subscribed.
func (b *broker) subscribe(limit int) (_ <-chan message, _ func(), ok bool) {
	ch := make(chan message, 8)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.clients) >= limit {
		return nil, nil, false
	}
	if b.closed {
		close(ch)
		return ch, func() {}, true
	}
	if b.clients == nil {
		b.clients = map[chan message]struct{}{}
	}
	b.clients[ch] = struct{}{}
	return ch, func() { b.drop(ch) }, true
}

func (b *broker) drop(ch chan message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.clients[ch]; ok {
		delete(b.clients, ch)
		close(ch)
	}
}

// publish sends m to every page without waiting for any. A page that has
// not taken eight events is disconnected rather than held up: it
// reconnects, and the hello it then gets brings it up to date.
func (b *broker) publish(m message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.clients {
		select {
		case ch <- m:
		default:
			delete(b.clients, ch)
			close(ch)
		}
	}
}

// clientCount returns how many pages are listening.
func (b *broker) clientCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.clients)
}

// close ends every stream, so that http.Server.Shutdown, which waits for
// requests to finish, does not wait for streams that never would.
func (b *broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for ch := range b.clients {
		delete(b.clients, ch)
		close(ch)
	}
}

// serveEvents streams events to one page.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Subscribe before reading the version for the hello, so that a
	// build finishing in between is either in the hello or comes after it.
	events, unsubscribe, ok := s.events.subscribe(s.opts.MaxEventStreams)
	if !ok {
		w.Header().Set("Retry-After", "5")
		http.Error(w, fmt.Sprintf("weeknotes serve: %d pages are listening for reloads already, the most this preview serves at once; close some and reload this one", s.opts.MaxEventStreams), http.StatusServiceUnavailable)
		return
	}
	defer unsubscribe()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	// A page whose server restarts reconnects after a second.
	hello := append([]byte("retry: 1000\n"), message{Event: eventHello, Version: s.current().version}.encode()...)
	if _, err := w.Write(hello); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		return
	}
	ticker := time.NewTicker(keepAlive)
	defer ticker.Stop()
	for {
		var chunk []byte
		select {
		case <-r.Context().Done():
			return
		case m, ok := <-events:
			if !ok {
				return
			}
			chunk = m.encode()
		case <-ticker.C:
			chunk = []byte(": keep-alive\n\n")
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
