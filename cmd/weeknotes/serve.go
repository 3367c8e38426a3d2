package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/server"
	"github.com/weeknotes/weeknotes/internal/site"
)

const serveUsage = `Usage: weeknotes serve [flags]

Previews the site in the browser. Drafts, undated posts and posts dated in
the future are included and marked as such. Every save under content/ (or
_posts/ and _drafts/), templates/ and static/, and of the configuration
file, rebuilds what it affects and reloads open pages; a save that only
changes stylesheets restyles them in place. When a save breaks the build,
the last good site stays up with the errors over it, in the browser and
here, as file:line: message. Nothing is written to site/.

Stop with Ctrl-C.

Flags:
`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newCommand("serve", serveUsage)
	source := fl.String("source", ".", "the site's `DIR`: content/posts/ (or _posts/), templates/, static/, weeknotes.yaml")
	port := fl.Int("port", 4000, "the `PORT` to serve on; 0 picks a free one")
	bind := fl.String("bind", "localhost", "the `ADDRESS` to listen on: localhost is both 127.0.0.1 and ::1; 0.0.0.0 lets other devices on the network see the preview")
	allowHost := fl.String("allow-host", "", "more `NAMES` the preview answers to, comma-separated (IP addresses, localhost and the --bind name always work)")
	noDrafts := fl.Bool("no-drafts", false, "leave out drafts and future posts, as build does")
	open := fl.Bool("open", false, "open the preview in the default browser")
	rest, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return fl.usageError(stderr, "unexpected argument %q", rest[0])
	}
	if *port < 0 || *port > 65535 {
		return fl.usageError(stderr, "--port %d: want 0 to 65535", *port)
	}
	if err := checkSource(*source); err != nil {
		return sourceError(fl, stderr, err)
	}
	// Absolute, so that the files the builder names for copying are found
	// however the server is asked for them.
	root, err := filepath.Abs(*source)
	if err == nil {
		err = isDir(root)
	}
	if err != nil {
		fmt.Fprintf(stderr, "weeknotes serve: %v\n", err)
		return exitFailure
	}

	ln, err := server.Listen(*bind, *port)
	if err != nil {
		fmt.Fprintf(stderr, "weeknotes serve: %v\n", err)
		return exitFailure
	}
	// A configuration that does not load yet still gets served: the first
	// build shows what is wrong with it, and watching it shows the fix.
	watch, basePath := watchedFolders(nil), ""
	if cfg, err := config.Load(os.DirFS(root)); err == nil {
		watch, basePath = withNestedFolders(watchedFolders(cfg), os.DirFS(root), cfg), cfg.BaseURL
	}
	origin := "http://" + net.JoinHostPort(displayHost(*bind), strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	pageURL := origin + basePath + "/"

	what := "drafts and future posts included"
	if *noDrafts {
		what = "drafts and future posts left out"
	}
	fmt.Fprintf(stdout, "Serving %s at %s (%s). Press Ctrl-C to stop.\n", root, pageURL, what)
	if isWildcard(*bind) {
		fmt.Fprintf(stdout, "Listening on every network interface (--bind %s): other devices can see the preview.\n", *bind)
	}

	srv := server.New(server.Options{
		Builder: site.NewBuilder(site.Options{
			Source:   root,
			CacheDir: filepath.Join(root, site.CacheDirName),
			Theme:    defaultTheme(),
			Drafts:   !*noDrafts,
			Future:   !*noDrafts,
			BaseURL:  origin + basePath,
			Preview:  true,
			// A warm start then serves the saved pages at once.
			SavePages: true,
			// The first build touches the whole heap, which huge pages
			// make cheaper (see adviseHugePages); the preview then keeps
			// its pages in memory. The site is measured by the build's own
			// scan of its inputs, rather than walked once more first.
			SourceSize: func(n int64) { adviseHugePages(int(memoryLimitFor(n))) },
		}),
		Source:     root,
		Watch:      watch,
		WatchFiles: config.FileNames,
		Rescope: func() []string {
			if cfg, err := config.Load(os.DirFS(root)); err == nil {
				return withNestedFolders(watchedFolders(cfg), os.DirFS(root), cfg)
			}
			return nil
		},
		AllowedHosts: allowedHosts(*bind, *allowHost),
		BasePath:     basePath,
		Log:          stdout,
	})
	if *open {
		// The browser's request waits for the first build.
		if err := openBrowser(pageURL); err != nil {
			fmt.Fprintf(stderr, "weeknotes serve: cannot open a browser (%v); open %s yourself\n", err, pageURL)
		}
	}
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "weeknotes serve: %v\n", err)
		return exitFailure
	}
	fmt.Fprintln(stdout, "Stopped.")
	return exitOK
}

func isDir(p string) error {
	info, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a folder", p)
	}
	return nil
}

// watchedFolders returns the folders a build reads: the parents of the
// posts and drafts folders (content/, for the pages beside content/posts)
// or, in a Jekyll layout where the parent is the site root, the folders
// themselves; and the templates and static folders. With no configuration
// it returns both layouts' folders, since either may be the site's.
func watchedFolders(cfg *config.Config) []string {
	if cfg == nil {
		return []string{"content", "_posts", "_drafts", "templates", "static"}
	}
	var out []string
	add := func(dir string) {
		for _, d := range out {
			if d == dir {
				return
			}
		}
		if dir != "" && dir != "." {
			out = append(out, dir)
		}
	}
	for _, dir := range []string{cfg.PostsDir, cfg.DraftsDir} {
		if parent := path.Dir(dir); parent != "." {
			add(parent)
		} else {
			add(dir)
		}
	}
	add(cfg.TemplatesDir)
	add(cfg.StaticDir)
	return out
}

// withNestedFolders adds to watch, in a Jekyll layout, the other _posts
// and _drafts folders a build reads (blog/_posts, blog/_drafts), as they
// are when the preview starts or its configuration changes.
func withNestedFolders(watch []string, fsys fs.FS, cfg *config.Config) []string {
	if !cfg.Jekyll {
		return watch
	}
	for _, dir := range append(content.PostFolders(fsys, cfg), content.DraftFolders(fsys, cfg)...) {
		if !slices.Contains(watch, dir) {
			watch = append(watch, dir)
		}
	}
	return watch
}

// displayHost is the host to put in the preview's URL: a wildcard address
// is not one a browser can visit.
// allowedHosts returns the host names the preview answers to besides IP
// addresses and localhost: the --bind name, when it is a name, and those
// given with --allow-host.
func allowedHosts(bind, allow string) []string {
	var hosts []string
	if bind != "" && net.ParseIP(bind) == nil {
		hosts = append(hosts, bind)
	}
	for h := range strings.SplitSeq(allow, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

func displayHost(bind string) string {
	if isWildcard(bind) {
		return "localhost"
	}
	return bind
}

func isWildcard(bind string) bool {
	ip := net.ParseIP(bind)
	return bind == "" || (ip != nil && ip.IsUnspecified())
}

// openBrowser opens url in the default browser without waiting for it.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it; the browser outlives the opener
	return nil
}
