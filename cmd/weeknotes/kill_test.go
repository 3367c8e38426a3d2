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
//
// It runs twice: without the cache, and with it, where each build finds
// the state of the last one that finished, links the old site's files into
// its new tree at once (output.Options.LinkOld) and replaces those that
// changed.
func TestKilledBuildLeavesOldOrNewSite(t *testing.T) {
	for _, cached := range []bool{false, true} {
		t.Run(map[bool]string{false: "no-cache", true: "cache"}[cached], func(t *testing.T) { killBuilds(t, cached) })
	}
}

func killBuilds(t *testing.T, cached bool) {
	posts := killPosts
	if n, err := strconv.Atoi(os.Getenv("WEEKNOTES_KILL_POSTS")); err == nil && n > 0 {
		posts = n
	}
	root := t.TempDir()
	use := killSites(t, root, posts, cached)
	noCache := []string{"--no-cache"}
	if cached {
		noCache = nil
	}
	var want [2]map[string]string
	for i := range want {
		expect := filepath.Join(root, "expect", strconv.Itoa(i))
		src := use(i)
		if out, err := cli("build", "--source", src, "--dest", expect, "--no-cache", "--quiet").CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", src, err, out)
		}
		want[i] = checksums(t, expect)
	}
	dest := filepath.Join(root, "site")
	start := time.Now()
	if out, err := cli(append([]string{"build", "--source", use(0), "--dest", dest, "--quiet"}, noCache...)...).CombinedOutput(); err != nil {
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
		cmd := cli(append([]string{"build", "--source", use(next), "--dest", dest, "--quiet"}, noCache...)...)
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
	if out, err := cli(append([]string{"build", "--source", use(have), "--dest", dest, "--quiet"}, noCache...)...).CombinedOutput(); err != nil {
		t.Fatalf("build after the kills: %v\n%s", err, out)
	}
	if l := leftovers(t, dest); len(l) > 0 {
		t.Errorf("left beside the destination after a whole build: %v", l)
	}
	if diff := diffSums(want[have], checksums(t, dest)); diff != "" {
		t.Errorf("the last build is not the site:\n%s", clip(diff))
	}
	// One more switch, to the other site: the tree switched out is kept
	// beside the destination as the spare, and is the site before.
	next := 1 - have
	if out, err := cli(append([]string{"build", "--source", use(next), "--dest", dest, "--quiet"}, noCache...)...).CombinedOutput(); err != nil {
		t.Fatalf("build after the kills: %v\n%s", err, out)
	}
	if diff := diffSums(want[next], checksums(t, dest)); diff != "" {
		t.Errorf("the last build is not the site:\n%s", clip(diff))
	}
	spare := checksums(t, filepath.Join(root, "."+filepath.Base(dest)+".weeknotes-spare", "tree"))
	if diff := diffSums(want[have], spare); diff != "" {
		t.Errorf("the spare is not the site before:\n%s", clip(diff))
	}
}

// cli is this test binary run as weeknotes.
// killSites makes the two sites the kill test switches between, and
// returns a function that makes site i (0 or 1) the one to build and
// returns its source folder. Without the cache they are two generated
// sites in folders of their own; with it, one folder whose first post's
// body is edited back and forth, so that each build finds the state of the
// last one that finished.
func killSites(t *testing.T, root string, posts int, cached bool) func(i int) string {
	t.Helper()
	generate := func(src string, i int) {
		if err := corpus.Generate(src, corpus.Options{Posts: posts, Seed: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
		writeTree(t, src, map[string]string{"weeknotes.yaml": fmt.Sprintf("title: Site %c\nurl: https://example.org\nauthor: Kim\n", 'A'+i)})
	}
	if !cached {
		srcs := [2]string{filepath.Join(root, "a"), filepath.Join(root, "b")}
		for i, src := range srcs {
			generate(src, i)
		}
		return func(i int) string { return srcs[i] }
	}
	src := filepath.Join(root, "src")
	generate(src, 0)
	found, err := filepath.Glob(filepath.Join(src, "content", "posts", "*.md"))
	if err != nil || len(found) == 0 {
		t.Fatalf("no posts in the generated site: %v", err)
	}
	post := found[0]
	orig, err := os.ReadFile(post)
	if err != nil {
		t.Fatal(err)
	}
	return func(i int) string {
		text := string(orig)
		if i == 1 {
			text += "\nAn edit of one post's body.\n"
		}
		if err := os.WriteFile(post, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return src
	}
}

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
		case "a", "b", "src", "expect", filepath.Base(dest), "." + filepath.Base(dest) + ".weeknotes-spare":
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
