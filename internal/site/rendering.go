package site

import (
	"context"
	"errors"
	"sync"
)

// Rendering on demand: once a build has made the site's model and listed
// every file of the output, the preview need not wait for all of them.
// BuildRendering hands it a Rendering, which answers for any file of the
// output at once: a page not rendered yet is rendered there and then, by
// the same work the build would have done, and the build then keeps it
// rather than rendering it again. Each file is made once, whoever asks
// first, so what is served early is the file the finished build holds.

// pendingFile is the work that makes one file of the output, done once by
// whichever asks first: a worker of the build, or a request.
type pendingFile struct {
	once sync.Once
	make func()
}

func (p *pendingFile) do() { p.once.Do(p.make) }

// named registers make as the work that makes the output file out, when
// the build hands out a Rendering, and returns the work for the build's
// workers.
func (r *run) named(out string, make func()) func() {
	if r.ready == nil {
		return make
	}
	p := &pendingFile{make: make}
	r.pending[out] = p
	return p.do
}

// Rendering is a site whose build is rendering its pages (see
// BuildRendering). It is safe for concurrent use, and stops answering once
// closed.
type Rendering struct {
	r      *run
	static map[string]*File // copied files, which the build adds to the output last

	mu     sync.RWMutex
	closed bool
}

// ErrNotRendered is returned by Rendering.File for a file whose making
// failed: the build's result says why.
var ErrNotRendered = errors.New("the file could not be made; the build reports why")

// Has reports whether the site has a file at the output path name.
func (p *Rendering) Has(name string) bool {
	if p.static[name] != nil || p.r.pending[name] != nil {
		return true
	}
	p.r.mu.Lock()
	defer p.r.mu.Unlock()
	return p.r.out.Files[name] != nil
}

// File returns the file at the output path name, making it first when the
// build has not yet; nil when the site has none.
func (p *Rendering) File(name string) (*File, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return nil, ErrClosed
	}
	if f := p.static[name]; f != nil {
		return f, nil
	}
	pending := p.r.pending[name]
	if pending != nil {
		pending.do()
	}
	p.r.mu.Lock()
	f := p.r.out.Files[name]
	p.r.mu.Unlock()
	if f == nil && pending != nil {
		return nil, ErrNotRendered
	}
	return f, nil
}

// Close makes the Rendering answer no more, once the files being made for
// requests are done: the builder's next build changes what they are made
// from. Call it once the build has returned.
func (p *Rendering) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}

// BuildRendering is Build, calling ready with a Rendering of the site as
// soon as every file of the output is known and the content has no errors
// (the model is made), while the pages still render. It is for builds that
// keep the site in memory; with Options.StreamTo, ready is never called.
// ready must not block; the caller closes the Rendering after the build.
func (b *Builder) BuildRendering(ctx context.Context, changed []string, ready func(*Rendering)) (*Result, error) {
	if b.opts.StreamTo != "" {
		ready = nil
	}
	return b.build(ctx, changed, ready)
}

// handOver gives the build's Rendering to its ready function, once the
// work of every file is listed and before any is done.
func (b *Builder) handOver(r *run) {
	if r.ready == nil {
		return
	}
	static := make(map[string]*File, len(b.static))
	for name, f := range b.static {
		if !b.ownedBySite(name) {
			static[name] = f
		}
	}
	r.ready(&Rendering{r: r, static: static})
}
