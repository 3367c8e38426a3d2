//go:build linux

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/corpus"
)

// TestMain lets the kill test run this binary as weeknotes itself.
func TestMain(m *testing.M) {
	if os.Getenv("WEEKNOTES_TEST_AS_CLI") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// killPosts is the size of the kill test's sites: small enough for the
// test to take seconds. WEEKNOTES_KILL_POSTS=1500 runs it on 1,500 posts.
const killPosts = 40

// kills is how many builds the kill test kills.
const kills = 20

// TestKilledBuildLeavesOldOrNewSite kills "weeknotes build" with SIGKILL at
// random moments while it replaces one generated site with another in the
// same destination, 20 times, and checks after each kill that the
// destination is byte for byte the old site or the new one. Where the kill
// lands depends on the machine; what is checked does not.
func TestKilledBuildLeavesOldOrNewSite(t *testing.T) {
	posts := killPosts
	if n, err := strconv.Atoi(os.Getenv("WEEKNOTES_KILL_POSTS")); err == nil && n > 0 {
		posts = n
	}
	root := t.TempDir()
	srcs := [2]string{filepath.Join(root, "a"), filepath.Join(root, "b")}
	var want [2]map[string]string
	for i, src := range srcs {
		if err := corpus.Generate(src, corpus.Options{Posts: posts, Seed: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
		writeTree(t, src, map[string]string{"weeknotes.yaml": fmt.Sprintf("title: Site %c\nurl: https://example.org\nauthor: Kim\n", 'A'+i)})
		expect := filepath.Join(root, "expect", strconv.Itoa(i))
		if out, err := cli("build", "--source", src, "--dest", expect, "--no-cache", "--quiet").CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", src, err, out)
		}
		want[i] = checksums(t, expect)
	}
	dest := filepath.Join(root, "site")
	start := time.Now()
	if out, err := cli("build", "--source", srcs[0], "--dest", dest, "--no-cache", "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	full := time.Since(start)
	have := 0

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("%d posts, a full build in %v, kill times from seed %d", posts, full, seed)
	var old, new, beside int
	for k := range kills {
		next := 1 - have
		cmd := cli("build", "--source", srcs[next], "--dest", dest, "--no-cache", "--quiet")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(full) * 11 / 10))
		timer := time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
		err := cmd.Wait()
		timer.Stop()
		killed := err != nil
		got := checksums(t, dest)
		switch {
		case diffSums(want[have], got) == "":
			old++
		case diffSums(want[next], got) == "":
			new++
			have = next
		default:
			t.Fatalf("kill %d after %v: the destination is neither site:\nagainst the old: %s\nagainst the new: %s",
				k, delay, clip(diffSums(want[have], got)), clip(diffSums(want[next], got)))
		}
		if killed && len(leftovers(t, dest)) > 0 {
			beside++
		}
	}
	t.Logf("after %d kills: %d old sites, %d new ones; %d kills left a tree beside the destination", kills, old, new, beside)

	// The next command cleans up whatever the last kill left.
	if out, err := cli("build", "--source", srcs[have], "--dest", dest, "--no-cache", "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("build after the kills: %v\n%s", err, out)
	}
	if l := leftovers(t, dest); len(l) > 0 {
		t.Errorf("left beside the destination after a whole build: %v", l)
	}
	if diff := diffSums(want[have], checksums(t, dest)); diff != "" {
		t.Errorf("the last build is not the site:\n%s", clip(diff))
	}
}

// cli is this test binary run as weeknotes.
func cli(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "WEEKNOTES_TEST_AS_CLI=1")
	return cmd
}

// leftovers lists what is beside dest other than the test's own folders.
func leftovers(t *testing.T, dest string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dest))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		switch e.Name() {
		case "a", "b", "expect", filepath.Base(dest):
		default:
			out = append(out, e.Name())
		}
	}
	return out
}

func clip(s string) string {
	if lines := strings.SplitAfter(s, "\n"); len(lines) > 10 {
		return strings.Join(lines[:10], "") + fmt.Sprintf("... and %d more\n", len(lines)-10)
	}
	return s
}
