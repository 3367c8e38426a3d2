package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weeknotes/weeknotes/internal/publish"
	"github.com/weeknotes/weeknotes/internal/site"
)

// publishTestSite lays out a site root with a built site in site/ and an
// empty target folder, and returns both.
func publishTestSite(t *testing.T, config string) (source, target string) {
	t.Helper()
	source, target = t.TempDir(), t.TempDir()
	files := map[string]string{
		"site/index.html":                     "<h1>Home</h1>",
		"site/2021/01/10/week-one/index.html": "<h1>Week one</h1>",
		"site/2021/01/17/week-two/index.html": "<h1>Week two</h1>",
		"site/about/index.html":               "<h1>About</h1>",
		"site/feed.xml":                       "<feed/>",
		"site/assets/style.css":               "body{}",
	}
	if config != "" {
		files["weeknotes.yaml"] = strings.ReplaceAll(config, "TARGET", "file://"+filepath.ToSlash(target))
	}
	for name, content := range files {
		p := filepath.Join(source, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return source, target
}

// runPublishTest runs the command and returns its exit status and output.
func runPublishTest(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := runPublish(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestPublishCommandUsage(t *testing.T) {
	source, target := publishTestSite(t, "publish:\n  production: TARGET\n  staging: TARGET\n")
	url := "file://" + filepath.ToSlash(target)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{name: "unknown flag", args: []string{"--verbose", url}, wantCode: exitUsage, wantErr: "flag provided but not defined"},
		{name: "two URLs", args: []string{url, url}, wantCode: exitUsage, wantErr: "one target URL at most"},
		{name: "URL and --target", args: []string{"--source", source, "--target", "production", url}, wantCode: exitUsage, wantErr: "not both"},
		{name: "not a URL", args: []string{"--source", source, "my-bucket"}, wantCode: exitUsage, wantErr: "want a URL"},
		{name: "no workers", args: []string{"--workers", "0", url}, wantCode: exitUsage, wantErr: "--workers"},
		{name: "bad delete limit", args: []string{"--max-deletes", "-2", url}, wantCode: exitUsage, wantErr: "--max-deletes"},
		{name: "unknown target", args: []string{"--source", source, "--target", "prod"}, wantCode: exitUsage, wantErr: "it names production, staging"},
		{name: "several targets, none chosen", args: []string{"--source", source}, wantCode: exitUsage, wantErr: "choose one with --target"},
		{name: "no target anywhere", args: []string{"--source", t.TempDir()}, wantCode: exitUsage, wantErr: "no target"},
	}
	for _, tt := range tests {
		code, _, stderr := runPublishTest(tt.args...)
		if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, stderr, tt.wantCode, tt.wantErr)
		}
	}

	code, stdout, stderr := runPublishTest("--help")
	if help := stdout + stderr; code != exitOK || !strings.Contains(help, "Usage: weeknotes publish [flags] [URL]") || !strings.Contains(help, "-changed-paths FILE") {
		t.Errorf("--help: exit %d, output %q", code, help)
	}
}

func TestPublishCommand(t *testing.T) {
	source, target := publishTestSite(t, "")
	url := "file://" + filepath.ToSlash(target)
	changed := filepath.Join(t.TempDir(), "changed.txt")
	readChanged := func() string {
		data, err := os.ReadFile(changed)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}

	// Flags may follow the URL.
	code, stdout, stderr := runPublishTest(url, "--source", source, "--changed-paths", changed)
	if code != exitOK || !strings.Contains(stdout, "Published: 6 uploaded") {
		t.Fatalf("first publish: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if want := "/\n/2021/01/10/week-one/\n/2021/01/17/week-two/\n/about/\n/assets/style.css\n/feed.xml\n"; readChanged() != want {
		t.Errorf("changed paths %q, want %q", readChanged(), want)
	}
	if _, err := os.Stat(filepath.Join(target, "2021", "01", "10", "week-one", "index.html")); err != nil {
		t.Errorf("the post is not in the target: %v", err)
	}

	code, stdout, _ = runPublishTest("--source", source, "--changed-paths", changed, "--quiet", url)
	if code != exitOK || stdout != "" || readChanged() != "" {
		t.Errorf("quiet publish of nothing new: exit %d, output %q, changed paths %q", code, stdout, readChanged())
	}

	page := filepath.Join(source, "site", "about", "index.html")
	if err := os.WriteFile(page, []byte("<h1>About me</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runPublishTest("--source", source, "--dry-run", "--changed-paths", changed, url)
	if code != exitOK || !strings.Contains(stdout, "content changed") || !strings.Contains(stdout, "Dry run: nothing was changed.") || readChanged() != "/about/\n" {
		t.Errorf("dry run: exit %d, output %q, changed paths %q", code, stdout, readChanged())
	}
	if data, _ := os.ReadFile(filepath.Join(target, "about", "index.html")); string(data) != "<h1>About</h1>" {
		t.Errorf("the dry run changed the target: %q", data)
	}

	for _, name := range []string{"about/index.html", "feed.xml", "assets/style.css"} {
		if err := os.Remove(filepath.Join(source, "site", filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr = runPublishTest("--source", source, "--max-deletes", "2", url)
	if code != exitFailure || !strings.Contains(stderr, "refusing to delete 3 objects") || !strings.Contains(stderr, "--max-deletes 3") {
		t.Errorf("over the delete limit: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(target, "feed.xml")); err != nil {
		t.Errorf("a refused publish deleted a file: %v", err)
	}
	code, stdout, _ = runPublishTest("--source", source, "--max-deletes", "3", url)
	if code != exitOK || !strings.Contains(stdout, "3 deleted") {
		t.Errorf("within the delete limit: exit %d, output %q", code, stdout)
	}
}

func TestPublishCommandTargetsFromConfig(t *testing.T) {
	source, target := publishTestSite(t, "publish:\n  production: TARGET?prefix=blog\nheaders:\n  - glob: \"**.html\"\n    cache_control: no-cache\n")
	code, stdout, stderr := runPublishTest("--source", source)
	if code != exitOK || !strings.Contains(stdout, "(target production)") {
		t.Fatalf("the only target: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(target, "blog", "index.html")); err != nil {
		t.Errorf("not published under the prefix: %v", err)
	}
	code, stdout, _ = runPublishTest("--source", source, "--target", "production")
	if code != exitOK || !strings.Contains(stdout, "Nothing to publish.") {
		t.Errorf("named target: exit %d, output %q", code, stdout)
	}
}

func TestPublishCommandFailures(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		prepare func(t *testing.T, source string) []string // extra arguments
		wantErr string
	}{
		{
			name: "no built site",
			prepare: func(t *testing.T, source string) []string {
				return []string{"--dir", filepath.Join(source, "public")}
			},
			wantErr: "run weeknotes build first",
		},
		{
			name: "a folder that is not a built site",
			prepare: func(t *testing.T, source string) []string {
				if err := os.Remove(filepath.Join(source, "site", "index.html")); err != nil {
					t.Fatal(err)
				}
				return nil
			},
			wantErr: "no index.html at its root",
		},
		{
			name:    "a bad header rule",
			config:  "headers:\n  - glob: \"[a\"\n",
			wantErr: "weeknotes.yaml:2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			source, target := publishTestSite(t, tt.config)
			args := []string{"--source", source, "file://" + filepath.ToSlash(target)}
			if tt.prepare != nil {
				args = append(args, tt.prepare(t, source)...)
			}
			code, _, stderr := runPublishTest(args...)
			if code != exitFailure || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitFailure, tt.wantErr)
			}
			if entries, _ := os.ReadDir(target); len(entries) != 0 {
				t.Errorf("the target was written to")
			}
		})
	}
}

// TestPublishSkipsTheBuildMarker keeps publish's idea of the build's
// bookkeeping file in step with the build's.
func TestPublishSkipsTheBuildMarker(t *testing.T) {
	if publish.BuildMarker != site.MarkerFile {
		t.Errorf("publish skips %q, but the build writes %q", publish.BuildMarker, site.MarkerFile)
	}
}
