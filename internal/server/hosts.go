package server

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// A page on any web site can make a browser send requests to the preview
// by giving its own host name the preview's address (DNS rebinding), and
// then read the answers as its own, drafts included. The names such a
// request carries in its Host header are the attacker's; so the preview
// answers only to the names it knows it has: IP addresses (which no
// rebinding can give), localhost and its subdomains, and the names it was
// told about (Options.AllowedHosts: the --bind name and --allow-host).

// hostAllowed reports whether the preview answers requests for host, a
// Host header's value with or without a port.
func (s *Server) hostAllowed(host string) bool {
	name := hostName(host)
	switch {
	case name == "":
		return false
	case net.ParseIP(name) != nil:
		return true
	case name == "localhost" || strings.HasSuffix(name, ".localhost"):
		return true
	}
	for _, allowed := range s.opts.AllowedHosts {
		if hostName(allowed) == name {
			return true
		}
	}
	return false
}

// hostName returns the name in a Host header's value: without the port
// and the brackets of an IPv6 address, in lower case and without a final
// dot (which names the same host).
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimPrefix(strings.TrimSuffix(host, "]"), "[")
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// refuseHost answers a request for a host the preview does not serve.
func (s *Server) refuseHost(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	msg := fmt.Sprintf("weeknotes serve: this preview does not answer requests for the host %q, "+
		"so that no other web site can read it through its own name. "+
		"Open it at localhost or its IP address, or start it with --allow-host %s if you meant that name.\n",
		r.Host, hostName(r.Host))
	if r.Host == "" {
		msg = "weeknotes serve: this preview answers only requests that name their host.\n"
	}
	http.Error(w, msg, http.StatusForbidden)
}
