package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestIgnored(t *testing.T) {
	tests := map[string]bool{
		"content/posts/x.md":              false,
		"content/posts/2021/x.md":         false,
		"weeknotes.yaml":                  false,
		"static/images/a.png":             false,
		"content/posts/.x.md.swp":         true,
		"content/posts/.x.md.swo":         true,
		"content/posts/.x.md.swx":         true,
		"content/posts/x.md.swp":          true,
		"content/posts/x.md~":             true,
		"content/posts/4913":              true,
		"content/posts/.#x.md":            true,
		"content/posts/#x.md#":            true,
		"content/posts/x.md___jb_tmp___":  true,
		"content/posts/x.md___jb_old___":  true,
		"content/posts/x.md.crswap":       true,
		"content/posts/.DS_Store":         true,
		"content/.git/HEAD":               true,
		"content/.hidden/x.md":            true,
		"content/posts/x.sw":              false,
		"content/posts/#hashtag.md":       false,
		"content/posts/49130.md":          false,
		"content/posts/answer-4913.md":    false,
		"content/posts/x.md.swz":          false,
		"content/posts/notes~draft.md":    false,
		"static/fonts/Inter.var.woff2":    false,
		"templates/partials/header.html":  false,
		"content/posts/.x.md.tmp":         true,
		"content/posts/2021/.goutputx.md": true,
	}
	for rel, want := range tests {
		if got := ignored(rel); got != want {
			t.Errorf("ignored(%q) = %v, want %v", rel, got, want)
		}
	}
}

// handClock is a debounce clock the test drives: the watcher asks it for
// the end of a quiet time, and the test says when that has come.
type handClock struct {
	mu      sync.Mutex
	asked   []time.Duration // every quiet time asked for, in order
	pending chan time.Time  // the latest one asked for, not yet ended
}

func (c *handClock) after(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked = append(c.asked, d)
	c.pending = make(chan time.Time, 1)
	return c.pending
}

// timesAsked is how many quiet times the watcher has asked for: one for
// every event that concerned the build.
func (c *handClock) timesAsked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.asked)
}

// endQuiet ends the latest quiet time, as if the debounce time had passed
// with no event.
func (c *handClock) endQuiet(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		t.Fatal("no quiet time to end: no event concerned the build")
	}
	c.pending <- time.Time{}
	c.pending = nil
}

// testWatcher is a running watcher with a hand clock.
type testWatcher struct {
	*watcher
	dir   string
	out   chan batch
	clock *handClock
	seen  chan string // the path of every event the watcher takes
	syncs int
}

// startWatcher watches a fresh site folder.
func startWatcher(t *testing.T) *testWatcher {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "content/posts/a.md", "a")
	writeFile(t, dir, "content/posts/2021/b.md", "b")
	writeFile(t, dir, "static/style.css", "body{}")
	writeFile(t, dir, "weeknotes.yaml", "title: x")
	writeFile(t, dir, "site/index.html", "output")
	return runWatcher(t, dir, []string{"content", "static", "templates"})
}

func runWatcher(t *testing.T, dir string, roots []string) *testWatcher {
	t.Helper()
	w, err := newWatcher(dir, roots, []string{"weeknotes.yaml"}, DefaultDebounce, func(msg string) { t.Error(msg) })
	if err != nil {
		t.Fatal(err)
	}
	tw := &testWatcher{watcher: w, dir: dir, out: make(chan batch), clock: &handClock{}, seen: make(chan string, 1024)}
	w.after = tw.clock.after
	w.seen = func(rel string) { tw.seen <- rel }
	ctx, cancel := context.WithCancel(context.Background())
	go w.run(ctx, tw.out)
	t.Cleanup(func() {
		cancel()
		<-w.stopped
		w.Close()
	})
	return tw
}

// sync waits until the watcher has taken every event of what the test did
// so far. Events come in the order they happened, so once the watcher takes
// the event of a marker file written now, it has taken all earlier ones.
// The marker's name is one the watcher ignores.
func (tw *testWatcher) sync(t *testing.T) {
	t.Helper()
	tw.syncs++
	marker := fmt.Sprintf("content/posts/.sync%d.swp", tw.syncs)
	writeFile(t, tw.dir, marker, "x")
	for {
		select {
		case rel := <-tw.seen:
			if rel == marker {
				return
			}
		case <-time.After(eventWait):
			t.Fatalf("the watcher never took the event of %s", marker)
		}
	}
}

// receive returns the batch on offer once the quiet time is over.
func (tw *testWatcher) receive(t *testing.T) batch {
	t.Helper()
	tw.clock.endQuiet(t)
	select {
	case b := <-tw.out:
		return b
	case <-time.After(eventWait):
		t.Fatal("no batch once the quiet time was over")
		return batch{}
	}
}

// noBatch checks that nothing is on offer and that no event since the
// last batch concerned the build.
func (tw *testWatcher) noBatch(t *testing.T, asked int) {
	t.Helper()
	tw.sync(t)
	if n := tw.clock.timesAsked(); n != asked {
		t.Errorf("%d events concerned the build, want %d", n-asked, 0)
	}
	select {
	case b := <-tw.out:
		t.Errorf("batch %+v", b)
	default:
	}
}

func TestWatcherBatches(t *testing.T) {
	tests := []struct {
		name string
		do   func(t *testing.T, dir string)
		want batch
	}{
		{"a burst of writes", func(t *testing.T, dir string) {
			for i := range 5 {
				writeFile(t, dir, "content/posts/a.md", string(rune('a'+i)))
			}
		}, batch{paths: []string{"content/posts/a.md"}}},
		{"temporary file renamed over", func(t *testing.T, dir string) {
			renameOver(t, dir, "content/posts/2021/b.md", "new")
		}, batch{paths: []string{"content/posts/2021/b.md"}}},
		{"removed", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "content/posts/a.md"))
		}, batch{paths: []string{"content/posts/a.md"}}},
		{"renamed", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "content/posts/a.md"), filepath.Join(dir, "content/posts/c.md"))
		}, batch{paths: []string{"content/posts/a.md", "content/posts/c.md"}}},
		{"several files", func(t *testing.T, dir string) {
			writeFile(t, dir, "weeknotes.yaml", "title: y")
			writeFile(t, dir, "static/style.css", "body{color:red}")
		}, batch{paths: []string{"static/style.css", "weeknotes.yaml"}}},
		{"nested folders made at once", func(t *testing.T, dir string) {
			writeFile(t, dir, "content/posts/2022/01/02/d.md", "d")
			writeFile(t, dir, "content/posts/2022/01/02/e.md", "e")
		}, batch{paths: []string{"content/posts/2022/01/02/d.md", "content/posts/2022/01/02/e.md"}}},
		{"a watched folder made after start", func(t *testing.T, dir string) {
			writeFile(t, dir, "templates/partials/head.html", "x")
		}, batch{paths: []string{"templates/partials/head.html"}}},
		{"a folder removed", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "content/posts/2021"))
		}, batch{all: true}},
		{"a folder moved away", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "content/posts/2021"), filepath.Join(dir, "attic"))
		}, batch{all: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tw := startWatcher(t)
			tt.do(t, tw.dir)
			tw.sync(t)
			if got := tw.receive(t); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("batch = %+v, want %+v", got, tt.want)
			}
			tw.noBatch(t, tw.clock.timesAsked())
		})
	}
}

func TestWatcherIgnoresWhatNoBuildReads(t *testing.T) {
	tw := startWatcher(t)
	writeFile(t, tw.dir, "site/index.html", "rebuilt by hand")
	writeFile(t, tw.dir, "README.md", "notes")
	writeFile(t, tw.dir, "content/posts/.a.md.swp", "swap")
	writeFile(t, tw.dir, "content/.git/index", "git")
	if err := os.Chmod(filepath.Join(tw.dir, "content/posts/a.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	tw.noBatch(t, 0)
}

func TestWatcherGathersWhileBuilding(t *testing.T) {
	tw := startWatcher(t)
	writeFile(t, tw.dir, "content/posts/a.md", "1")
	tw.sync(t)
	// The burst is over, and its batch on offer; not receiving it stands
	// for a build in progress. A save made meanwhile must join it.
	tw.clock.endQuiet(t)
	writeFile(t, tw.dir, "content/posts/2021/b.md", "2")
	tw.sync(t)
	want := batch{paths: []string{"content/posts/2021/b.md", "content/posts/a.md"}}
	if got := tw.receive(t); !reflect.DeepEqual(got, want) {
		t.Errorf("batch = %+v, want %+v", got, want)
	}
}

func TestWatcherDebounce(t *testing.T) {
	tw := startWatcher(t)
	writeFile(t, tw.dir, "content/posts/a.md", "1")
	tw.sync(t)
	select {
	case b := <-tw.out:
		t.Fatalf("batch %+v before the quiet time was over", b)
	default:
	}
	tw.clock.mu.Lock()
	asked := slices.Clone(tw.clock.asked)
	tw.clock.mu.Unlock()
	if len(asked) == 0 || asked[len(asked)-1] != DefaultDebounce {
		t.Errorf("quiet times asked for: %v, want the last to be %v", asked, DefaultDebounce)
	}
	if got, want := tw.receive(t), (batch{paths: []string{"content/posts/a.md"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("batch = %+v, want %+v", got, want)
	}
}

// TestWatcherRescope follows a configuration that moves the posts to a
// folder that was not watched at start.
func TestWatcherRescope(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "content/posts/a.md", "a")
	writeFile(t, dir, "notes/2021/b.md", "b")
	tw := runWatcher(t, dir, []string{"content"})

	writeFile(t, dir, "notes/2021/b.md", "before")
	tw.noBatch(t, 0)

	tw.setScope([]string{"content", "notes"})
	writeFile(t, dir, "notes/2021/b.md", "after")
	tw.sync(t)
	if got, want := tw.receive(t), (batch{paths: []string{"notes/2021/b.md"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("batch = %+v, want %+v", got, want)
	}
}

func TestBatchTouchesAny(t *testing.T) {
	files := []string{"weeknotes.yaml", "_config.yml"}
	tests := []struct {
		b    batch
		want bool
	}{
		{batch{paths: []string{"content/posts/a.md"}}, false},
		{batch{paths: []string{"content/posts/a.md", "weeknotes.yaml"}}, true},
		{batch{paths: []string{"_config.yml"}}, true},
		{batch{all: true}, true},
	}
	for _, tt := range tests {
		if got := tt.b.touchesAny(files); got != tt.want {
			t.Errorf("%+v.touchesAny = %v, want %v", tt.b, got, tt.want)
		}
	}
}
