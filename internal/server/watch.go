package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is how long the watcher waits after the last file event
// before it reports a save. A save's events (temporary file, rename,
// backup removal, a 1 MB file written in 4 KB pieces) arrive within 0.1 ms
// of each other on Linux, even on a loaded machine, so 10 ms sees one save
// as one change with a wide margin; and it is most of what the server adds
// to the time from save to reload, so it is kept short.
const DefaultDebounce = 10 * time.Millisecond

// batch is what changed during one burst of file events.
type batch struct {
	paths []string // sorted slash paths relative to the site root
	all   bool     // something changed that cannot be named file by file (a folder vanished, events were lost)
}

// changed returns the paths to hand to Builder.Build: nil means everything.
func (b batch) changed() []string {
	if b.all {
		return nil
	}
	return b.paths
}

// touchesAny reports whether the batch may include one of files.
func (b batch) touchesAny(files []string) bool {
	if b.all {
		return true
	}
	for _, f := range files {
		if slices.Contains(b.paths, path.Clean(f)) {
			return true
		}
	}
	return false
}

// watcher turns file-system events under a site's source folders into
// batches of changed paths. fsnotify watches single folders, so the watcher
// keeps one watch per folder, adds watches for folders created later, and
// watches the folders above each watched root so that a root created after
// start (templates/ in a site that had none) is picked up too.
type watcher struct {
	root     string        // absolute site root
	roots    []string      // slash folders relative to root, watched with everything under them
	files    []string      // slash files relative to root, watched on their own
	debounce time.Duration // quiet time that ends a burst
	log      func(string)  // reports trouble with the watches themselves
	fsw      *fsnotify.Watcher
	dirs     map[string]bool // slash folders relative to root that have a watch; "." is the root
	rescope  chan rescope    // new roots for run to watch, after the configuration moved a folder
	stopped  chan struct{}   // closed when run returns

	// after starts the quiet time of a burst: time.After, or a clock the
	// tests drive by hand. seen, when set, is told the path of every event
	// run takes, in order, before it is filtered; tests use it to know that
	// the events of what they did have all arrived.
	after func(time.Duration) <-chan time.Time
	seen  func(rel string)
}

// newWatcher starts watching. roots and files are slash paths relative to
// root; they need not exist yet.
func newWatcher(root string, roots, files []string, debounce time.Duration, log func(string)) (*watcher, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", root, err)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", root, err)
	}
	w := &watcher{
		root:     abs,
		roots:    cleanAll(roots),
		files:    cleanAll(files),
		debounce: debounce,
		log:      log,
		fsw:      fsw,
		dirs:     map[string]bool{},
		rescope:  make(chan rescope),
		stopped:  make(chan struct{}),
		after:    time.After,
	}
	if err := w.addTree(".", nil); err != nil {
		fsw.Close()
		return nil, err
	}
	return w, nil
}

func cleanAll(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p != "" {
			out = append(out, path.Clean(filepath.ToSlash(p)))
		}
	}
	return out
}

// Close stops watching.
func (w *watcher) Close() error { return w.fsw.Close() }

// within reports whether rel is under dir or is dir.
func within(rel, dir string) bool {
	return rel == dir || dir == "." || strings.HasPrefix(rel, dir+"/")
}

// inScope reports whether a change to rel matters to the build: rel is a
// watched file, or lies in a watched root.
func (w *watcher) inScope(rel string) bool {
	for _, f := range w.files {
		if rel == f {
			return true
		}
	}
	for _, r := range w.roots {
		if within(rel, r) {
			return true
		}
	}
	return false
}

// leadsToScope reports whether rel is a folder above a watched root or file,
// which must be watched to notice that root or file being created.
func (w *watcher) leadsToScope(rel string) bool {
	if rel == "." {
		return true
	}
	for _, list := range [][]string{w.roots, w.files} {
		for _, p := range list {
			if strings.HasPrefix(p, rel+"/") {
				return true
			}
		}
	}
	return false
}

// ignored reports whether rel is a file no build reads: editors' swap,
// backup and lock files, and anything hidden. Each element of the path is
// checked, so nothing under .git or a hidden folder counts either.
func ignored(rel string) bool {
	if rel == "." {
		return false
	}
	for _, name := range strings.Split(rel, "/") {
		if ignoredName(name) {
			return true
		}
	}
	return false
}

func ignoredName(name string) bool {
	switch {
	case name == "", strings.HasPrefix(name, "."): // .x.swp, .#x (Emacs locks), .DS_Store, .git
		return true
	case name == "4913": // Vim's probe for whether it may write to the folder
		return true
	case strings.HasSuffix(name, "~"): // Vim and Emacs backups
		return true
	case strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"): // Emacs auto-saves
		return true
	case strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"): // JetBrains safe writes
		return true
	case strings.HasSuffix(name, ".crswap"), strings.HasSuffix(name, ".kate-swp"):
		return true
	}
	// Vim's swap files run .swp, .swo, .swn, ... down to .swa, and .swx is
	// its probe for whether swap files can be made.
	ext := path.Ext(name)
	return len(ext) == 4 && strings.HasPrefix(ext, ".sw") && ext[3] >= 'a' && ext[3] <= 'x'
}

// rel turns an event's absolute name into a slash path relative to the root.
func (w *watcher) rel(name string) (string, bool) {
	r, err := filepath.Rel(w.root, name)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// addTree watches rel and the folders under it that matter, and calls found
// with each file in scope already there: when a folder is created or moved
// in, its files arrive without events of their own. The watch is added
// before the folder is read, so a file created meanwhile is seen one way or
// the other.
func (w *watcher) addTree(rel string, found func(string)) error {
	start := filepath.Join(w.root, filepath.FromSlash(rel))
	return filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		r, ok := w.rel(p)
		if !ok {
			return nil
		}
		if err != nil {
			// A folder that vanished while being read has its own
			// Remove event; one that cannot be read is reported but
			// must not stop the others being watched.
			if !errors.Is(err, fs.ErrNotExist) {
				w.log(fmt.Sprintf("watch %s: %v", r, err))
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if ignored(r) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			if found != nil && w.inScope(r) {
				found(r)
			}
			return nil
		}
		if !w.inScope(r) && !w.leadsToScope(r) {
			return fs.SkipDir
		}
		if !w.dirs[r] {
			if err := w.fsw.Add(p); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return fs.SkipDir
				}
				return fmt.Errorf("watch %s: %w (on Linux, raising fs.inotify.max_user_watches may help)", r, err)
			}
			w.dirs[r] = true
		}
		return nil
	})
}

// forget drops the watches of dir and every folder under it. inotify moves
// a watch with its folder, so a folder renamed elsewhere would otherwise
// keep reporting under its old name.
func (w *watcher) forget(dir string) {
	for d := range w.dirs {
		if within(d, dir) {
			// The folder may be gone, taking its watch with it.
			_ = w.fsw.Remove(filepath.Join(w.root, filepath.FromSlash(d)))
			delete(w.dirs, d)
		}
	}
}

// pending gathers the changes of a burst.
type pending struct {
	paths map[string]bool
	all   bool
}

func (p *pending) add(rel string) {
	if p.paths == nil {
		p.paths = map[string]bool{}
	}
	p.paths[rel] = true
}

func (p *pending) empty() bool { return !p.all && len(p.paths) == 0 }

func (p *pending) take() batch {
	b := batch{all: p.all}
	if !b.all {
		for rel := range p.paths {
			b.paths = append(b.paths, rel)
		}
		sort.Strings(b.paths)
	}
	*p = pending{}
	return b
}

// handle records what one event changed. It reports whether the event
// concerned the build at all, so that only such events extend a burst.
func (w *watcher) handle(ev fsnotify.Event, p *pending) bool {
	rel, ok := w.rel(ev.Name)
	if ok && w.seen != nil {
		w.seen(rel)
	}
	if !ok || rel == "." || ignored(rel) {
		return false
	}
	// Permission and timestamp changes alter no content; indexers and
	// backup tools make many of them.
	if ev.Op == fsnotify.Chmod {
		return false
	}
	relevant := false
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if w.dirs[rel] {
			// Which files went with the folder is not known any more.
			w.forget(rel)
			p.all = true
			return true
		}
		if w.inScope(rel) {
			p.add(rel)
			relevant = true
		}
	}
	if ev.Has(fsnotify.Create) {
		if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
			if !w.inScope(rel) && !w.leadsToScope(rel) {
				return relevant
			}
			if err := w.addTree(rel, p.add); err != nil {
				w.log(err.Error())
				p.all = true
			}
			return true
		}
	}
	if (ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write)) && w.inScope(rel) {
		p.add(rel)
		relevant = true
	}
	return relevant
}

// run sends one batch per burst of events on out, until ctx is done or the
// watcher is closed. A burst ends when no event has come for the debounce
// time; while the receiver is busy (a build is running) changes keep being
// gathered, and go out together as soon as it is ready again.
func (w *watcher) run(ctx context.Context, out chan<- batch) {
	var (
		p     pending
		quiet <-chan time.Time // ends the burst, while one is open; each event starts it afresh
		ready batch            // the batch on offer once the burst is over
		send  chan<- batch     // out, while a batch is on offer
	)
	defer close(w.stopped)
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.handle(ev, &p) {
				// Take back a batch on offer: it grows with this event.
				if send != nil {
					p.merge(ready)
					send = nil
				}
				quiet = w.after(w.debounce)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost, so no list of changes is complete.
				p.all = true
				quiet = w.after(w.debounce)
				continue
			}
			w.log(fmt.Sprintf("watch: %v", err))
		case r := <-w.rescope:
			w.setRoots(r.roots)
			close(r.done)
		case <-quiet:
			quiet = nil
			if !p.empty() {
				ready = p.take()
				send = out
			}
		case send <- ready:
			send = nil
			ready = batch{}
		}
	}
}

// rescope asks run to watch other roots, and is answered by closing done
// once their watches are in place: a build started after that reads the
// folders whole, and any later change to them is reported.
type rescope struct {
	roots []string
	done  chan struct{}
}

// setScope has run watch roots instead of the folders given so far, and
// returns once it does. It returns at once if run has stopped.
func (w *watcher) setScope(roots []string) {
	r := rescope{roots: roots, done: make(chan struct{})}
	select {
	case w.rescope <- r:
	case <-w.stopped:
		return
	}
	select {
	case <-r.done:
	case <-w.stopped:
	}
}

// setRoots watches roots instead of the folders given so far. Folders that
// are no longer roots keep their watches, but their events are out of
// scope; the build that follows a configuration change reads the new
// folders whole, so nothing in them needs reporting now.
func (w *watcher) setRoots(roots []string) {
	w.roots = cleanAll(roots)
	if err := w.addTree(".", nil); err != nil {
		w.log(err.Error())
	}
}

// merge puts a batch back into p.
func (p *pending) merge(b batch) {
	p.all = p.all || b.all
	for _, rel := range b.paths {
		p.add(rel)
	}
}
