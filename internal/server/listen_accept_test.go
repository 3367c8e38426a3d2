package server

import (
	"errors"
	"net"
	"testing"
)

// flakyListener fails its first Accept, as a listener out of file
// descriptors does, then hands out one end of a pipe.
type flakyListener struct {
	net.Listener
	calls int
	conn  net.Conn
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.calls++
	switch l.calls {
	case 1:
		return nil, errors.New("accept: too many open files")
	case 2:
		return l.conn, nil
	}
	select {} // no more connections; Close ends the test's listener
}

func (l *flakyListener) Close() error   { return nil }
func (l *flakyListener) Addr() net.Addr { return &net.TCPAddr{} }

// TestMultiListenerAcceptsAfterError: after an error the server retries,
// so a listener must go on accepting rather than stop for good.
func TestMultiListenerAcceptsAfterError(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	m := newMultiListener(&flakyListener{conn: server})
	defer m.Close()
	if _, err := m.Accept(); err == nil {
		t.Fatal("the first Accept did not report the listener's error")
	}
	c, err := m.Accept()
	if err != nil || c != server {
		t.Fatalf("Accept after an error = %v, %v; want the next connection", c, err)
	}
}
