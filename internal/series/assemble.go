package series

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// Entry is one post's place as the site knows it.
type Entry struct {
	Key    string    // identifies the post to the caller (its source path); also used in messages
	Marker Marker    // with Name already defaulted by the caller; Episode 0 means "in the series, unnumbered"
	Date   time.Time // orders episodes whose numbers are equal or missing
}

// Series is one assembled series.
type Series struct {
	Name    string    // the spelling most of its posts use
	Slug    string    // Slug(Name), shared by every spelling that was grouped here
	Seasons []*Season // ascending; season 0 first
}

// Season is one season; Number 0 holds episodes without a season.
type Season struct {
	Number   int        // 0, a season number, or a year (at least MinYear) whose episodes are weeks
	Episodes []*Episode // in order
}

// Episode is one post within a series.
type Episode struct {
	Key       string // the Entry's Key
	Season    int    // as in Marker, or for an unnumbered post with no season, the season its date places it in
	Number    int    // first episode; 0 for a post that is in the series without a number
	NumberEnd int    // last episode of a range; equal to Number otherwise
	Series    *Series
	Prev      *Episode // within the whole series, across seasons, in order; nil at the start
	Next      *Episode // likewise; nil at the end

	// Where an unnumbered episode sits, for its label. In a season without
	// numbers, part is its 1-based place; among numbered episodes, a place
	// would read like an episode number ("part 4" beside "episode 4"), so
	// it is named by its numbered neighbour instead: after is the last
	// number of the numbered episode before it, and before, when none is,
	// the first number of the season.
	part, after, before int
}

// Episodes returns every episode of the series, season by season, in order.
func (s *Series) Episodes() []*Episode {
	var all []*Episode
	for _, season := range s.Seasons {
		all = append(all, season.Episodes...)
	}
	return all
}

// Label is the human label: "Season 1, episode 2", "Season 4, episodes 2–11", "Episode 12",
// "Week 35, 2021" for week-of-year seasons (Season ≥ MinYear). An episode
// without a number is labelled by its place in a season without numbers
// ("Part 3", "Season 2, part 3", "2021, part 3"), or else by the numbered
// episode it follows or, at the start of its season, precedes ("Season 1,
// after episode 3", "Before episode 1", "2021, after week 35").
func (e *Episode) Label() string {
	if e.Number == 0 {
		unit := "episode"
		if e.Season >= MinYear {
			unit = "week"
		}
		var where string
		switch {
		case e.after > 0:
			where = fmt.Sprintf("after %s %d", unit, e.after)
		case e.before > 0:
			where = fmt.Sprintf("before %s %d", unit, e.before)
		default:
			where = fmt.Sprintf("part %d", e.part)
		}
		switch {
		case e.Season == 0:
			return strings.ToUpper(where[:1]) + where[1:]
		case e.Season >= MinYear:
			return fmt.Sprintf("%d, %s", e.Season, where)
		default:
			return fmt.Sprintf("Season %d, %s", e.Season, where)
		}
	}
	numbers := func(one, many string) string {
		if e.NumberEnd > e.Number {
			return fmt.Sprintf("%s %d–%d", many, e.Number, e.NumberEnd)
		}
		return fmt.Sprintf("%s %d", one, e.Number)
	}
	switch {
	case e.Season >= MinYear:
		return fmt.Sprintf("%s, %d", numbers("Week", "Weeks"), e.Season)
	case e.Season == 0:
		return numbers("Episode", "Episodes")
	default:
		return fmt.Sprintf("Season %d, %s", e.Season, numbers("episode", "episodes"))
	}
}

// placed is an episode with the date that orders it, while a season is sorted.
type placed struct {
	ep   *Episode
	date time.Time
}

// Assemble groups entries into series (by Slug of Name, sorted by name), seasons ascending, episodes
// ascending (ties by Date then Key), links Prev/Next across the whole series, and reports a duplicate
// episode number (naming both files: "duplicate episode S01E02: also in content/posts/b.md") and a gap
// ("gap in Weeknotes season 1: no episode 3 between a.md and b.md") as diag warnings with File=Key,
// never errors. A range S04E02–11 occupies 2..11 for gap detection. Deterministic output.
//
// The warning about a duplicate goes to the later of the two posts, the one
// more likely to carry a mistyped number; a gap's goes to the post after it.
// Gaps between weeks of a year are not reported: skipping a week is ordinary.
//
// Unnumbered episodes (Episode 0) are placed among the numbered ones of their
// season by date; they are never duplicates and never fill a gap. One with
// no season joins the season that was running when it was published: that
// of the numbered episode published last no later than it, or of the oldest
// if it is older than all of them. Season 0 sorts first, so leaving it there
// would put a post from the third year before season 1 and link it so. In a
// series without numbered episodes it stays in season 0.
//
// Entries that cannot be placed (a name with no letters or digits, a
// nonsensical number, a Key given twice) are left out with a warning.
func Assemble(entries []Entry) (series []*Series, byKey map[string]*Episode, warnings []diag.Diagnostic) {
	entries, warnings = validEntries(entries)

	bySlug := map[string][]Entry{}
	for _, e := range entries {
		slug := Slug(e.Marker.Name)
		bySlug[slug] = append(bySlug[slug], e)
	}
	byKey = make(map[string]*Episode, len(entries))
	for slug, members := range bySlug {
		s := &Series{Name: commonestName(members), Slug: slug}
		series = append(series, s)
		seasons := map[int][]placed{}
		var byDate []anchor // made when the first unnumbered post without a season needs it
		anchored := false
		for _, e := range members {
			ep := &Episode{
				Key:       e.Key,
				Season:    e.Marker.Season,
				Number:    e.Marker.Episode,
				NumberEnd: e.Marker.EpisodeEnd,
				Series:    s,
			}
			if ep.Season == 0 && ep.Number == 0 {
				if !anchored {
					byDate, anchored = anchors(members), true
				}
				ep.Season = seasonAt(byDate, e.Date)
			}
			byKey[e.Key] = ep
			seasons[ep.Season] = append(seasons[ep.Season], placed{ep, e.Date})
		}
		for _, number := range slices.Sorted(maps.Keys(seasons)) {
			season := &Season{Number: number, Episodes: orderSeason(seasons[number])}
			s.Seasons = append(s.Seasons, season)
			warnings = append(warnings, checkNumbers(s, season)...)
		}
		var prev *Episode
		for _, ep := range s.Episodes() {
			ep.Prev = prev
			if prev != nil {
				prev.Next = ep
			}
			prev = ep
		}
	}
	slices.SortFunc(series, func(a, b *Series) int {
		return cmp.Or(
			cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Slug, b.Slug),
		)
	})
	diag.Sort(warnings)
	return series, byKey, warnings
}

// validEntries returns the entries that can be placed, with EpisodeEnd
// defaulted, and warnings about the others. The result is in a fixed order
// whatever the order of the input, so that everything built from it is too.
func validEntries(entries []Entry) ([]Entry, []diag.Diagnostic) {
	var warnings []diag.Diagnostic
	valid := make([]Entry, 0, len(entries))
	for _, e := range entries {
		m := &e.Marker
		if m.EpisodeEnd == 0 {
			m.EpisodeEnd = m.Episode
		}
		problem := ""
		switch {
		case Slug(m.Name) == "":
			problem = fmt.Sprintf("series name %q has no letters or digits to make its address from", m.Name)
		case m.Episode == 0 && m.EpisodeEnd == 0:
			if m.Season < 0 || m.Season > maxSeason {
				problem = fmt.Sprintf("%s: season must be between 0 and 9999", m.Name)
			}
		default:
			if p := m.problem(); p != "" {
				problem = fmt.Sprintf("%s %s: %s", m.Name, codeRange(*m), p)
			}
		}
		if problem != "" {
			warnings = append(warnings, diag.Warnf(e.Key, 0, "%s; the post is left out of the series", problem))
			continue
		}
		valid = append(valid, e)
	}
	slices.SortFunc(valid, func(a, b Entry) int {
		return cmp.Or(
			cmp.Compare(a.Key, b.Key),
			cmp.Compare(a.Marker.Name, b.Marker.Name),
			cmp.Compare(a.Marker.Season, b.Marker.Season),
			cmp.Compare(a.Marker.Episode, b.Marker.Episode),
			cmp.Compare(a.Marker.EpisodeEnd, b.Marker.EpisodeEnd),
			a.Date.Compare(b.Date),
		)
	})
	unique := valid[:0]
	for _, e := range valid {
		if n := len(unique); n > 0 && unique[n-1].Key == e.Key {
			kept := unique[n-1].Marker
			warnings = append(warnings, diag.Warnf(e.Key, 0, "post is placed in series twice (%s %s and %s %s); keeping %s %s",
				kept.Name, codeRange(kept), e.Marker.Name, codeRange(e.Marker), kept.Name, codeRange(kept)))
			continue
		}
		unique = append(unique, e)
	}
	return unique, warnings
}

// commonestName is the spelling of the series name that most members use;
// ties go to the one that sorts first, capitals before lower case.
func commonestName(members []Entry) string {
	counts := map[string]int{}
	for _, e := range members {
		counts[e.Marker.Name]++
	}
	best := ""
	for name, n := range counts {
		if best == "" || n > counts[best] || (n == counts[best] && name < best) {
			best = name
		}
	}
	return best
}

// anchor is a numbered member of a series, which places the unnumbered
// members without a season that were published after it.
type anchor struct {
	date            time.Time
	season, episode int
}

// anchors lists the numbered members in order of date, those of one date in
// series order.
func anchors(members []Entry) []anchor {
	var all []anchor
	for _, e := range members {
		if e.Marker.Episode != 0 {
			all = append(all, anchor{e.Date, e.Marker.Season, e.Marker.Episode})
		}
	}
	slices.SortFunc(all, func(a, b anchor) int {
		return cmp.Or(a.date.Compare(b.date), cmp.Compare(a.season, b.season), cmp.Compare(a.episode, b.episode))
	})
	return all
}

// seasonAt is the season of the anchor published last no later than date
// (the last in series order among several of that date, which the post
// follows), or, when all are newer, of the oldest; 0 when there are none.
func seasonAt(anchors []anchor, date time.Time) int {
	if len(anchors) == 0 {
		return 0
	}
	i, _ := slices.BinarySearchFunc(anchors, date, func(a anchor, d time.Time) int {
		if a.date.After(d) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return anchors[0].season
	}
	return anchors[i-1].season
}

// orderSeason sorts a season's episodes: numbered ones by number, then date,
// then key; unnumbered ones by date and key, each placed after the numbered
// episodes published no later than it. It also works out what labels each
// unnumbered episode (see Episode.part).
func orderSeason(all []placed) []*Episode {
	var numbered, unnumbered []placed
	for _, p := range all {
		if p.ep.Number == 0 {
			unnumbered = append(unnumbered, p)
		} else {
			numbered = append(numbered, p)
		}
	}
	slices.SortFunc(numbered, func(a, b placed) int {
		return cmp.Or(cmp.Compare(a.ep.Number, b.ep.Number), a.date.Compare(b.date), cmp.Compare(a.ep.Key, b.ep.Key))
	})
	slices.SortFunc(unnumbered, func(a, b placed) int {
		return cmp.Or(a.date.Compare(b.date), cmp.Compare(a.ep.Key, b.ep.Key))
	})
	first := 0 // the season's first number, which an unnumbered episode at its start precedes
	if len(numbered) > 0 {
		first = numbered[0].ep.Number
	}
	ordered := make([]*Episode, 0, len(all))
	last := 0 // the last number of the numbered episode most recently placed
	for len(numbered) > 0 || len(unnumbered) > 0 {
		var next placed
		if len(unnumbered) > 0 && (len(numbered) == 0 || unnumbered[0].date.Before(numbered[0].date)) {
			next, unnumbered = unnumbered[0], unnumbered[1:]
			switch {
			case first == 0:
				next.ep.part = len(ordered) + 1
			case last > 0:
				next.ep.after = last
			default:
				next.ep.before = first
			}
		} else {
			next, numbered = numbered[0], numbered[1:]
			last = next.ep.NumberEnd
		}
		ordered = append(ordered, next.ep)
	}
	return ordered
}

// checkNumbers warns about episode numbers of one season that two posts
// claim, and about numbers that no post claims between two that do.
func checkNumbers(s *Series, season *Season) []diag.Diagnostic {
	var warnings []diag.Diagnostic
	var reach *Episode // the numbered episode so far whose range ends furthest on
	for _, ep := range season.Episodes {
		if ep.Number == 0 {
			continue
		}
		switch {
		case reach == nil:
		case ep.Number <= reach.NumberEnd:
			warnings = append(warnings, diag.Warnf(ep.Key, 0, "duplicate episode %s: also in %s",
				code(season.Number, ep.Number), reach.Key))
		case ep.Number > reach.NumberEnd+1 && season.Number < MinYear:
			where := s.Name
			if season.Number > 0 {
				where = fmt.Sprintf("%s season %d", s.Name, season.Number)
			}
			missing := fmt.Sprintf("no episode %d", reach.NumberEnd+1)
			if ep.Number-reach.NumberEnd > 2 {
				missing = fmt.Sprintf("no episodes %d–%d", reach.NumberEnd+1, ep.Number-1)
			}
			warnings = append(warnings, diag.Warnf(ep.Key, 0, "gap in %s: %s between %s and %s",
				where, missing, reach.Key, ep.Key))
		}
		if reach == nil || ep.NumberEnd > reach.NumberEnd {
			reach = ep
		}
	}
	return warnings
}

// code names one episode in messages the way authors write it: "S01E02",
// "#12" without a season, "week 35 of 2021".
func code(season, episode int) string {
	switch {
	case season == 0:
		return fmt.Sprintf("#%d", episode)
	case season >= MinYear && season <= maxSeason:
		return fmt.Sprintf("week %d of %d", episode, season)
	default:
		return fmt.Sprintf("S%02dE%02d", season, episode)
	}
}

// codeRange is code for a marker, with the end of its range.
func codeRange(m Marker) string {
	if m.EpisodeEnd != m.Episode {
		return fmt.Sprintf("%s–%d", code(m.Season, m.Episode), m.EpisodeEnd)
	}
	return code(m.Season, m.Episode)
}
