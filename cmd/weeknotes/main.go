// Command weeknotes builds, previews and publishes a weeknotes site: a blog
// of Markdown posts with Jekyll-style front matter.
//
// This package holds flags and subcommands only; the engine is under
// internal/.
package main

import (
	"context"
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
  init      start a site: configuration, a first post, a CI workflow
  new       start this week's post: dated, titled, with the next episode number
  build     render the site in content/posts and templates/ into site/
  serve     preview the site at http://localhost:4000, rebuilding on every save
  publish   upload the built site to object storage (S3, GCS, Azure, file://)
  version   print the version

Run "weeknotes <command> --help" for a command's flags.
`

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
	case "init":
		return runInit(ctx, rest, stdout, stderr)
	case "new":
		return runNew(ctx, rest, stdout, stderr)
	case "build":
		return runBuild(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "publish":
		return runPublish(ctx, rest, stdout, stderr)
	case "version", "--version":
		return runVersion(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "weeknotes: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}
