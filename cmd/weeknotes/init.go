package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/scaffold"
)

const initUsage = `Usage: weeknotes init [flags] [DIR]

Starts a site in DIR (default the current folder, created if missing):

  weeknotes.yaml                   title, url, author, timezone and series
  content/posts/                   with a first episode
  .gitignore                       site/ and .weeknotes-cache/
  .github/workflows/weeknotes.yml  builds with --strict on every push and
                                   publishes when a target is configured

Settings not given as flags are asked for on a terminal, and otherwise take
the defaults shown. An existing weeknotes.yaml is never replaced.

With --from-jekyll, DIR is an existing Jekyll blog: weeknotes.yaml is
written from its _config.yml, and every setting that could not be carried
over is named, with why. Its posts stay in _posts/.

Flags:
`

// initInput is where init reads answers; initAsks says whether to ask
// (stdin is a terminal). Tests replace both.
var (
	initInput io.Reader = os.Stdin
	initAsks            = func() bool { return term.IsTerminal(int(os.Stdin.Fd())) }
)

func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newCommand("init", initUsage)
	var s scaffold.Site
	fl.StringVar(&s.Title, "title", "", "the site's `TITLE` (default \"<author>'s weeknotes\")")
	fl.StringVar(&s.URL, "url", "", "the `URL` the site is published at, e.g. https://example.org; feeds and the sitemap need it")
	fl.StringVar(&s.Author, "author", "", "the `NAME` of the author (default git's user.name)")
	fl.StringVar(&s.Timezone, "timezone", "", "the IANA time `ZONE` posts are dated in (default this machine's)")
	fl.StringVar(&s.Series, "series", "", "the `NAME` of the series posts belong to (default Weeknotes)")
	fromJekyll := fl.Bool("from-jekyll", false, "write weeknotes.yaml from the Jekyll blog's _config.yml")
	rest, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) > 1 {
		return fl.usageError(stderr, "one folder at most, got %d: %s", len(rest), strings.Join(rest, " "))
	}
	dir := "."
	if len(rest) == 1 {
		dir = rest[0]
	}
	if existing := existingConfig(dir); existing != "" && (!*fromJekyll || existing != "_config.yml" && existing != "_config.yaml") {
		fmt.Fprintf(stderr, "weeknotes init: %s already holds a site (%s); nothing was changed\n", dir, existing)
		return exitFailure
	}
	var err error
	if *fromJekyll {
		err = initFromJekyll(dir, stdout)
	} else {
		err = initSite(dir, s, fl, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "weeknotes init: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// existingConfig names the configuration file dir already has, or "".
func existingConfig(dir string) string {
	for _, name := range config.FileNames {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return name
		}
	}
	return ""
}

// initSite writes a new site's files into dir.
func initSite(dir string, s scaffold.Site, fl *command, stdout io.Writer) error {
	given := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { given[f.Name] = true })
	s = initAnswers(s, given, stdout)
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
			return fmt.Errorf("--timezone %q: want an IANA name such as Europe/London", s.Timezone)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeNew(dir, scaffold.ConfigFile, scaffold.Config(s), stdout); err != nil {
		return err
	}
	cfg, err := config.Load(os.DirFS(dir))
	if err != nil {
		var be *diag.BuildError
		if errors.As(err, &be) && len(be.Diagnostics) > 0 {
			return fmt.Errorf("the settings given do not make a valid %s: %s", scaffold.ConfigFile, be.Diagnostics[0])
		}
		return err
	}
	post, err := scaffold.Plan(os.DirFS(dir), cfg, scaffold.Request{Title: "Week one", Date: initNow().In(cfg.Location)})
	if err != nil {
		return err
	}
	post.Content = append(post.Content, scaffold.FirstPostBody...)
	if err := scaffold.Write(dir, post); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", post.Path)
	if err := initRepositoryFiles(dir, cfg, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nA site in %s. Next:\n", dir)
	if dir != "." {
		fmt.Fprintf(stdout, "  cd %s\n", shellQuote(dir))
	}
	fmt.Fprintf(stdout, "  weeknotes serve          preview it at http://localhost:4000\n")
	fmt.Fprintf(stdout, "  weeknotes new \"Title\"    start the next week's post\n")
	if s.URL == "" {
		fmt.Fprintf(stdout, "\nNo url yet: add it to weeknotes.yaml before publishing; until then\nweeknotes build warns, and build --strict (as in the workflow) fails.\n")
	}
	return nil
}

// initNow is the time the first post is dated; tests fix it.
var initNow = time.Now

// initAnswers fills in the settings not given as flags: asked for on a
// terminal, else their defaults.
func initAnswers(s scaffold.Site, given map[string]bool, stdout io.Writer) scaffold.Site {
	ask := initAsks()
	in := bufio.NewReader(initInput)
	answer := func(flag, question, def string, field *string) {
		if given[flag] {
			return
		}
		*field = def
		if !ask {
			return
		}
		if def != "" {
			fmt.Fprintf(stdout, "%s [%s]: ", question, def)
		} else {
			fmt.Fprintf(stdout, "%s: ", question)
		}
		line, _ := in.ReadString('\n')
		if line = strings.TrimSpace(line); line != "" {
			*field = line
		}
	}
	answer("author", "Your name", defaultAuthor(), &s.Author)
	title := "Weeknotes"
	if s.Author != "" {
		title = s.Author + "'s weeknotes"
	}
	answer("title", "Title of the site", title, &s.Title)
	answer("url", "Address it will be published at (e.g. https://example.org)", "", &s.URL)
	answer("timezone", "Time zone", localTimezone(), &s.Timezone)
	answer("series", "Name of the series", config.DefaultSeries, &s.Series)
	return s
}

// initRepositoryFiles writes .gitignore (or adds its lines to one) and
// the workflow, unless one is there already.
func initRepositoryFiles(dir string, cfg *config.Config, stdout io.Writer) error {
	ignore := filepath.Join(dir, scaffold.GitignoreFile)
	old, err := os.ReadFile(ignore)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if data, added := scaffold.Gitignore(old); added {
		if err := os.WriteFile(ignore, data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", scaffold.GitignoreFile)
	}
	workflow := scaffold.Workflow(workflowVersion(), cfg.URL)
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(scaffold.WorkflowFile)), 0o755); err != nil {
		return err
	}
	if err := writeNew(dir, scaffold.WorkflowFile, workflow, stdout); errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(stdout, "kept %s, which exists\n", scaffold.WorkflowFile)
	} else if err != nil {
		return err
	}
	return nil
}

// writeNew creates dir/name, refusing to replace a file.
func writeNew(dir, name string, data []byte, stdout io.Writer) error {
	f, err := os.OpenFile(filepath.Join(dir, filepath.FromSlash(name)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", name)
	return nil
}

// initFromJekyll writes weeknotes.yaml from dir's _config.yml.
func initFromJekyll(dir string, stdout io.Writer) error {
	var data []byte
	var err error
	for _, name := range []string{"_config.yml", "_config.yaml"} {
		if data, err = os.ReadFile(filepath.Join(dir, name)); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%s has no _config.yml: --from-jekyll starts from a Jekyll blog", dir)
	}
	out, notes, err := scaffold.FromJekyll(data)
	if err != nil {
		return err
	}
	if err := writeNew(dir, scaffold.ConfigFile, out, stdout); err != nil {
		return err
	}
	cfg, err := config.Load(os.DirFS(dir))
	if err != nil {
		os.Remove(filepath.Join(dir, scaffold.ConfigFile))
		return fmt.Errorf("the configuration does not carry over (%w); weeknotes.yaml was not kept", err)
	}
	for _, n := range notes {
		fmt.Fprintln(stdout, n)
	}
	if err := initRepositoryFiles(dir, cfg, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nweeknotes.yaml now configures the blog; _config.yml is no longer read.\nRun weeknotes build --source %s to check it.\n", shellQuote(dir))
	return nil
}

// defaultAuthor is git's user.name, else the account's full name.
func defaultAuthor() string {
	if out, err := exec.Command("git", "config", "user.name").Output(); err == nil {
		if name := strings.TrimSpace(string(out)); name != "" {
			return name
		}
	}
	if u, err := user.Current(); err == nil {
		return strings.TrimSpace(strings.Split(u.Name, ",")[0])
	}
	return ""
}

// localTimezone is this machine's IANA time zone name: $TZ, else where
// /etc/localtime points, else /etc/timezone; "" when none is known (UTC).
func localTimezone() string {
	valid := func(name string) bool {
		_, err := time.LoadLocation(name)
		return name != "" && name != "Local" && err == nil
	}
	if tz := strings.TrimPrefix(os.Getenv("TZ"), ":"); valid(tz) {
		return tz
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok && valid(name) {
			return name
		}
	}
	if data, err := os.ReadFile("/etc/timezone"); err == nil && valid(strings.TrimSpace(string(data))) {
		return strings.TrimSpace(string(data))
	}
	return ""
}

// workflowVersion is the weeknotes version the written workflow installs:
// this binary's release, or latest when it was not built from one.
func workflowVersion() string {
	info, _ := debug.ReadBuildInfo()
	v := versionString(version, info)
	if strings.HasPrefix(v, "v") && !strings.Contains(v, " ") && !strings.HasSuffix(v, "+dirty") {
		return v
	}
	return "latest"
}
