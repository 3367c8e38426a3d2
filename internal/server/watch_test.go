package server

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
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

// startWatcher watches a fresh site folder and returns it with the channel
// batches arrive on.
func startWatcher(t *testing.T) (string, <-chan batch) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "content/posts/a.md", "a")
	writeFile(t, dir, "content/posts/2021/b.md", "b")
	writeFile(t, dir, "static/style.css", "body{}")
	writeFile(t, dir, "weeknotes.yaml", "title: x")
	writeFile(t, dir, "site/index.html", "output")
	w, err := newWatcher(dir, []string{"content", "static", "templates"}, []string{"weeknotes.yaml"}, DefaultDebounce, func(msg string) { t.Error(msg) })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan batch)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx, out)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		w.Close()
	})
	return dir, out
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
				time.Sleep(time.Millisecond)
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
			dir, out := startWatcher(t)
			tt.do(t, dir)
			select {
			case got := <-out:
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("batch = %+v, want %+v", got, tt.want)
				}
			case <-time.After(eventWait):
				t.Fatal("no batch")
			}
			select {
			case got := <-out:
				t.Errorf("second batch %+v", got)
			case <-time.After(100 * time.Millisecond):
			}
		})
	}
}

func TestWatcherIgnoresWhatNoBuildReads(t *testing.T) {
	dir, out := startWatcher(t)
	writeFile(t, dir, "site/index.html", "rebuilt by hand")
	writeFile(t, dir, "README.md", "notes")
	writeFile(t, dir, "content/posts/.a.md.swp", "swap")
	writeFile(t, dir, "content/.git/index", "git")
	if err := os.Chmod(filepath.Join(dir, "content/posts/a.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-out:
		t.Errorf("batch %+v", got)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestWatcherGathersWhileBuilding(t *testing.T) {
	dir, out := startWatcher(t)
	writeFile(t, dir, "content/posts/a.md", "1")
	// Not receiving stands for a build in progress: saves made meanwhile
	// must come as one batch once it is over.
	time.Sleep(5 * DefaultDebounce)
	writeFile(t, dir, "content/posts/2021/b.md", "2")
	time.Sleep(5 * DefaultDebounce)
	select {
	case got := <-out:
		want := batch{paths: []string{"content/posts/2021/b.md", "content/posts/a.md"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("batch = %+v, want %+v", got, want)
		}
	case <-time.After(eventWait):
		t.Fatal("no batch")
	}
}

func TestWatcherDebounce(t *testing.T) {
	dir, out := startWatcher(t)
	start := time.Now()
	writeFile(t, dir, "content/posts/a.md", "1")
	select {
	case <-out:
		if waited := time.Since(start); waited < DefaultDebounce {
			t.Errorf("batch after %v, before the debounce of %v", waited, DefaultDebounce)
		}
	case <-time.After(eventWait):
		t.Fatal("no batch")
	}
}

// TestWatcherRescope follows a configuration that moves the posts to a
// folder that was not watched at start.
func TestWatcherRescope(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "content/posts/a.md", "a")
	writeFile(t, dir, "notes/2021/b.md", "b")
	w, err := newWatcher(dir, []string{"content"}, []string{"weeknotes.yaml"}, DefaultDebounce, func(msg string) { t.Error(msg) })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan batch)
	go w.run(ctx, out)
	t.Cleanup(func() {
		cancel()
		<-w.stopped
		w.Close()
	})

	writeFile(t, dir, "notes/2021/b.md", "before")
	select {
	case got := <-out:
		t.Fatalf("a folder outside the roots reported %+v", got)
	case <-time.After(100 * time.Millisecond):
	}

	w.setScope([]string{"content", "notes"})
	writeFile(t, dir, "notes/2021/b.md", "after")
	select {
	case got := <-out:
		if want := (batch{paths: []string{"notes/2021/b.md"}}); !reflect.DeepEqual(got, want) {
			t.Errorf("batch = %+v, want %+v", got, want)
		}
	case <-time.After(eventWait):
		t.Fatal("no batch from the new root")
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
