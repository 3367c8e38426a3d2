//go:build unix

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostileDir holds the fixtures; see its README.md.
const hostileDir = "../../testdata/hostile"

// escapedFiles are where the climbing permalinks of the fixtures aim.
var escapedFiles = []string{"/tmp/weeknotes-escaped.txt", "/tmp/weeknotes-escaped"}

// hostileCase is one attempt on a built site. The test copies base/ and
// the case's folder (if any) into root/src, plants root/outside/planted.txt,
// runs setup, and builds with args; src, the destination and the planted
// file must be byte for byte as they were, and stderr must hold want.
type hostileCase struct {
	name  string
	setup func(t *testing.T, src, outside string)
	args  []string // after "build --source SRC --no-cache"; "--dest" defaults to SRC/site
	want  []string
}

func symlink(target, link string) func(t *testing.T, src, outside string) {
	return func(t *testing.T, src, outside string) {
		t.Helper()
		target := strings.ReplaceAll(target, "OUTSIDE", outside)
		p := filepath.Join(src, filepath.FromSlash(link))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
}

func fifo(name string) func(t *testing.T, src, outside string) {
	return func(t *testing.T, src, outside string) {
		t.Helper()
		if err := syscall.Mkfifo(filepath.Join(src, filepath.FromSlash(name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var hostileCases = []hostileCase{
	{name: "post-permalink-climbs", want: []string{"content/posts/2024-02-19-escape.md:3: permalink:", `".."`}},
	{name: "post-permalink-climbs-mid", want: []string{"content/posts/2024-02-19-escape.md:4: permalink:"}},
	{name: "post-permalink-backslash", want: []string{"content/posts/2024-02-19-escape.md:3: permalink:", "backslash"}},
	{name: "page-permalink-climbs", want: []string{"content/pages/about.md:3: permalink:", `".."`}},
	{name: "config-permalink-climbs", want: []string{"weeknotes.yaml:3: permalink:", `".."`}},
	{name: "post-permalink-feed", want: []string{"content/posts/2024-02-19-feed.md:3: URL /feed.xml is also the URL of the generated /feed.xml"}},
	{name: "post-permalink-archive", want: []string{"content/posts/2024-02-19-archive.md:3: URL /archive/ is also the URL of the archive page"}},
	{name: "post-permalink-static", want: []string{"content/posts/2024-02-19-static.md:3: URL /static/notes.txt is also the URL of the static file static/notes.txt"}},
	{name: "duplicate-url", want: []string{"content/posts/2024-02-19-twin.md:5: URL /2024/02/05/first/ is also the URL of content/posts/2024-02-05-first.md"}},
	{name: "dest-is-source", args: []string{"--dest", "SRC"}, want: []string{"contains the site's input"},
		setup: func(t *testing.T, src, outside string) {
			// A marker copied from a built site must not let the build clean the sources.
			data, err := os.ReadFile(filepath.Join(src, "site", ".weeknotes-output"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(src, ".weeknotes-output"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	{name: "dest-inside-posts", args: []string{"--dest", "SRC/content/posts/out"}, want: []string{"is inside the site's input"}},
	{name: "dest-holds-others-files", want: []string{"holds files that weeknotes did not write (mine.txt)"},
		setup: func(t *testing.T, src, outside string) {
			writeTree(t, src, map[string]string{"site/mine.txt": "not the build's"})
		}},
	{name: "post-link-outside", setup: symlink("OUTSIDE/planted.txt", "content/posts/2024-02-19-link.md"),
		want: []string{"content/posts/2024-02-19-link.md: cannot read the file: a symbolic link leads outside the site's folder"}},
	{name: "post-folder-link-outside", setup: symlink("OUTSIDE", "content/posts/2024"),
		want: []string{}}, // a link to a folder is not walked: nothing is read through it
	{name: "post-fifo", setup: fifo("content/posts/2024-02-19-fifo.md"),
		want: []string{"content/posts/2024-02-19-fifo.md: cannot read the file: not a regular file"}},
	{name: "template-link-outside", setup: symlink("OUTSIDE/planted.txt", "templates/post.html"),
		want: []string{"templates/post.html: cannot read: a symbolic link leads outside"}},
	{name: "include-link-outside", setup: symlink("OUTSIDE/planted.txt", "templates/includes/note.html"),
		want: []string{"templates/includes/note.html: cannot read:", "outside the site's folder"}},
	{name: "static-link-outside", setup: symlink("OUTSIDE/planted.txt", "static/passwd.txt"),
		want: []string{"static/passwd.txt: cannot read:", "outside the site's folder"}},
	{name: "static-link-dev-zero", setup: symlink("/dev/zero", "static/zero.bin"),
		want: []string{"static/zero.bin: cannot read:", "outside the site's folder"}},
	{name: "static-folder-link", setup: symlink("../content", "static/content"),
		want: []string{"static/content: a link to a folder"}},
	{name: "static-fifo", setup: fifo("static/pipe"),
		want: []string{"static/pipe: not a regular file (a FIFO)"}},
}

func TestHostileSitesChangeNothing(t *testing.T) {
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			src, outside := filepath.Join(root, "src"), filepath.Join(root, "outside")
			copyTree(t, filepath.Join(hostileDir, "base"), src)
			writeTree(t, outside, map[string]string{"planted.txt": "a file outside the site\n"})
			if code, _, stderr := runCLI(t, "build", "--source", src, "--no-cache", "--quiet"); code != exitOK {
				t.Fatalf("the base site does not build: %s", stderr)
			}
			if _, err := os.Stat(filepath.Join(hostileDir, tc.name)); err == nil {
				copyTree(t, filepath.Join(hostileDir, tc.name), src)
			}
			if tc.setup != nil {
				tc.setup(t, src, outside)
			}
			before, escapedBefore := checksums(t, root), escapedState()
			args := []string{"build", "--source", src, "--no-cache"}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "SRC", src))
			}
			code, _, stderr := runCLI(t, args...)
			stderr = strings.ReplaceAll(stderr, src+string(filepath.Separator), "")
			t.Logf("exit %d, stderr:\n%s", code, stderr)
			if len(tc.want) == 0 {
				if code != exitOK {
					t.Errorf("exit %d, want a build; stderr:\n%s", code, stderr)
				}
				// A successful build changes site/ alone.
				for k := range before {
					if strings.HasPrefix(k, "src/site/") {
						delete(before, k)
					}
				}
			} else if code != exitFailure {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitFailure, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			after := checksums(t, root)
			if len(tc.want) == 0 {
				for k := range after {
					if strings.HasPrefix(k, "src/site/") {
						delete(after, k)
					}
				}
			}
			if diff := diffSums(before, after); diff != "" {
				t.Errorf("the build changed files:\n%s", diff)
			}
			if escapedState() != escapedBefore {
				t.Errorf("the build wrote %v", escapedFiles)
			}
		})
	}
}

// TestLinksInsideTheSiteWork builds a site whose post, static file and
// include are links to files inside it.
func TestLinksInsideTheSiteWork(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	copyTree(t, filepath.Join(hostileDir, "base"), src)
	writeTree(t, src, map[string]string{
		"drafts-elsewhere/2024-02-19-linked.md": "---\ntitle: Linked\n---\n\nKept in another folder.\n",
		"assets/kept.txt":                       "kept elsewhere\n",
	})
	symlink("../../drafts-elsewhere/2024-02-19-linked.md", "content/posts/2024-02-19-linked.md")(t, src, "")
	symlink(filepath.Join(src, "assets", "kept.txt"), "static/kept.txt")(t, src, "") // absolute, but inside
	if code, _, stderr := runCLI(t, "build", "--source", src, "--no-cache"); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for p, want := range map[string]string{
		"site/2024/02/19/linked/index.html": "Kept in another folder.",
		"site/static/kept.txt":              "kept elsewhere",
	} {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(p)))
		if err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s: %v, want it to hold %q", p, err, want)
		}
		if info, err := os.Lstat(filepath.Join(src, filepath.FromSlash(p))); err == nil && !info.Mode().IsRegular() {
			t.Errorf("%s is a %v in the output, want a regular file", p, info.Mode().Type())
		}
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checksums maps every file, folder and link under root to its content's
// SHA-256 (or its target, or its type).
func checksums(t *testing.T, root string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			sums[rel+"/"] = "folder"
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			sums[rel] = "link to " + target
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			sums[rel] = hex.EncodeToString(sum[:])
		default:
			sums[rel] = d.Type().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func diffSums(before, after map[string]string) string {
	var b strings.Builder
	for k, v := range before {
		if after[k] != v {
			b.WriteString("changed or gone: " + k + "\n")
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			b.WriteString("new: " + k + "\n")
		}
	}
	return b.String()
}

func escapedState() string {
	var b strings.Builder
	for _, p := range escapedFiles {
		_, err := os.Lstat(p)
		b.WriteString(p + ":" + strings.TrimSpace(errString(err)) + ";")
	}
	return b.String()
}

func errString(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "absent"
	}
	if err != nil {
		return err.Error()
	}
	return "present"
}

// TestPublishHostile publishes a built site into which a link to a file
// outside it was planted, while another publish holds the target, and with
// --max-deletes 0.
func TestPublishHostile(t *testing.T) {
	root := t.TempDir()
	src, outside, target := filepath.Join(root, "src"), filepath.Join(root, "outside"), filepath.Join(root, "target")
	copyTree(t, filepath.Join(hostileDir, "base"), src)
	writeTree(t, outside, map[string]string{"planted.txt": "a file outside the site\n"})
	if code, _, stderr := runCLI(t, "build", "--source", src, "--no-cache", "--quiet"); code != exitOK {
		t.Fatalf("the base site does not build: %s", stderr)
	}
	url := "file://" + target
	site := filepath.Join(src, "site")

	// A link inside site/ to a file outside it is an error at its path; a
	// link to a file inside it is published as that file.
	symlink("OUTSIDE/planted.txt", "site/static/leak.txt")(t, src, outside)
	symlink("notes.txt", "site/static/alias.txt")(t, src, outside)
	code, _, stderr := runCLI(t, "publish", "--source", src, "--quiet", url)
	if code != exitFailure || !strings.Contains(stderr, "static/leak.txt") || !strings.Contains(stderr, "outside the site's folder") {
		t.Errorf("publish with a link out of the site: exit %d, stderr:\n%s", code, stderr)
	}
	if entries, _ := os.ReadDir(target); len(entries) > 0 {
		t.Errorf("the refused publish wrote %d entries into the target", len(entries))
	}
	os.Remove(filepath.Join(site, "static", "leak.txt"))
	if code, _, stderr := runCLI(t, "publish", "--source", src, "--quiet", url); code != exitOK {
		t.Fatalf("publish: exit %d:\n%s", code, stderr)
	}
	if data, err := os.ReadFile(filepath.Join(target, "static", "alias.txt")); err != nil || string(data) != "a plain static file\n" {
		t.Errorf("the link inside the site was published as %q, %v", data, err)
	}

	// Another publish holds the target: refused, and nothing changes.
	lock := filepath.Join(target, ".weeknotes-publish.lock")
	if err := os.WriteFile(lock, []byte(`{"owner":"ci@runner, process 7","time":"`+time.Now().UTC().Format(time.RFC3339)+`","token":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(site, "static", "alias.txt"))
	before := checksums(t, target)
	code, _, stderr = runCLI(t, "publish", "--source", src, "--quiet", url)
	if code != exitFailure || !strings.Contains(stderr, "another publish to this target is running (ci@runner, process 7") {
		t.Errorf("publish while locked: exit %d, stderr:\n%s", code, stderr)
	}
	if diff := diffSums(before, checksums(t, target)); diff != "" {
		t.Errorf("the locked-out publish changed the target:\n%s", diff)
	}

	// --force-unlock takes it over; --max-deletes 0 keeps what left the site.
	code, stdout, stderr := runCLI(t, "publish", "--source", src, "--force-unlock", "--max-deletes", "0", url)
	if code != exitOK || !strings.Contains(stderr, "took over the lock of ci@runner") || !strings.Contains(stdout, "1 no longer in the site kept") {
		t.Errorf("forced publish with --max-deletes 0: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(target, "static", "alias.txt")); err != nil {
		t.Errorf("--max-deletes 0 deleted: %v", err)
	}
	if _, err := os.Stat(lock); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the lock is left behind: %v", err)
	}

	// A dry run with --max-deletes 0 shows the plan a real run carries out:
	// the object that left the site is kept, not listed as a delete.
	code, stdout, stderr = runCLI(t, "publish", "--source", src, "--dry-run", "--max-deletes", "0", url)
	if code != exitOK || strings.Contains(stdout, "alias.txt") || !strings.Contains(stdout, "1 no longer in the site would be kept") {
		t.Errorf("dry run with --max-deletes 0: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// TestBuildCleansLeftovers leaves what a killed build leaves beside the
// destination, and runs a build that has nothing to write.
func TestBuildCleansLeftovers(t *testing.T) {
	root := t.TempDir()
	src, dest := filepath.Join(root, "src"), filepath.Join(root, "out")
	copyTree(t, filepath.Join(hostileDir, "base"), src)
	for range 2 {
		if code, _, stderr := runCLI(t, "build", "--source", src, "--dest", dest, "--quiet"); code != exitOK {
			t.Fatalf("build: %s", stderr)
		}
	}
	left := filepath.Join(root, ".out.weeknotes-new")
	writeTree(t, left, map[string]string{".weeknotes-output": "written by weeknotes build\n", "2024/02/05/first/index.html": "half"})
	code, stdout, stderr := runCLI(t, "build", "--source", src, "--dest", dest)
	if code != exitOK {
		t.Fatalf("build: %s%s", stdout, stderr)
	}
	if _, err := os.Stat(left); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the half-built tree is still there after %q: %v", stdout, err)
	}
}
