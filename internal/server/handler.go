package server

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/weeknotes/weeknotes/internal/fileio"
	"github.com/weeknotes/weeknotes/internal/site"

	"github.com/weeknotes/weeknotes/internal/mediatype"
)

// ServeHTTP serves the last good build from memory, with the live-reload
// script (and, while the latest build is broken, the error overlay) added
// to every HTML page. Nothing is read from the output folder.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hostAllowed(r.Host) {
		s.refuseHost(w, r)
		return
	}
	if r.URL.Path == EventsPath {
		s.serveEvents(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Requests that come while the first build runs wait for it, or for a
	// site to answer from early, rather than being told the site is empty.
	if !awaitClose(r, s.ready) {
		return
	}
	h := w.Header()
	// A preview must never show a page from the browser's cache.
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if s.answer(w, r, s.current()) {
		return
	}
	// A saved page could not be read, or a page the build was rendering
	// could not be made: the first build's outcome answers instead.
	if !awaitClose(r, s.built) {
		return
	}
	if !s.answer(w, r, s.current()) {
		http.Error(w, "the page could not be read or made; reload once the build is done", http.StatusInternalServerError)
	}
}

// awaitClose waits until ch is closed, or reports false when the request
// went away first.
func awaitClose(r *http.Request, ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-r.Context().Done():
		return false
	}
}

// answer answers r from st. It reports false, having written nothing,
// when a file of an early site could not be read or made.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, st *state) bool {
	if st.output == nil && st.early == nil {
		s.writePage(w, r, st, http.StatusInternalServerError, "index.html", []byte(errorPage))
		return true
	}
	if base := s.opts.BasePath; base != "" && (r.URL.Path == "/" || r.URL.Path == base) {
		http.Redirect(w, r, base+"/", http.StatusFound)
		return true
	}
	name, ok := sitePath(r.URL, s.opts.BasePath)
	if !ok {
		return s.notFound(w, r, st)
	}
	switch {
	case name == "" || strings.HasSuffix(name, "/"):
		name += "index.html"
	case st.has(name):
	case st.has(name + "/index.html"):
		// Pretty URLs end in a slash; without it, relative links on the
		// page would resolve against the wrong folder.
		target := s.opts.BasePath + "/" + name + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusFound)
		return true
	case st.has(name + ".html"):
		// As GitHub Pages does, for sites whose permalinks end in .html.
		name += ".html"
	}
	f, err := st.file(name)
	switch {
	case err != nil:
		return false
	case f == nil:
		return s.notFound(w, r, st)
	}
	s.serveFile(w, r, st, http.StatusOK, name, f)
	return true
}

// has reports whether the site st shows has a file at name.
func (st *state) has(name string) bool {
	if st.output != nil {
		return st.output.Files[name] != nil
	}
	return st.early != nil && st.early.Has(name)
}

// file returns the file at name of the site st shows, nil when there is
// none; only an early site's file can fail to be read or made.
func (st *state) file(name string) (*site.File, error) {
	if st.output != nil {
		return st.output.Files[name], nil
	}
	if st.early != nil {
		return st.early.File(name)
	}
	return nil, nil
}

// sitePath returns the output path a request names, without the base path
// and the leading slash, or false when it names nothing inside the site:
// ".." or "." elements (also when written %2e%2e), encoded slashes and
// backslashes, and NUL bytes. Those are refused outright rather than
// cleaned, so that no request is answered with a page it did not name.
func sitePath(u *url.URL, basePath string) (string, bool) {
	escaped := strings.ToLower(u.EscapedPath())
	if strings.Contains(escaped, "%2f") || strings.Contains(escaped, "%5c") {
		return "", false
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\x00\\") || strings.Contains(p, "//") {
		return "", false
	}
	if basePath != "" {
		rest, ok := strings.CutPrefix(p, basePath)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			return "", false
		}
		p = "/" + strings.TrimPrefix(rest, "/")
	}
	name := p[1:]
	for _, elem := range strings.Split(name, "/") {
		if elem == "." || elem == ".." {
			return "", false
		}
	}
	return name, true
}

// notFound serves the site's 404.html with status 404, or a plain page
// when the site has none. Either way it carries the live script, so that
// creating the missing page shows it.
// It reports false, having written nothing, when an early site's 404.html
// could not be read.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, st *state) bool {
	f, err := st.file("404.html")
	if err != nil {
		return false
	}
	if f != nil {
		s.serveFile(w, r, st, http.StatusNotFound, "404.html", f)
		return true
	}
	page := []byte("<!doctype html>\n<title>Not found</title>\n<h1>Not found</h1>\n<p>No page of the site is at this address.</p>\n")
	s.writePage(w, r, st, http.StatusNotFound, "404.html", page)
	return true
}

// serveFile serves one file of the build.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, st *state, status int, name string, f *site.File) {
	ctype := contentType(name)
	if f.Data == nil && f.Source != "" {
		// Opened as the build copies it: a regular file, never through a
		// link at its last step, so that a file swapped for a link to
		// /etc/passwd since the build is refused.
		file, _, err := fileio.OpenRegular(f.Source)
		if err != nil {
			// Removed since the build; the next build drops it too.
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if isHTML(ctype) {
			data, err := io.ReadAll(file)
			file.Close()
			if err != nil {
				http.Error(w, "not found", http.StatusNotFound)
				return
			}
			s.writePage(w, r, st, status, name, data)
			return
		}
		defer file.Close()
		s.writeBody(w, r, status, name, ctype, file)
		return
	}
	if isHTML(ctype) {
		s.writePage(w, r, st, status, name, f.Data)
		return
	}
	s.writeBody(w, r, status, name, ctype, bytes.NewReader(f.Data))
}

// writePage serves an HTML page with the live script and any overlay added.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, st *state, status int, name string, page []byte) {
	s.writeBody(w, r, status, name, "text/html; charset=utf-8", bytes.NewReader(inject(page, st.injection())))
}

// writeBody sends content with the given status. Successful answers go
// through http.ServeContent, which answers range requests (for audio and
// video in posts) and HEAD.
func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, status int, name, ctype string, content io.ReadSeeker) {
	if ctype == "" {
		var head [512]byte
		n, _ := io.ReadFull(content, head[:])
		ctype = http.DetectContentType(head[:n])
		if _, err := content.Seek(0, io.SeekStart); err != nil {
			http.Error(w, "cannot read "+name, http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", ctype)
	if status == http.StatusOK {
		http.ServeContent(w, r, name, time.Time{}, content)
		return
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		// The client going away is the only way this fails.
		_, _ = io.Copy(w, content)
	}
}

// inject puts extra before the page's last </body>, or at its end when it
// has none. The built bytes are never changed: they may be served again.
func inject(page []byte, extra string) []byte {
	at := lastIndexFold(page, []byte("</body"))
	if at < 0 {
		at = len(page)
	}
	out := make([]byte, 0, len(page)+len(extra))
	out = append(out, page[:at]...)
	out = append(out, extra...)
	return append(out, page[at:]...)
}

// lastIndexFold is bytes.LastIndex ignoring ASCII case.
func lastIndexFold(s, sep []byte) int {
	for i := len(s) - len(sep); i >= 0; i-- {
		if bytes.EqualFold(s[i:i+len(sep)], sep) {
			return i
		}
	}
	return -1
}

// contentType returns the type to serve name as, or "" to sniff it: the
// type publish stores it with (feed.xml is Atom), so that the preview shows
// what readers will get.
func contentType(name string) string {
	if t, ok := mediatype.ByName(name); ok {
		return t
	}
	return "" // sniffed, rather than the machine's MIME table, as publish does
}

func isHTML(ctype string) bool { return strings.HasPrefix(ctype, "text/html") }
