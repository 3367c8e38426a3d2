package server

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHostHeader holds the preview to the names it may answer for: a page
// on another site that rebinds its own name to the preview's address must
// be refused, for pages and for the event stream alike.
func TestHostHeader(t *testing.T) {
	s := builtServer(t, testFiles(t), "")
	s.opts.AllowedHosts = []string{"laptop.local", "Preview.Example:4000"}
	tests := []struct {
		host   string
		status int
	}{
		{"localhost:4000", 200},
		{"LOCALHOST", 200},
		{"localhost.:4000", 200},
		{"blog.localhost:4000", 200},
		{"127.0.0.1:4000", 200},
		{"[::1]:4000", 200},
		{"192.168.1.20:4000", 200}, // another device, with --bind 0.0.0.0
		{"laptop.local:4000", 200}, // named with --bind or --allow-host
		{"preview.example", 200},
		{"attacker.example:4000", 403},
		{"localhost.attacker.example", 403},
		{"127.0.0.1.attacker.example", 403},
		{"laptop.local.attacker.example", 403},
		{"", 403},
	}
	for _, tt := range tests {
		for _, path := range []string{"/", EventsPath} {
			req := httptest.NewRequest("GET", "http://localhost"+path, nil)
			req.Host = tt.host
			if tt.status == 200 && path == EventsPath {
				continue // a stream that is let in stays open; TestEventStreamLimit covers it
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("Host %q, %s: status %d, want %d", tt.host, path, rec.Code, tt.status)
			}
			if tt.status == 403 && (!strings.Contains(rec.Body.String(), "does not answer") && !strings.Contains(rec.Body.String(), "name their host")) {
				t.Errorf("Host %q: refusal does not say why:\n%s", tt.host, rec.Body)
			}
			if tt.status == 403 && strings.Contains(rec.Body.String(), "<html") {
				t.Errorf("Host %q: refusal serves a page", tt.host)
			}
		}
	}
}

// TestEventStreamLimit checks that streams past the limit are refused,
// and that a stream that ends makes room for another.
func TestEventStreamLimit(t *testing.T) {
	s := builtServer(t, testFiles(t), "")
	s.opts.MaxEventStreams = 2
	_, dropFirst, ok1 := s.events.subscribe(2)
	_, _, ok2 := s.events.subscribe(2)
	if !ok1 || !ok2 {
		t.Fatal("streams under the limit refused")
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost"+EventsPath, nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
		!strings.Contains(rec.Body.String(), "2 pages are listening") {
		t.Errorf("stream past the limit: %d %q %q", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	dropFirst()
	if _, _, ok := s.events.subscribe(2); !ok {
		t.Error("a stream that ended still counts")
	}
	if New(Options{}).opts.MaxEventStreams != DefaultMaxEventStreams {
		t.Error("no default limit")
	}
}

// FuzzHostAllowed holds the host check to its rule: a Host header is let
// in only when its name is an IP address, localhost or a name under it, or
// an allowed name, whatever port, case or brackets it is written with.
func FuzzHostAllowed(f *testing.F) {
	for _, h := range []string{"localhost:4000", "[::1]:80", "evil.example", "LAPTOP.local.", "127.0.0.1.nip.io", "x.localhost", "[", ":80", "a:b:c"} {
		f.Add(h)
	}
	s := New(Options{AllowedHosts: []string{"laptop.local"}})
	f.Fuzz(func(t *testing.T, host string) {
		if !s.hostAllowed(host) {
			return
		}
		name := hostName(host)
		switch {
		case net.ParseIP(name) != nil, name == "localhost", strings.HasSuffix(name, ".localhost"), name == "laptop.local":
		default:
			t.Fatalf("let in %q (name %q)", host, name)
		}
	})
}
