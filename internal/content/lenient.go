package content

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Jekyll reads a date with Ruby's Time.parse, which finds a date and a time
// anywhere in the text and ignores the rest: "2021-03-04`09:30:00 +0000"
// (a stray backtick) is 09:30 UTC, and in "2022-02-02 20:15:00 2022 -0500"
// the offset is lost behind the repeated year. Posts written that way build
// with Jekyll, so they must build here, at the same date; lenientDate reads
// what Time.parse reads, for the forms real posts have, and the caller
// warns about it.

var (
	isoDateRE     = regexp.MustCompile(`(\d{4})[-/](\d{1,2})[-/](\d{1,2})`)
	compactDateRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})\b`)
	dayMonthRE    = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})`)
	monthDayRE    = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})`)
	// A time, with am/pm and a zone straight after it, as Date._parse
	// takes them: a zone further on is not the time's.
	clockRE = regexp.MustCompile(`(?i)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:\s*([ap])\.?m\b\.?)?(?:\s*(z\b|[-+]\d{1,4}(?::?\d{2})?|[a-z]{1,5}\b))?`)
	months  = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
)

// zoneOffsets are the zone names Ruby's Time.zone_offset knows. Any other
// name, and an offset not written as ±HH, ±HHMM or ±HH:MM ("+010"), is
// ignored: the time is then a wall-clock time in the site's zone.
var zoneOffsets = map[string]int{
	"UTC": 0, "UT": 0, "GMT": 0, "Z": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}

var numericZoneRE = regexp.MustCompile(`^([-+])(\d\d)(?::?(\d\d))?$`)

// lenientDate reads s as Ruby's Time.parse would, in loc. ok is false when
// no date is found or it does not exist (Time.parse fails too).
func lenientDate(s string, loc *time.Location) (time.Time, bool) {
	year, month, day, rest, ok := findDate(s)
	if !ok {
		return time.Time{}, false
	}
	hour, minute, sec, nsec, zone := 0, 0, 0, 0, ""
	if m := clockRE.FindStringSubmatch(rest); m != nil {
		hour, _ = strconv.Atoi(m[1])
		minute, _ = strconv.Atoi(m[2])
		sec, _ = strconv.Atoi(m[3])
		if m[4] != "" {
			frac := (m[4] + "000000000")[:9]
			nsec, _ = strconv.Atoi(frac)
		}
		switch strings.ToLower(m[5]) {
		case "p":
			if hour < 12 {
				hour += 12
			}
		case "a":
			if hour == 12 {
				hour = 0
			}
		}
		zone = m[6]
		if hour > 23 || minute > 59 || sec > 60 {
			return time.Time{}, false
		}
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) {
		return time.Time{}, false
	}
	in := loc
	if off, ok := zoneOffset(zone); ok {
		in = time.FixedZone("", off)
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, in).In(loc), true
}

// findDate finds the date in s and returns s with it blanked out, so that
// its digits are not read as a time.
func findDate(s string) (year, month, day int, rest string, ok bool) {
	for _, re := range []*regexp.Regexp{isoDateRE, compactDateRE} {
		if m := re.FindStringSubmatchIndex(s); m != nil {
			year, _ = strconv.Atoi(s[m[2]:m[3]])
			month, _ = strconv.Atoi(s[m[4]:m[5]])
			day, _ = strconv.Atoi(s[m[6]:m[7]])
			return year, month, day, blank(s, m[0], m[1]), true
		}
	}
	if m := dayMonthRE.FindStringSubmatchIndex(s); m != nil {
		day, _ = strconv.Atoi(s[m[2]:m[3]])
		year, _ = strconv.Atoi(s[m[6]:m[7]])
		return year, int(months[strings.ToLower(s[m[4]:m[5]])]), day, blank(s, m[0], m[1]), true
	}
	if m := monthDayRE.FindStringSubmatchIndex(s); m != nil {
		day, _ = strconv.Atoi(s[m[4]:m[5]])
		year, _ = strconv.Atoi(s[m[6]:m[7]])
		return year, int(months[strings.ToLower(s[m[2]:m[3]])]), day, blank(s, m[0], m[1]), true
	}
	return 0, 0, 0, s, false
}

func blank(s string, from, to int) string {
	return s[:from] + strings.Repeat(" ", to-from) + s[to:]
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// zoneOffset is Ruby's Time.zone_offset, in seconds east of UTC.
func zoneOffset(zone string) (int, bool) {
	if h, ok := zoneOffsets[strings.ToUpper(zone)]; ok {
		return h * 3600, true
	}
	m := numericZoneRE.FindStringSubmatch(zone)
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[2])
	mins, _ := strconv.Atoi(m[3])
	off := h*3600 + mins*60
	if m[1] == "-" {
		off = -off
	}
	return off, true
}
