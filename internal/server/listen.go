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
	lns   []net.Listener
	conns chan net.Conn
	errs  chan error
	done  chan struct{}
	once  sync.Once
}

func newMultiListener(lns ...net.Listener) *multiListener {
	m := &multiListener{lns: lns, conns: make(chan net.Conn), errs: make(chan error, len(lns)), done: make(chan struct{})}
	for _, ln := range lns {
		go m.accept(ln)
	}
	return m
}

func (m *multiListener) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case m.errs <- err:
			case <-m.done:
				return
			}
			// http.Server waits and accepts again after an error such as
			// running out of file descriptors; only a closed listener is
			// the end of this one.
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		select {
		case m.conns <- c:
		case <-m.done:
			c.Close()
			return
		}
	}
}

// Accept returns the next connection from any listener, or the first
// error one of them meets.
func (m *multiListener) Accept() (net.Conn, error) {
	select {
	case c := <-m.conns:
		return c, nil
	case err := <-m.errs:
		return nil, err
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
