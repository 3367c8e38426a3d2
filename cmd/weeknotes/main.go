// Command weeknotes builds, previews and publishes a weeknotes site: a blog
// of Markdown posts with Jekyll-style front matter.
//
// This package holds flags and subcommands only; the engine is under
// internal/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses, the same for every subcommand.
const (
	exitOK      = 0 // success
	exitFailure = 1 // content errors, failed uploads: the input or the world needs fixing
	exitUsage   = 2 // the command line itself is wrong
)

const usage = `weeknotes builds a blog of weekly notes from Markdown posts.

Usage:
  weeknotes <command> [flags]

Commands:
  new       start this week's post: dated, titled, with the next episode number
  build     render the site in content/posts and templates/ into site/
  serve     preview the site at http://localhost:4000, rebuilding on every save
  publish   upload the built site to object storage (S3, GCS, Azure, file://)
  version   print the version

Run "weeknotes <command> --help" for a command's flags.
`

// version is set at link time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "new":
		return runNew(ctx, rest, stdout, stderr)
	case "build":
		return runBuild(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "publish":
		return runPublish(ctx, rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "weeknotes", version)
		return exitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "weeknotes: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}

// newFlags returns a subcommand's flag set, which prints its usage text and
// errors to stderr.
func newFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, usage); fl.PrintDefaults() }
	return fl
}

// parseFlags parses a subcommand's flags. When ok is false the command is
// over, with status code: 0 after --help, 2 after a bad flag.
func parseFlags(fl *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return exitOK, true
}

// parseFlagsAndArgs parses the flags of a subcommand whose flags may come
// before or after its arguments ("publish URL --dry-run"), and returns the
// arguments. When ok is false the command is over, as with parseFlags.
func parseFlagsAndArgs(fl *flag.FlagSet, args []string) (positional []string, code int, ok bool) {
	for rest := args; ; {
		if code, ok := parseFlags(fl, rest); !ok {
			return nil, code, false
		}
		rest = fl.Args()
		if len(rest) == 0 {
			return positional, exitOK, true
		}
		positional, rest = append(positional, rest[0]), rest[1:]
	}
}
