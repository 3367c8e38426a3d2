package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/weeknotes/weeknotes/internal/scaffold"
)

// fixInit makes init's answers and clock those of a test: answers read
// from input when ask is true, and a fixed date for the first post.
func fixInit(t *testing.T, ask bool, input string) {
	t.Helper()
	oldInput, oldAsks, oldNow := initInput, initAsks, initNow
	initInput = strings.NewReader(input)
	initAsks = func() bool { return ask }
	initNow = func() time.Time { return time.Date(2026, 2, 15, 18, 30, 0, 0, time.UTC) }
	t.Cleanup(func() { initInput, initAsks, initNow = oldInput, oldAsks, oldNow })
}

func TestInit(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		ask    bool
		input  string
		config []string // lines weeknotes.yaml must hold
		stdout []string
	}{
		{
			name:   "flags",
			args:   []string{"--title", "Field notes", "--url", "https://field.example", "--author", "Sam Example", "--timezone", "Europe/London", "--series", "Fieldnotes"},
			config: []string{"title: Field notes\n", "url: https://field.example\n", "author: Sam Example\n", "timezone: Europe/London\n", "series: Fieldnotes\n"},
			stdout: []string{"wrote weeknotes.yaml\n", "wrote content/posts/2026-02-15-week-one.md\n", "wrote .gitignore\n", "wrote .github/workflows/weeknotes.yml\n"},
		},
		{
			name:   "asked on a terminal",
			args:   []string{"--timezone", "UTC"},
			ask:    true,
			input:  "Robin\n\nhttps://robin.example\nDiary\n",
			config: []string{"title: Robin's weeknotes\n", "url: https://robin.example\n", "author: Robin\n", "timezone: UTC\n", "series: Diary\n"},
			stdout: []string{"Your name [", "Title of the site [Robin's weeknotes]: ", "Name of the series [Weeknotes]: "},
		},
		{
			name:   "no terminal, no url",
			args:   []string{"--author", "Robin", "--timezone", "UTC"},
			config: []string{"title: Robin's weeknotes\n", "# url: https://example.org", "series: Weeknotes\n"},
			stdout: []string{"No url yet: add it to weeknotes.yaml before publishing"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fixInit(t, tt.ask, tt.input)
			dir := filepath.Join(t.TempDir(), "my blog")
			code, stdout, stderr := runCLI(t, append(append([]string{"init"}, tt.args...), dir)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			config := readFile(t, filepath.Join(dir, "weeknotes.yaml"))
			for _, want := range tt.config {
				if !strings.Contains(config, want) {
					t.Errorf("weeknotes.yaml lacks %q:\n%s", want, config)
				}
			}
			for _, want := range append(tt.stdout, "  cd '"+dir+"'\n") {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if got := readFile(t, filepath.Join(dir, ".gitignore")); got != "/site/\n/.weeknotes-cache/\n" {
				t.Errorf(".gitignore = %q", got)
			}
			post := readFile(t, filepath.Join(dir, "content/posts/2026-02-15-week-one.md"))
			if !strings.Contains(post, "S01E01 - 15 February 2026") {
				t.Errorf("first post:\n%s", post)
			}
			// The new site builds; with a url it builds under --strict.
			wantCode := exitOK
			if !strings.Contains(config, "\nurl: ") {
				wantCode = exitFailure
			}
			if code, _, stderr := runCLI(t, "build", "--strict", "--source", dir); code != wantCode {
				t.Errorf("build --strict: exit %d, want %d\n%s", code, wantCode, stderr)
			}
		})
	}
}

func TestInitRefuses(t *testing.T) {
	fixInit(t, false, "")
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"weeknotes.yaml": "title: Mine\n"})
	code, _, stderr := runCLI(t, "init", dir)
	if code != exitFailure || !strings.Contains(stderr, "already holds a site (weeknotes.yaml); nothing was changed") {
		t.Errorf("init over a site: exit %d, %s", code, stderr)
	}
	if got := readFile(t, filepath.Join(dir, "weeknotes.yaml")); got != "title: Mine\n" {
		t.Errorf("weeknotes.yaml replaced: %q", got)
	}
	if code, _, stderr := runCLI(t, "init", "--timezone", "Mars/Olympus", t.TempDir()); code != exitFailure || !strings.Contains(stderr, "--timezone") {
		t.Errorf("bad time zone: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "init", "--from-jekyll", t.TempDir()); code != exitFailure || !strings.Contains(stderr, "has no _config.yml") {
		t.Errorf("--from-jekyll without Jekyll: exit %d, %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "init", "a", "b"); code != exitUsage {
		t.Errorf("two folders: exit %d", code)
	}
}

func TestInitFromJekyll(t *testing.T) {
	fixInit(t, false, "")
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"_config.yml":                "title: Field notes\nauthor: Sam\nurl: https://field.example\ntimezone: Europe/London\ntheme: minima\nplugins: [jekyll-feed]\n",
		"_posts/2024-01-07-first.md": "---\ntitle: First\n---\n\nHello.\n",
		".gitignore":                 "_site\n",
	})
	code, stdout, stderr := runCLI(t, "init", "--from-jekyll", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"wrote weeknotes.yaml\n",
		"_config.yml:5: theme: not carried over: weeknotes renders with its own theme",
		"_config.yml:6: plugins: not carried over: Jekyll plugins do not run",
		"wrote .github/workflows/weeknotes.yml\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if got := readFile(t, filepath.Join(dir, ".gitignore")); got != "_site\n/site/\n/.weeknotes-cache/\n" {
		t.Errorf(".gitignore = %q", got)
	}
	code, _, stderr = runCLI(t, "build", "--strict", "--source", dir)
	if code != exitOK {
		t.Errorf("build --strict: exit %d\n%s", code, stderr)
	}
	// Jekyll's default permalink, carried over.
	if _, err := os.Stat(filepath.Join(dir, "site/2024/01/07/first.html")); err != nil {
		t.Errorf("post not at Jekyll's address: %v", err)
	}
	if code, _, _ := runCLI(t, "init", "--from-jekyll", dir); code != exitFailure {
		t.Errorf("second --from-jekyll: exit %d", code)
	}
}

// The workflow init writes passes actionlint, and its build step, run as
// written, builds the new site with the weeknotes binary.
func TestInitWorkflow(t *testing.T) {
	fixInit(t, false, "")
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "init", "--url", "https://field.example", "--author", "Sam", "--timezone", "UTC", dir); code != exitOK {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	workflow := filepath.Join(dir, filepath.FromSlash(scaffold.WorkflowFile))
	if lint := actionlint(t); lint != "" {
		if out, err := exec.Command(lint, workflow).CombinedOutput(); err != nil {
			t.Errorf("actionlint: %v\n%s", err, out)
		}
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, workflow)), &wf); err != nil {
		t.Fatal(err)
	}
	var build string
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			if s.Name == "Build" {
				build = s.Run
			}
		}
	}
	if build != "weeknotes build --strict" {
		t.Fatalf("build step runs %q", build)
	}
	cmd := exec.Command("sh", "-c", build)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(weeknotesBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "with 0 warnings") {
		t.Errorf("the build step: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "site", "sitemap.xml")); err != nil {
		t.Error(err)
	}
}

// actionlint returns the path of actionlint, which make tools installs
// into .cache/bin; without it the test says so and lints nothing.
func actionlint(t *testing.T) string {
	t.Helper()
	if p, err := filepath.Abs("../../.cache/bin/actionlint"); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("actionlint"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("actionlint is not installed: run make tools")
	}
	t.Log("SKIPPING actionlint: not installed (make tools installs it into .cache/bin)")
	return ""
}

var built struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// weeknotesBinary builds the weeknotes command once per test run, for tests
// that run it as a user would.
func weeknotesBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "weeknotes-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "weeknotes")
		if runtime.GOOS == "windows" {
			built.path += ".exe"
		}
		built.out, built.err = exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.path
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
