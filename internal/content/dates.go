package content

import (
	"strings"
	"time"
)

// dateLayouts are the date forms accepted in front matter: what Jekyll users
// write (its docs use "2021-11-19 08:00:00 -0600"), what Hugo users write
// (RFC 3339) and the shorter forms people type by hand. Single-digit months,
// days and hours are accepted as Jekyll accepts them. Fractional seconds
// need no layout of their own: time.Parse accepts them after the seconds.
var dateLayouts = []string{
	"2006-1-2",
	"2006-1-2 15:04",
	"2006-1-2 15:04:05",
	"2006-1-2 15:04:05 -0700",
	"2006-1-2 15:04:05 -07:00",
	"2006-1-2 15:04 -0700",
	"2006-1-2 15:04 -07:00",
	"2006-1-2 15:04:05-07:00",
	"2006-1-2 15:04:05Z07:00",
	"2006-1-2T15:04:05Z07:00",
	"2006-1-2T15:04Z07:00",
	"2006-1-2T15:04:05",
	"2006-1-2T15:04",
}

// parseDate reads a date written in front matter. A date without an offset
// is a wall-clock time in loc; one with an offset keeps its instant. Either
// way the result is expressed in loc, so that the URL's year, month and day
// are the site's.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	// Ruby's Time.parse, and so Jekyll, accepts a zone name after the time;
	// UTC and GMT are the only ones that mean the same everywhere.
	for _, zone := range []string{" UTC", " GMT"} {
		if rest, ok := strings.CutSuffix(s, zone); ok {
			s = rest + " +0000"
		}
	}
	if len(s) < len("2006-1-2") || s[0] < '0' || s[0] > '9' {
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.In(loc), true
		}
	}
	return time.Time{}, false
}

// dateValue reads a decoded front matter value as a date. raw is the YAML
// source text, when there is one, which wins over the decoded value.
func dateValue(v any, raw string, hasRaw bool, loc *time.Location) (time.Time, bool) {
	if hasRaw {
		return parseDate(raw, loc)
	}
	switch v := v.(type) {
	case string:
		return parseDate(v, loc)
	case time.Time:
		if isLocalTOML(v) {
			return time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), loc), true
		}
		return v.In(loc), true
	}
	return time.Time{}, false
}

// isLocalTOML reports whether t is a TOML local date or date-time, which the
// TOML decoder marks with a location of its own. Like an unzoned YAML date,
// it is a wall-clock time in the site's zone.
func isLocalTOML(t time.Time) bool {
	switch t.Location().String() {
	case "date-local", "datetime-local", "time-local":
		return true
	}
	return false
}

// fileNameDate reads Jekyll's YYYY-MM-DD- prefix of a post's file name (months
// and days may have one digit). It returns the date's parts and the rest of
// the name. found is true when the name starts with something shaped like a
// date; valid is false when that date does not exist (2021-02-30).
func fileNameDate(name string) (year, month, day int, rest string, found, valid bool) {
	i := 0
	number := func(minDigits, maxDigits int) (int, bool) {
		n, start := 0, i
		for i < len(name) && i-start < maxDigits && name[i] >= '0' && name[i] <= '9' {
			n = n*10 + int(name[i]-'0')
			i++
		}
		return n, i-start >= minDigits
	}
	dash := func() bool {
		if i < len(name) && name[i] == '-' {
			i++
			return true
		}
		return false
	}
	var ok bool
	if year, ok = number(4, 4); !ok || !dash() {
		return 0, 0, 0, name, false, false
	}
	if month, ok = number(1, 2); !ok || !dash() {
		return 0, 0, 0, name, false, false
	}
	if day, ok = number(1, 2); !ok {
		return 0, 0, 0, name, false, false
	}
	// The date must end the name or be followed by "-slug".
	if i < len(name) && !dash() {
		return 0, 0, 0, name, false, false
	}
	rest = name[i:]
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	valid = t.Year() == year && int(t.Month()) == month && t.Day() == day
	return year, month, day, rest, true, valid
}
