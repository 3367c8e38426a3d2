package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBuildCommandExitCodes(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"content/posts/2024-01-05-one.md": "---\ntitle: One\n---\n\nSee {% post_url 2024-01-12-two %}.\n",
	})
	code, _, stderr := runCLI(t, "build", "--source", dir)
	if code != exitFailure || !strings.Contains(stderr, `content/posts/2024-01-05-one.md:5: post_url: no post named "2024-01-12-two"`) {
		t.Errorf("broken link: exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "site")); !os.IsNotExist(err) {
		t.Error("a failed build created site/")
	}

	writeTree(t, dir, map[string]string{"content/posts/2024-01-12-two.md": "---\ntitle: Two\n---\n\nHi.\n"})
	code, stdout, stderr := runCLI(t, "build", "--source", dir)
	if code != exitOK || !strings.Contains(stdout, "built 2 posts") {
		t.Errorf("good site: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "site", "2024", "01", "05", "one", "index.html")); err != nil {
		t.Errorf("no page written: %v", err)
	}

	if code, _, _ := runCLI(t, "build", "--no-such-flag"); code != exitUsage {
		t.Errorf("bad flag: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCLI(t, "frobnicate"); code != exitUsage {
		t.Errorf("unknown command: exit %d, want %d", code, exitUsage)
	}
	if code, stdout, _ := runCLI(t, "--help"); code != exitOK || !strings.Contains(stdout, "publish") {
		t.Errorf("--help: exit %d, %q", code, stdout)
	}
}

func TestNewCommand(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"weeknotes.yaml":                "title: Notes\nauthor: A. Writer\nurl: https://notes.example\ntimezone: Europe/London\n",
		"content/posts/2026-02-08-b.md": "---\ntitle: B\nexcerpt: >\n  Weeknotes S02E04 - 8 February 2026\n---\n\nHi.\n",
	})
	code, stdout, stderr := runCLI(t, "new", "--source", dir, "--date", "2026-02-15", "A", "quiet", "week")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got := strings.TrimSpace(stdout); got != "content/posts/2026-02-15-a-quiet-week.md" {
		t.Errorf("printed %q", got)
	}
	data, err := os.ReadFile(filepath.Join(dir, "content/posts/2026-02-15-a-quiet-week.md"))
	if err != nil || !bytes.Contains(data, []byte("Weeknotes S02E05 - 15 February 2026")) || !bytes.Contains(data, []byte(`title: "A quiet week"`)) {
		t.Errorf("new post = %q, %v", data, err)
	}
	if code, _, stderr := runCLI(t, "new", "--source", dir, "--date", "2026-02-15", "A quiet week"); code != exitFailure || !strings.Contains(stderr, "already exists") {
		t.Errorf("second new: exit %d, %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "new", "--source", dir); code != exitUsage {
		t.Errorf("no title: exit %d", code)
	}
	// The site still builds with the new post in it.
	if code, _, stderr := runCLI(t, "build", "--source", dir, "--strict"); code != exitOK {
		t.Errorf("build after new: exit %d\n%s", code, stderr)
	}
}

func TestBuildCPUProfile(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"content/posts/2024-01-05-one.md": "---\ntitle: One\n---\n\nHi.\n"})
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	if code, _, stderr := runCLI(t, "build", "--quiet", "--source", dir, "--cpuprofile", prof); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if info, err := os.Stat(prof); err != nil || info.Size() == 0 {
		t.Errorf("no profile written: %v", err)
	}
	code, _, stderr := runCLI(t, "build", "--quiet", "--source", dir, "--cpuprofile", filepath.Join(dir, "no", "such", "dir", "cpu.prof"))
	if code != exitFailure || !strings.Contains(stderr, "cpu profile") {
		t.Errorf("unwritable profile: exit %d, stderr %q", code, stderr)
	}
}
