package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/scaffold"
)

const newUsage = `Usage: weeknotes new [flags] "Title of the post"

Creates content/posts/YYYY-MM-DD-title-of-the-post.md dated now, with the
title and the series line of the next episode in its front matter:

    excerpt: >
      Weeknotes S02E05 - 15 February 2026

Posts of one day are listed by their time of day. A post started on a day
that already has one dated at the same second or later is dated a second
after the newest, so that posts keep the order they were started in. It
never replaces an existing file. Prints the new file's path.

Flags:
`

func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := newCommand("new", newUsage)
	source := fl.String("source", ".", "the site's `DIR`")
	dateFlag := fl.String("date", "", "the post's date, `YYYY-MM-DD` (default today, in the site's time zone)")
	seriesName := fl.String("series", "", "the `NAME` of the series to continue (default the configuration's series, Weeknotes)")
	newSeason := fl.Bool("new-season", false, "start the next season at episode 1")
	noSeries := fl.Bool("no-series", false, "write no series line: a post outside any series")
	rest, code, ok := fl.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	title := strings.Join(rest, " ")
	if strings.TrimSpace(title) == "" {
		return fl.usageError(stderr, `give the post a title: weeknotes new "A quiet week"`)
	}
	if err := checkSource(*source); err != nil {
		return sourceError(fl, stderr, err)
	}
	fsys := os.DirFS(*source)
	cfg, err := config.Load(fsys)
	if err != nil {
		var be *diag.BuildError
		if errors.As(err, &be) {
			printDiagnostics(stderr, be.Diagnostics, false)
		} else {
			fmt.Fprintf(stderr, "weeknotes new: %v\n", err)
		}
		return exitFailure
	}
	date := time.Now().In(cfg.Location)
	if *dateFlag != "" {
		day, err := time.ParseInLocation("2006-01-02", *dateFlag, cfg.Location)
		if err != nil {
			fmt.Fprintf(stderr, "weeknotes new: --date %q: want YYYY-MM-DD\n", *dateFlag)
			return exitUsage
		}
		// Keep the time of day, so that two posts on one day keep their order.
		date = time.Date(day.Year(), day.Month(), day.Day(), date.Hour(), date.Minute(), date.Second(), 0, cfg.Location)
	}
	p, err := scaffold.Plan(fsys, cfg, scaffold.Request{
		Title: title, Date: date, Series: *seriesName, NewSeason: *newSeason, NoSeries: *noSeries,
	})
	if err == nil {
		err = scaffold.Write(*source, p)
	}
	if err != nil {
		fmt.Fprintf(stderr, "weeknotes new: %v\n", err)
		return exitFailure
	}
	fmt.Fprintln(stdout, p.Path)
	return exitOK
}
