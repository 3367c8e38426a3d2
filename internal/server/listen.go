package server

import (
	"errors"
	"net"
	"strconv"
	"sync"
)

// listenLoopbacks listens on port of both loopback addresses, 127.0.0.1
// and ::1, so that http://localhost:PORT works whichever one the browser
// resolves localhost to. Port 0 picks one free port for both. A machine
// without IPv6 gets 127.0.0.1 alone.
func listenLoopbacks(port int) (net.Listener, error) {
	v4, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	port = v4.Addr().(*net.TCPAddr).Port
	v6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(port)))
	if isAddrInUse(err) {
		v4.Close()
		return nil, err
	}
	if err != nil {
		return v4, nil // no IPv6 loopback here
	}
	return newMultiListener(v4, v6), nil
}

// multiListener accepts connections from several listeners as one.
type multiListener struct {
	lns     []net.Listener
	results chan accepted
	done    chan struct{}
	once    sync.Once
}

// accepted is what one Accept of one listener gave. Connections and errors
// go through one channel so that Accept hands them out in the order each
// listener met them: with a channel each, a select could hand out a later
// connection before an earlier error.
type accepted struct {
	conn net.Conn
	err  error
}

func newMultiListener(lns ...net.Listener) *multiListener {
	m := &multiListener{lns: lns, results: make(chan accepted), done: make(chan struct{})}
	for _, ln := range lns {
		go m.accept(ln)
	}
	return m
}

func (m *multiListener) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		select {
		case m.results <- accepted{c, err}:
		case <-m.done:
			if c != nil {
				c.Close()
			}
			return
		}
		// http.Server waits and accepts again after an error such as
		// running out of file descriptors; only a closed listener is the
		// end of this one.
		if errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

// Accept returns the next connection from any listener, or the first
// error one of them meets.
func (m *multiListener) Accept() (net.Conn, error) {
	select {
	case a := <-m.results:
		return a.conn, a.err
	case <-m.done:
		return nil, net.ErrClosed
	}
}

// Close closes every listener.
func (m *multiListener) Close() error {
	var errs []error
	m.once.Do(func() {
		close(m.done)
		for _, ln := range m.lns {
			errs = append(errs, ln.Close())
		}
	})
	return errors.Join(errs...)
}

// Addr is the first listener's address, 127.0.0.1:PORT.
func (m *multiListener) Addr() net.Addr { return m.lns[0].Addr() }
