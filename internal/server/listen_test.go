package server

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
)

// "localhost" listens on both loopbacks, on one port, so that
// http://localhost:PORT works whichever address the browser tries.
func TestListenBothLoopbacks(t *testing.T) {
	ln, err := Listen("localhost", 0)
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "hello")
			c.Close()
		}
	}()
	addrs := []string{"127.0.0.1"}
	if probe, err := net.Listen("tcp", "[::1]:0"); err == nil {
		probe.Close()
		addrs = append(addrs, "::1")
	} else {
		t.Logf("no IPv6 loopback on this machine (%v): checking 127.0.0.1 only", err)
	}
	for _, a := range addrs {
		c, err := net.Dial("tcp", net.JoinHostPort(a, port))
		if err != nil {
			t.Errorf("%s: %v", a, err)
			continue
		}
		got, _ := io.ReadAll(c)
		c.Close()
		if string(got) != "hello" {
			t.Errorf("%s: read %q", a, got)
		}
	}
	if err := ln.Close(); err != nil {
		t.Error(err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v", err)
	}
	// The port is taken on both now that it is in use on one.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	if _, err := Listen("localhost", taken.Addr().(*net.TCPAddr).Port); err == nil || !strings.Contains(err.Error(), "is in use") {
		t.Errorf("a taken port: %v", err)
	}
}
