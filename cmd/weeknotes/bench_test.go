package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/corpus"
)

// The benchmarks here run the weeknotes binary, as an author or CI does,
// so that each case's peak memory is its own process's (the maximum
// resident set), not a test process's that ran the others before it.
// WEEKNOTES_CORPUS names the corpus (make bench generates 5,000 posts;
// without it 1,000 are generated here) and WEEKNOTES_CORPUS_LARGE a
// larger one for BenchmarkBuildLarge.

// benchBinary builds the weeknotes binary into a temporary folder.
func benchBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "weeknotes")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// benchSite copies the corpus into a temporary folder that the benchmark
// may edit.
func benchSite(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "src")
	src := os.Getenv("WEEKNOTES_CORPUS")
	if src == "" {
		if err := corpus.Generate(dir, corpus.Options{Posts: 1000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		return dir
	}
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dir, ".weeknotes-cache"))
	return dir
}

// runCost is what one run of the binary cost.
type runCost struct {
	wall, cpu time.Duration
	peak      int64 // maximum resident set, bytes
}

// runBinary runs the binary to the end and returns its cost.
func runBinary(b *testing.B, bin string, args ...string) runCost {
	b.Helper()
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("weeknotes %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return usageOf(cmd.ProcessState, time.Since(start))
}

func usageOf(ps *os.ProcessState, wall time.Duration) runCost {
	u := runCost{wall: wall, cpu: ps.UserTime() + ps.SystemTime()}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		u.peak = int64(ru.Maxrss) << 10 // kilobytes on Linux
	}
	return u
}

// report adds what every case reports: CPU time (less moved by other load
// on the host than wall time) and the largest peak memory of its runs.
func report(b *testing.B, runs []runCost) {
	var cpu time.Duration
	var peak int64
	for _, u := range runs {
		cpu += u.cpu
		peak = max(peak, u.peak)
	}
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(len(runs)), "cpu-s/op")
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

// BenchmarkBuildCases measures `weeknotes build` in the cases an author
// and CI meet: cold (--no-cache: nothing saved, as a first CI run), first
// (no saved state yet, which this build then saves), no-change, one post's
// body edited, one new post, and one new episode of the site's series, each
// after a build of the same site.
func BenchmarkBuildCases(b *testing.B) {
	bin, src := benchBinary(b), benchSite(b)
	dest := filepath.Join(b.TempDir(), "site")
	cache := filepath.Join(src, ".weeknotes-cache")
	build := func(b *testing.B, extra ...string) runCost {
		return runBinary(b, bin, append([]string{"build", "--quiet", "--source", src, "--dest", dest}, extra...)...)
	}
	post := firstPost(b, src)
	cases := []struct {
		name    string
		prepare func(b *testing.B, i int) // before each run, untimed
		args    []string
	}{
		{"cold", func(*testing.B, int) { os.RemoveAll(dest) }, []string{"--no-cache"}},
		{"first", func(*testing.B, int) { os.RemoveAll(dest); os.RemoveAll(cache) }, nil},
		{"no-change", nil, nil},
		{"one-edit", func(b *testing.B, i int) { appendTo(b, post, fmt.Sprintf("\nEdit number %d.\n", i)) }, nil},
		{"new-post", func(b *testing.B, i int) {
			// Dated after every post of the corpus, and before today.
			writeFile(b, filepath.Join(filepath.Dir(post), fmt.Sprintf("2026-11-%02d-new-post-%d.md", 1+i%28, i)), "# A new post\n\nWritten by the benchmark.\n")
		}, nil},
		{"new-episode", func(b *testing.B, i int) {
			// The weekly case: the next episode of the corpus's series, dated
			// after its last post and before today.
			writeFile(b, filepath.Join(filepath.Dir(post), fmt.Sprintf("2026-11-%02d-episode-%d.md", 21+i%7, i)),
				fmt.Sprintf("---\ntitle: A new episode\nexcerpt: Weeknotes S97E%02d - the week\n---\nWritten by the benchmark.\n", i+1))
		}, nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.name != "cold" && c.name != "first" {
				build(b) // the build before, which saves the state
			}
			var runs []runCost
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if c.prepare != nil {
					c.prepare(b, i)
				}
				b.StartTimer()
				runs = append(runs, build(b, c.args...))
			}
			b.StopTimer()
			report(b, runs)
		})
	}
}

// BenchmarkBuildLarge is the cold build of WEEKNOTES_CORPUS_LARGE (make
// bench generates 20,000 posts), to compare with BenchmarkBuildCases/cold:
// time and memory should grow with the site, not faster.
func BenchmarkBuildLarge(b *testing.B) {
	src := os.Getenv("WEEKNOTES_CORPUS_LARGE")
	if src == "" {
		b.Skip("WEEKNOTES_CORPUS_LARGE names no corpus")
	}
	bin := benchBinary(b)
	dest := filepath.Join(b.TempDir(), "site")
	var runs []runCost
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		os.RemoveAll(dest)
		b.StartTimer()
		runs = append(runs, runBinary(b, bin, "build", "--quiet", "--no-cache", "--source", src, "--dest", dest))
	}
	b.StopTimer()
	report(b, runs)
}

// BenchmarkServeFirstPage measures `weeknotes serve` from its start to
// the first page served (first-page-ms, the home page) and to a post's page
// fetched after it (post-page-ms): cold, without .weeknotes-cache; warm,
// with the build state and saved pages of an earlier run and nothing
// changed since; and edit, with them and one post's body edited before
// each start. Each run stops the preview once both pages are served;
// peak-MiB is the process's peak at that moment.
func BenchmarkServeFirstPage(b *testing.B) {
	bin, src := benchBinary(b), benchSite(b)
	cache := filepath.Join(src, ".weeknotes-cache")
	post := firstPost(b, src)
	// One port for every run: the preview's address is part of what it
	// renders, and so of what its saved state is for.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cases := []struct {
		name    string
		prepare func(i int) // before each run, untimed
	}{
		{"cold", func(int) { os.RemoveAll(cache) }},
		{"warm", nil},
		{"edit", func(i int) { appendTo(b, post, fmt.Sprintf("\nA line written before start %d.\n", i)) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			os.RemoveAll(cache)
			if c.name != "cold" {
				serveOnce(b, bin, src, port, true) // saves the state
			}
			var runs []serveCost
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if c.prepare != nil {
					b.StopTimer()
					c.prepare(i)
					b.StartTimer()
				}
				runs = append(runs, serveOnce(b, bin, src, port, false))
			}
			b.StopTimer()
			var first, post time.Duration
			var peak int64
			for _, r := range runs {
				first, post, peak = first+r.first, post+r.post, max(peak, r.peak)
			}
			n := float64(len(runs))
			b.ReportMetric(float64(first.Milliseconds())/n, "first-page-ms")
			b.ReportMetric(float64(post.Milliseconds())/n, "post-page-ms")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		})
	}
}

// serveCost is what one start of the preview took.
type serveCost struct {
	first, post time.Duration // from the start to the home page's and a post page's last byte
	peak        int64         // peak resident memory once both were served
}

// postLink finds a post's address in a page of the default theme.
var postLink = regexp.MustCompile(`href="(/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^"]+/)"`)

// serveOnce starts the preview, fetches its home page and a post's page
// and stops it; with untilBuilt, only once its first build has finished
// (and so saved its state).
func serveOnce(b *testing.B, bin, src, port string, untilBuilt bool) serveCost {
	b.Helper()
	cmd := exec.Command(bin, "serve", "--port", port, "--source", src)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	var url string
	for url == "" && lines.Scan() {
		if _, rest, ok := strings.Cut(lines.Text(), " at "); ok {
			url, _, _ = strings.Cut(rest, " ")
		}
	}
	if url == "" {
		b.Fatal("serve printed no address")
	}
	built := make(chan struct{})
	go func() {
		for lines.Scan() {
			if strings.Contains(lines.Text(), " built ") || strings.Contains(lines.Text(), "build failed") {
				close(built)
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	var c serveCost
	home := fetch(b, url) // waits for the page
	c.first = time.Since(start)
	m := postLink.FindStringSubmatch(home)
	if m == nil {
		b.Fatal("the home page links to no post")
	}
	fetch(b, strings.TrimSuffix(url, "/")+m[1])
	c.post = time.Since(start)
	c.peak = peakOf(cmd.Process.Pid)
	if untilBuilt {
		<-built
	}
	return c
}

// fetch gets a page of the preview, which must answer 200.
func fetch(b *testing.B, url string) string {
	b.Helper()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %v %v", url, resp.Status, err)
	}
	return string(body)
}

// peakOf reads a running process's peak resident memory (Linux only).
func peakOf(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// firstPost finds a post of the site to edit.
func firstPost(b *testing.B, src string) string {
	b.Helper()
	var found string
	_ = filepath.WalkDir(filepath.Join(src, "content", "posts"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && found == "" && !d.IsDir() && strings.HasSuffix(p, ".md") {
			found = p
		}
		return nil
	})
	if found == "" {
		b.Fatal("no post in the corpus")
	}
	return found
}

func appendTo(b *testing.B, p, text string) {
	b.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		b.Fatal(err)
	}
}

func writeFile(b *testing.B, p, text string) {
	b.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
}
