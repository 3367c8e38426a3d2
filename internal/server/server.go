// Package server is the author's live preview, behind `weeknotes serve`: it
// builds the site, serves the build from memory, watches the source, rebuilds
// on every save and tells open pages to reload. A save that breaks the build
// leaves the last good site up, with the errors over it in the browser and
// in the terminal.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/site"
)

// Builder builds the site; *site.Builder is one. changed lists the slash
// paths relative to the site root that changed since the previous build, or
// is nil for everything. A content error comes back as *diag.BuildError.
type Builder interface {
	Build(ctx context.Context, changed []string) (*site.Result, error)
}

// savedBuilder is a Builder that can hand over, before its first build,
// the site as the last run saved it, when that is still the site:
// *site.Builder with Options.SavePages.
type savedBuilder interface {
	SavedPages() *site.SavedSite
}

// renderingBuilder is a Builder that can hand over, while it builds, the
// site it is rendering, which makes on demand the pages asked for before
// their turn: *site.Builder.
type renderingBuilder interface {
	BuildRendering(ctx context.Context, changed []string, ready func(*site.Rendering)) (*site.Result, error)
}

// flusher is a Builder that saves its state in the background: Flush
// waits for it, before the preview stops.
type flusher interface {
	Flush() error
}

// earlySite is a site answered from before the first build has finished:
// the one the last run saved (*site.SavedSite), or the first build's own
// while it renders (*site.Rendering).
type earlySite interface {
	Has(name string) bool
	File(name string) (*site.File, error)
	Close() error
}

// Options configure a Server.
type Options struct {
	Builder    Builder  // builds the site
	Source     string   // the site's root folder: watched, and read to quote the lines errors are on
	Watch      []string // slash folders under Source watched with everything in them; they need not exist yet
	WatchFiles []string // slash files under Source watched on their own, such as the configuration file
	// Rescope, when set, is asked after a change to one of WatchFiles which
	// folders to watch now, so that a configuration that moves the posts
	// folder is followed without a restart. Nil from it keeps the folders.
	Rescope func() []string
	// AllowedHosts are the host names, besides IP addresses and localhost,
	// that requests may name in their Host header (see hostAllowed).
	AllowedHosts []string
	// MaxEventStreams bounds the pages listening for reloads at once; 0
	// means DefaultMaxEventStreams.
	MaxEventStreams int
	BasePath        string        // path prefix the site is served under: "" or e.g. "/blog"
	Log             io.Writer     // where build reports go; nil discards them
	Debounce        time.Duration // quiet time after the last file event before a rebuild; 0 means DefaultDebounce
}

// Server is a running preview. Its ServeHTTP answers from the last good
// build; Serve builds, watches and serves until its context ends.
type Server struct {
	opts      Options
	events    broker
	state     atomic.Pointer[state]
	ready     chan struct{} // closed once there is a site to answer from: the saved one, or the first build's
	built     chan struct{} // closed once the first build has finished, well or not
	once      sync.Once     // closes built
	readyOnce sync.Once     // closes ready

	// Touched only by the goroutine that builds.
	instance     string          // tells this run's versions from a previous run's
	builds       int             // builds finished, well or not
	generation   int             // counts changes to what pages show
	lastWarnings map[string]bool // warnings already printed, so that each rebuild reports only new ones
}

// state is what the server shows: replaced as a whole after each build and
// read without locks by requests.
type state struct {
	output *site.Output // the last good build; nil until one succeeds
	// early is answered from while the first build runs: the site as the
	// last run saved it (kept, should the build fail, until one succeeds),
	// or the build's own as it renders.
	early    earlySite
	problems []problem // the latest build's errors; nil when it succeeded
	overlay  string    // problems, as markup for pages
	version  string    // changes whenever what pages show changes

	injectOnce sync.Once
	inject     string // overlay and live script, made once per build rather than per page
}

// injection is what every HTML page served from this state gets before
// </body>.
func (st *state) injection() string {
	st.injectOnce.Do(func() { st.inject = st.overlay + liveScript(st.version) })
	return st.inject
}

// New returns a server that has not built anything yet.
func New(opts Options) *Server {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	// The watcher reports its own trouble from another goroutine.
	opts.Log = &lockedWriter{w: opts.Log}
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.MaxEventStreams <= 0 {
		opts.MaxEventStreams = DefaultMaxEventStreams
	}
	opts.BasePath = strings.TrimSuffix(opts.BasePath, "/")
	s := &Server{
		opts:     opts,
		ready:    make(chan struct{}),
		built:    make(chan struct{}),
		instance: strconv.FormatInt(time.Now().UnixNano(), 36),
	}
	s.state.Store(&state{version: s.instance + "-0"})
	return s
}

func (s *Server) current() *state { return s.state.Load() }

// Listen opens the preview's port on bind, e.g. 127.0.0.1; "localhost"
// means both loopback addresses, 127.0.0.1 and ::1. Port 0 picks a free
// port; the listener's address says which.
func Listen(bind string, port int) (net.Listener, error) {
	addr := net.JoinHostPort(bind, strconv.Itoa(port))
	var ln net.Listener
	var err error
	if bind == "localhost" {
		ln, err = listenLoopbacks(port)
	} else {
		ln, err = net.Listen("tcp", addr)
	}
	if isAddrInUse(err) {
		return nil, fmt.Errorf("port %d is in use; try --port %d or --port 0 for any free port", port, port+1)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

func isAddrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }

// Serve serves on ln, builds the site, then rebuilds on every change under
// the watched folders until ctx is done; then it stops the server, waiting
// briefly for requests in flight, and returns nil. Build errors are shown,
// not returned: only a failure to watch or to serve ends Serve early.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	w, err := newWatcher(s.opts.Source, s.opts.Watch, s.opts.WatchFiles, s.opts.Debounce, s.logf)
	if err != nil {
		ln.Close()
		return err
	}
	defer w.Close()

	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(s.events.close)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// Changes made during the first build are already being gathered.
	ctx, stop := context.WithCancel(ctx)
	changes := make(chan batch)
	var watching sync.WaitGroup
	watching.Go(func() { w.run(ctx, changes) })
	defer func() {
		stop()
		watching.Wait()
	}()

	s.serveSaved()
	s.build(ctx, batch{all: true})
	var serveErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-served:
			serveErr = fmt.Errorf("serve: %w", err)
			break loop
		case b := <-changes:
			if s.opts.Rescope != nil && b.touchesAny(s.opts.WatchFiles) {
				if roots := s.opts.Rescope(); roots != nil {
					w.setScope(roots)
				}
			}
			s.build(ctx, b)
		}
	}
	if f, ok := s.opts.Builder.(flusher); ok {
		if err := f.Flush(); err != nil {
			s.logf(err.Error())
		}
	}
	return s.stop(srv, serveErr)
}

// stop stops serving, waiting briefly for requests in flight, and returns
// serveErr or, failing that, why the server could not stop.
func (s *Server) stop(srv *http.Server, serveErr error) error {
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && serveErr == nil {
		serveErr = fmt.Errorf("stop serving: %w", err)
	}
	if st := s.current(); st.early != nil {
		// Stopped before the first build was done: the saved site's file
		// is still open.
		st.early.Close()
	}
	return serveErr
}

// serveSaved answers, from now until the first build is done, from the
// site the last run saved, when the builder has it and it is still the
// site: so a large site's preview shows its first page at once, and the
// first build checks it, renders only what it must and takes over.
func (s *Server) serveSaved() {
	sb, ok := s.opts.Builder.(savedBuilder)
	if !ok {
		return
	}
	saved := sb.SavedPages()
	if saved == nil {
		return
	}
	s.state.Store(&state{early: saved, version: s.nextVersion()})
	// Said before the first answer, so that the line is in the log by the
	// time anything has been served from the saved site.
	s.logf(fmt.Sprintf("serving the %s saved by the last run while the site builds", plural(saved.Pages(), "page")))
	s.readyOnce.Do(func() { close(s.ready) })
}

// build runs one build and publishes its outcome: the new site and a
// reload, only new stylesheets, or the errors.
func (s *Server) build(ctx context.Context, b batch) {
	defer s.once.Do(func() { close(s.built) })
	defer s.readyOnce.Do(func() { close(s.ready) })
	start := time.Now()
	res, err := s.runBuild(ctx, b)
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return // stopping: a build cut short says nothing
	}
	s.builds++
	prev := s.current()
	if err != nil {
		s.showFailure(b, prev, err)
		return
	}

	s.report(b, res, elapsed)
	if prev.early != nil {
		// Requests reading from it finish first; later ones get this build.
		defer prev.early.Close()
	}
	event := eventFor(b, res.Changed, prev.problems != nil)
	if _, ok := prev.early.(*site.Rendering); ok {
		event = "" // pages were served from this very build: they are its pages
	}
	if event == "" {
		// Nothing pages show has changed; they stay as they are.
		s.state.Store(&state{output: res.Output, version: prev.version})
		return
	}
	next := &state{output: res.Output, version: s.nextVersion()}
	s.state.Store(next)
	s.events.publish(message{Event: event, Version: next.version})
}

// runBuild runs one build. The first, when there is no saved site to
// answer from, hands over its site as soon as its pages can be rendered,
// so that the first page need not wait for all the others.
func (s *Server) runBuild(ctx context.Context, b batch) (*site.Result, error) {
	rb, ok := s.opts.Builder.(renderingBuilder)
	if !ok || s.builds > 0 || s.current().early != nil {
		return s.opts.Builder.Build(ctx, b.changed())
	}
	return rb.BuildRendering(ctx, b.changed(), s.serveRendering)
}

// serveRendering answers from the first build's site while it renders.
func (s *Server) serveRendering(r *site.Rendering) {
	s.state.Store(&state{early: r, version: s.nextVersion()})
	s.readyOnce.Do(func() { close(s.ready) })
}

// showFailure publishes a failed build's errors: over the last good
// site, or over the saved one the first build was to replace.
func (s *Server) showFailure(b batch, prev *state, err error) {
	var buildErr *diag.BuildError
	var ds []diag.Diagnostic
	if errors.As(err, &buildErr) {
		ds = buildErr.Diagnostics
	}
	if errs, _ := diag.Count(ds); errs == 0 {
		// Not about the author's content (a full disk, an unreadable
		// file) but still the author's to fix, so shown the same way.
		ds = append(ds, diag.Errorf("", 0, "%v", err))
	}
	// A saved site stays up with the errors over it; a site that was
	// rendering is not one that could be finished.
	early, _ := prev.early.(*site.SavedSite)
	if rendering, ok := prev.early.(*site.Rendering); ok {
		defer rendering.Close()
	}
	hasSite := prev.output != nil || early != nil
	s.reportFailure(b, ds, hasSite)
	problems := problemsOf(s.opts.Source, ds)
	next := &state{
		output:   prev.output,
		problems: problems,
		overlay:  renderOverlay(problems, hasSite),
		version:  s.nextVersion(),
	}
	if early != nil {
		next.early = early
	}
	s.state.Store(next)
	s.events.publish(message{Event: eventError, Version: next.version, HTML: next.overlay})
}

func (s *Server) nextVersion() string {
	s.generation++
	return s.instance + "-" + strconv.Itoa(s.generation)
}

// eventFor says what open pages must do after a good build: reload, take
// new stylesheets ("css"), or nothing. A save of stylesheets alone changes
// every page too, since pages link to them by content hash; reloading the
// sheets is enough for those pages, and keeps the reader's place.
func eventFor(b batch, outputs []string, wasBroken bool) string {
	switch {
	case wasBroken:
		return eventReload // the overlay must go
	case len(outputs) == 0:
		return ""
	case b.all || len(b.paths) == 0:
		return eventReload
	}
	for _, p := range b.paths {
		if !hasExt(p, ".css") {
			return eventReload
		}
	}
	sheets := false
	for _, p := range outputs {
		switch {
		case hasExt(p, ".css"):
			sheets = true
		case !hasExt(p, ".html"):
			return eventReload
		}
	}
	if !sheets {
		return eventReload
	}
	return eventCSS
}

func hasExt(p, ext string) bool { return strings.EqualFold(path.Ext(p), ext) }

func (s *Server) logf(msg string) {
	fmt.Fprintf(s.opts.Log, "%s %s\n", time.Now().Format(time.TimeOnly), msg)
}

// report prints the one line a good build gets, and warnings not printed
// before.
func (s *Server) report(b batch, res *site.Result, elapsed time.Duration) {
	st := res.Stats
	if s.builds == 1 {
		line := fmt.Sprintf("built %s, %s", plural(st.Pages, "page"), plural(st.Posts, "post"))
		if st.Drafts > 0 {
			line += fmt.Sprintf(" (%s)", plural(st.Drafts, "draft"))
		}
		s.logf(fmt.Sprintf("%s in %d ms", line, elapsed.Milliseconds()))
	} else {
		s.logf(fmt.Sprintf("%s: %s re-rendered in %d ms", describe(b), plural(st.Rendered, "page"), elapsed.Milliseconds()))
	}
	s.reportWarnings(res.Diagnostics)
}

// maxNewWarnings caps the warnings printed after one build: a site's first
// build can have hundreds, and `weeknotes build` lists them all.
const maxNewWarnings = 20

// reportWarnings prints the warnings that are new since the last build, so
// a warning that stands is not repeated on every save.
func (s *Server) reportWarnings(ds []diag.Diagnostic) {
	seen := map[string]bool{}
	printed, unprinted := 0, 0
	for _, d := range ds {
		if d.Severity != diag.Warning {
			continue
		}
		d.Message = "warning: " + d.Message
		line := d.String()
		seen[line] = true
		switch {
		case s.lastWarnings[line]:
		case printed < maxNewWarnings:
			fmt.Fprintf(s.opts.Log, "  %s\n", line)
			printed++
		default:
			unprinted++
		}
	}
	if unprinted > 0 {
		fmt.Fprintf(s.opts.Log, "  and %s (weeknotes build --drafts --future lists them all)\n", plural(unprinted, "more warning"))
	}
	s.lastWarnings = seen
}

// reportFailure prints a failed build's errors, every one, as
// file:line: message.
func (s *Server) reportFailure(b batch, ds []diag.Diagnostic, hasSite bool) {
	errs, _ := diag.Count(ds)
	line := "build failed with " + plural(errs, "error")
	if s.builds > 1 {
		line = describe(b) + ": " + line
	}
	if hasSite {
		line += "; serving the last good build"
	}
	s.logf(line)
	for _, d := range ds {
		if d.Severity == diag.Error {
			fmt.Fprintf(s.opts.Log, "  %s\n", d.String())
		}
	}
	s.reportWarnings(ds)
}

// describe names what changed, briefly: "content/posts/x.md", or
// "content/posts/x.md and 2 more".
func describe(b batch) string {
	switch {
	case b.all || len(b.paths) == 0:
		return "everything"
	case len(b.paths) == 1:
		return b.paths[0]
	default:
		return fmt.Sprintf("%s and %d more", b.paths[0], len(b.paths)-1)
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// lockedWriter serialises writes, so that lines from the watcher and the
// builds never interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
