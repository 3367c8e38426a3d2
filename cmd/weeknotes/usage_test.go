package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// Every command prints its help the same way, on stdout, with exit 0, and
// names each flag's placeholder rather than a word of its description.
func TestHelpStyle(t *testing.T) {
	tests := []struct {
		cmd   string
		wants []string
	}{
		{"build", []string{"Usage: weeknotes build [flags]", "  --cpuprofile FILE ", "  --source DIR ", "  --strict "}},
		{"serve", []string{"Usage: weeknotes serve [flags]", "  --port PORT ", "(default 4000)"}},
		{"new", []string{"Usage: weeknotes new [flags]", "  --date YYYY-MM-DD "}},
		{"publish", []string{"Usage: weeknotes publish [flags] [URL]", "  --changed-paths FILE ", "(default 256)"}},
		{"init", []string{"Usage: weeknotes init [flags] [DIR]", "  --url URL ", "  --from-jekyll "}},
		{"version", []string{"Usage: weeknotes version"}},
	}
	for _, tt := range tests {
		for _, help := range []string{"--help", "-h", "-help"} {
			code, stdout, stderr := runCLI(t, tt.cmd, help)
			if code != exitOK || stderr != "" {
				t.Errorf("%s %s: exit %d, stderr %q", tt.cmd, help, code, stderr)
			}
			for _, want := range tt.wants {
				if !strings.Contains(stdout, want) {
					t.Errorf("%s %s: no %q in\n%s", tt.cmd, help, want, stdout)
				}
			}
			if strings.Contains(stdout, "\n  -") && !strings.Contains(stdout, "\n  --") {
				t.Errorf("%s %s: flags not in the --name style:\n%s", tt.cmd, help, stdout)
			}
			for _, line := range strings.Split(stdout, "\n") {
				if len(line) > 80 {
					t.Errorf("%s %s: line longer than 80 columns: %q", tt.cmd, help, line)
				}
			}
		}
		code, stdout, stderr := runCLI(t, tt.cmd, "--no-such-flag")
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, "weeknotes "+tt.cmd+": flag provided but not defined: -no-such-flag\nRun 'weeknotes "+tt.cmd+" --help' for usage.") {
			t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr %q", tt.cmd, code, stdout, stderr)
		}
	}
}

// build, serve and new refuse a folder that is not a site, exit 2, and
// create nothing.
func TestNotASite(t *testing.T) {
	empty := t.TempDir()
	missing := filepath.Join(t.TempDir(), "does-not-exist")
	file := filepath.Join(t.TempDir(), "weeknotes.yaml")
	if err := os.WriteFile(file, []byte("title: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir, want string
	}{
		{missing, "does-not-exist does not exist; to start a site there, run: weeknotes init " + missing},
		{empty, "holds neither weeknotes.yaml (or a Jekyll _config.yml) nor content/posts/ (or _posts/); to start a site there, run: weeknotes init " + empty},
		{file, "is a file, not a site's folder"},
	}
	for _, tt := range tests {
		for _, args := range [][]string{
			{"build", "--source", tt.dir},
			{"serve", "--port", "0", "--source", tt.dir},
			{"new", "--source", tt.dir, "A quiet week"},
		} {
			code, _, stderr := runCLI(t, args...)
			if code != exitUsage || !strings.Contains(stderr, "weeknotes "+args[0]+": ") || !strings.Contains(stderr, tt.want) {
				t.Errorf("%v: exit %d, stderr %q; want 2 and %q", args, code, stderr, tt.want)
			}
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a command created %s", missing)
	}
	if entries, _ := os.ReadDir(empty); len(entries) > 0 {
		t.Errorf("a command wrote into the empty folder: %v", entries)
	}
}

func TestVersionString(t *testing.T) {
	info := func(v string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/weeknotes/weeknotes", Version: v}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	tests := []struct {
		name   string
		linked string
		info   *debug.BuildInfo
		want   string
	}{
		{"linked wins", "v9.9.9", info("v1.2.3"), "v9.9.9"},
		{"go install @version", "dev", info("v1.2.3"), "v1.2.3"},
		{"checkout", "dev", info("(devel)", "vcs.revision", "0123456789abcdef0123", "vcs.modified", "false"), "dev (0123456789ab)"},
		{"modified checkout", "dev", info("v0.0.0-20260101000000-0123456789ab+dirty", "vcs.revision", "0123456789abcdef0123", "vcs.modified", "true"), "v0.0.0-20260101000000-0123456789ab+dirty (0123456789ab, modified)"},
		{"no build info", "dev", nil, "dev"},
		{"no version recorded", "", info(""), "dev"},
	}
	for _, tt := range tests {
		if got := versionString(tt.linked, tt.info); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	code, stdout, _ := runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(stdout, "weeknotes ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}
