// Package scaffold writes the skeleton of a new post: the file name Jekyll
// expects, front matter with the title, and the series line with the next
// episode number, so that the weekly ritual starts with writing rather than
// with working out what week it is.
package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/series"
)

// Request says what post to start.
type Request struct {
	Title     string    // the post's title; required
	Date      time.Time // the post's date, in the site's time zone
	Series    string    // the series to continue; "" means the configuration's default
	NewSeason bool      // start the next season at episode 1 instead of continuing the current one
	NoSeries  bool      // write no series line
}

// Post is a planned new post.
type Post struct {
	Path    string        // slash path relative to the site root
	Marker  series.Marker // the episode it will be; zero with Request.NoSeries, Episode 0 in a series without numbers
	Content []byte        // the file's bytes
}

// Plan works out the new post's name and front matter from the posts the
// site already has. It writes nothing.
func Plan(fsys fs.FS, cfg *config.Config, req Request) (*Post, error) {
	title := strings.TrimSpace(req.Title)
	if title == "" {
		return nil, errors.New("a new post needs a title")
	}
	slug := content.Slugify(title)
	if slug == "" {
		return nil, fmt.Errorf("cannot make a file name from the title %q", title)
	}
	// Problems in other posts are build's to report; new only needs what
	// could be read, to number the episode and order the day's posts.
	posts, _ := content.Load(fsys, cfg, false)
	date := afterSameDay(posts, req.Date.In(cfg.Location))
	name := path.Join(cfg.PostsDir, date.Format("2006-01-02")+"-"+slug+".md")
	if _, err := fs.Stat(fsys, name); err == nil {
		return nil, fmt.Errorf("%s already exists", name)
	}

	var fm strings.Builder
	fm.WriteString("---\n")
	fmt.Fprintf(&fm, "title: %q\n", title)
	fmt.Fprintf(&fm, "date: %s\n", date.Format("2006-01-02 15:04:05 -0700"))
	post := &Post{Path: name}
	if !req.NoSeries {
		name := req.Series
		if name == "" {
			name = cfg.Series
		}
		m := next(posts, name, cfg.Series, req.NewSeason)
		post.Marker = m
		if m.Episode == 0 {
			fmt.Fprintf(&fm, "series: %q\n", m.Name)
			if m.Season > 0 {
				fmt.Fprintf(&fm, "season: %d\n", m.Season)
			}
		} else {
			fmt.Fprintf(&fm, "excerpt: >\n  %s\n", Line(m, date))
		}
	}
	fm.WriteString("---\n\n")
	post.Content = []byte(fm.String())
	return post, nil
}

// afterSameDay returns date, or a second after the newest post of the same
// day when that one is dated at date or later, so that posts made one after
// another, even within one second, keep the order they were made in: posts
// of one day are listed by their time, and only posts with equal times by
// file name. The date stays on its day unless that day is full to its last
// second.
func afterSameDay(posts []*content.Post, date time.Time) time.Time {
	y, m, d := date.Date()
	for _, p := range posts {
		if !p.HasDate {
			continue
		}
		pd := p.Date.In(date.Location())
		if py, pm, pdd := pd.Date(); py == y && pm == m && pdd == d && !pd.Before(date) {
			date = pd.Truncate(time.Second).Add(time.Second)
		}
	}
	return date
}

// Write creates the planned post under root, refusing to replace a file.
func Write(root string, p *Post) error {
	target := filepath.Join(root, filepath.FromSlash(p.Path))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", path.Dir(p.Path), err)
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", p.Path, err)
	}
	if _, err := f.Write(p.Content); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", p.Path, err)
	}
	return f.Close()
}

// Line is the series line weeknotes write in their excerpt:
// "Weeknotes S02E05 - 15 February 2026".
func Line(m series.Marker, date time.Time) string {
	return fmt.Sprintf("%s S%02dE%02d - %s", m.Name, m.Season, m.Episode, date.Format("2 January 2006"))
}

// next is the episode after the newest one of the named series: the same
// season and the next number, or the next season's first episode. A series
// whose posts carry no numbers (only `series:` in their front matter) goes
// on without one, in its newest season or the one after: numbering it would
// turn every earlier post from "Part 3" into "Season 1, before episode 1".
func next(posts []*content.Post, name, defaultName string, newSeason bool) series.Marker {
	want := series.Slug(name)
	var last series.Marker
	found, numbered := false, false
	for _, p := range posts {
		m, ok := series.OfPost(p, defaultName)
		if !ok || series.Slug(m.Name) != want {
			continue
		}
		numbered = numbered || m.Episode > 0
		// Week-of-year markers ("Weeknotes 35/2021") number by the calendar,
		// not by counting: they have no next episode to guess.
		if m.Season >= series.MinYear {
			continue
		}
		if !found || m.Season > last.Season || (m.Season == last.Season && max(m.Episode, m.EpisodeEnd) > max(last.Episode, last.EpisodeEnd)) {
			last, found = m, true
		}
	}
	switch {
	case !found:
		return series.Marker{Name: name, Season: 1, Episode: 1, EpisodeEnd: 1}
	case !numbered && newSeason:
		return series.Marker{Name: last.Name, Season: last.Season + 1}
	case !numbered:
		return series.Marker{Name: last.Name, Season: last.Season}
	case newSeason:
		return series.Marker{Name: last.Name, Season: last.Season + 1, Episode: 1, EpisodeEnd: 1}
	}
	n := max(last.Episode, last.EpisodeEnd) + 1
	season := max(last.Season, 1)
	return series.Marker{Name: last.Name, Season: season, Episode: n, EpisodeEnd: n}
}
