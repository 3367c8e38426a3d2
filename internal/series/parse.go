package series

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/weeknotes/weeknotes/internal/content"
)

// MinYear is the smallest season number read as a year: the episodes of such
// a season are weeks of that year ("Weeknotes 35/2021" is season 2021,
// episode 35), so they are labelled and checked as weeks.
const MinYear = 1000

// Limits beyond which a number is taken for something other than a series
// marker: a typo, a count or an identifier.
const (
	maxSeason  = 9999
	maxEpisode = 9999 // two centuries of weekly notes
	maxWeek    = 53   // ISO 8601 years have 52 or 53 weeks
	maxDigits  = 9    // longer runs of digits are never a marker and would overflow
	maxBareNum = 3    // "Weeknote 12" but not "Weeknotes 2021", which is a year
)

// maxNameWords is the most words a series name may have. A longer run of
// words before a marker is a title with an episode code tacked on ("Oops I did
// it again S01E02"), not a name.
const maxNameWords = 3

// weeknotesName is the one spelling every weeknote/weeknotes/week name is
// normalised to, so that all of an author's weekly posts form one series
// however each title happens to spell it.
const weeknotesName = "Weeknotes"

// urlRunes are the runes that, earlier in the same whitespace-delimited token,
// make the token a URL, path, file name or address, in which an episode-like
// code is an identifier rather than a marker ("http://x/S01E02").
const urlRunes = `/\:.=?&%@~_`

// Parse finds a series marker in text (a title, excerpt or subtitle). ok is false when there is none.
//
// Recognised, case-insensitively, anywhere in the text, the first match winning:
//
//	Weeknotes S01E02, Weeknote S1E3, S1E3, s01e02, Weeknotes S01 E02
//	Season 1 Episode 2, Season 4, Episodes 2–11
//	S04E02–11, S04E02-11, S04E02—E11, S01E06 - S01E09   (a range within one season)
//	Weeknote #12, Weeknotes #12, Weeknotes No. 12       (season 0, episode 12)
//	Week Notes #7, Week-notes #7, Weekly Notes #7       (two-word weeknotes, likewise)
//	Weeknote 12                                         (followed by the end or punctuation)
//	Weeknotes 35/2021, Week 35/2021, Week 35, 2021,
//	Week 35 of 2021, 2021-W35                           (season 2021, episode 35: a week of the year)
//	Week 34                                             (season 0, episode 34; followed by the end or punctuation)
//
// Deliberately not markers: words that merely start like one ("Weekend",
// "Weekly"), a season or episode alone ("S01", "episode"), codes inside a URL,
// path or file name ("http://x/S01E02", "S01E02.html", "S01E02abc"), and a
// week counted within something else or followed by prose ("Week 2 of
// lockdown", "Week 3 of 5", "week 2 was busy"), which are ordinary sentences.
// A bare number after a dash is a range only when written tight
// ("S04E02-11"); spaced, it is the date that usually follows
// ("Weeknotes S01E02 - 17 January 2021"), and so is a tight one followed by
// a month ("S04E02-11 January").
//
// Nonsense is not a marker: episode 0, a season above 9999, an episode above
// 9999, a week above 53 and a range that ends before it starts.
//
// A weeknotes word (weeknote, weeknotes, week notes, weekly notes) names the
// series Weeknotes, or, after up to three words of a name, "<name>
// Weeknotes" ("Platform Team Week Notes #7"). Otherwise, name is the words
// immediately before the marker (at most three, on the same
// line, after the last punctuation, stopping at a date or a code), with
// weeknote, weeknotes and week normalised to "Weeknotes"; it is "" when there
// are none, when more words run on (a title ending in a code) or when the last
// is a word like "on" or "is" that shows a sentence mentioning the code.
func Parse(text string) (m Marker, ok bool) {
	urlish := false    // the token so far looks like a URL, path or address
	afterWord := false // the previous rune is a letter or digit, so no word starts here
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if !afterWord && !urlish {
			if m, end, found := matchAt(text, i, r); found && m.problem() == "" && boundaryAfter(text, end) {
				return m, true
			}
		}
		switch {
		case r < utf8.RuneSelf:
			// Most text is ASCII; classify it without the Unicode tables.
			c := byte(r)
			switch {
			case c == ' ' || '\t' <= c && c <= '\r':
				urlish = false
			case strings.IndexByte(urlRunes, c) >= 0:
				urlish = true
			}
			afterWord = isDigit(r) || isASCIILetter(c)
		case unicode.IsSpace(r):
			urlish, afterWord = false, false
		default:
			afterWord = isWordRune(r)
		}
		i += size
	}
	return Marker{}, false
}

// matchAt tries every form that can start with r at text[i:]. end is where the
// marker ends; the caller checks that a word does not continue there.
func matchAt(text string, i int, r rune) (m Marker, end int, found bool) {
	switch {
	case r == 's' || r == 'S':
		if m, end, found = matchSeasonEpisode(text, i); found {
			m.Name = nameBefore(text, i)
			return m, end, true
		}
		if m, end, found = matchSeasonWords(text, i); found {
			m.Name = nameBefore(text, i)
			return m, end, true
		}
	case r == 'w' || r == 'W':
		if m, end, found = matchWeek(text, i); found {
			m.Name = weekSeriesName(text, i)
			return m, end, true
		}
	case isDigit(r):
		if m, end, found = matchISOWeek(text, i); found {
			m.Name = nameBefore(text, i)
			return m, end, true
		}
	}
	return Marker{}, i, false
}

// problem says what makes m nonsense, or "" when it is a plausible marker.
// Parse rejects such markers; Assemble warns about them.
func (m Marker) problem() string {
	switch {
	case m.Season < 0 || m.Season > maxSeason:
		return "season must be between 0 and 9999"
	case m.Episode < 1 || m.Episode > maxEpisode:
		return "episode must be between 1 and 9999"
	case m.EpisodeEnd < m.Episode:
		return "episode range ends before it starts"
	case m.EpisodeEnd > maxEpisode:
		return "episode must be between 1 and 9999"
	case m.Season >= MinYear && m.EpisodeEnd > maxWeek:
		return "a year has at most 53 weeks"
	}
	return ""
}

// matchSeasonEpisode reads "S01E02", "S01 E02" and their ranges at text[i:].
func matchSeasonEpisode(text string, i int) (Marker, int, bool) {
	season, j, ok := readNumber(text, i+1)
	if !ok {
		return Marker{}, i, false
	}
	j = skipBlanks(text, j)
	if j >= len(text) || text[j]|0x20 != 'e' {
		return Marker{}, i, false
	}
	episode, end, ok := readNumber(text, j+1)
	if !ok {
		return Marker{}, i, false
	}
	m := Marker{Season: season, Episode: episode, EpisodeEnd: episode}
	if last, rangeEnd, ok := readCodeRange(text, end, season); ok {
		m.EpisodeEnd, end = last, rangeEnd
	}
	return m, end, true
}

// readCodeRange reads the end of an "S04E02" range at text[i:]: tight
// ("–11", "-E11", "—S04E11") or spaced with a code (" - S04E11", " – E11").
// A range into another season is not a range: the marker is its first code.
func readCodeRange(text string, i, season int) (last, end int, ok bool) {
	j := skipBlanks(text, i)
	spaced := j > i
	j, ok = skipDash(text, j)
	if !ok {
		return 0, i, false
	}
	if k := skipBlanks(text, j); k > j {
		spaced, j = true, k
	}
	if j >= len(text) {
		return 0, i, false
	}
	switch c := text[j] | 0x20; {
	case c == 's':
		other, k, found := readNumber(text, j+1)
		if !found || other != season {
			return 0, i, false
		}
		k = skipBlanks(text, k)
		if k >= len(text) || text[k]|0x20 != 'e' {
			return 0, i, false
		}
		j = k
		fallthrough
	case c == 'e':
		last, end, ok = readNumber(text, j+1)
	case !spaced && isDigit(rune(text[j])):
		last, end, ok = readNumber(text, j)
		if ok && monthFollows(text, end) {
			return 0, i, false
		}
	default:
		return 0, i, false
	}
	if !ok || !boundaryAfter(text, end) {
		return 0, i, false
	}
	return last, end, true
}

// matchSeasonWords reads "Season 1 Episode 2", "Season 1, Ep. 2" and
// "Season 4, Episodes 2–11" at text[i:].
func matchSeasonWords(text string, i int) (Marker, int, bool) {
	j, ok := skipWord(text, i, "season")
	if !ok {
		return Marker{}, i, false
	}
	season, j, ok := readNumber(text, skipBlanks(text, j))
	if !ok {
		return Marker{}, i, false
	}
	j = skipBlanks(text, j)
	if j < len(text) && text[j] == ',' {
		j = skipBlanks(text, j+1)
	}
	plural := false
	switch k, ok := skipWord(text, j, "episodes"); {
	case ok:
		j, plural = k, true
	default:
		if k, ok = skipWord(text, j, "episode"); ok {
			j = k
		} else if k, ok = skipWord(text, j, "ep"); ok {
			j = k
			if j < len(text) && text[j] == '.' {
				j++
			}
		} else {
			return Marker{}, i, false
		}
	}
	episode, end, ok := readNumber(text, skipBlanks(text, j))
	if !ok {
		return Marker{}, i, false
	}
	m := Marker{Season: season, Episode: episode, EpisodeEnd: episode}
	if last, rangeEnd, ok := readNumberRange(text, end, plural); ok {
		m.EpisodeEnd, end = last, rangeEnd
	}
	return m, end, true
}

// readNumberRange reads the end of a range of plain numbers at text[i:]:
// "–11" always, and " – 11" or " to 11" after a plural ("Episodes 2 to 11").
func readNumberRange(text string, i int, spacedAllowed bool) (last, end int, ok bool) {
	j := skipBlanks(text, i)
	spaced := j > i
	if spaced && !spacedAllowed {
		return 0, i, false
	}
	if k, ok := skipDash(text, j); ok {
		j = k
	} else if k, ok := skipWord(text, j, "to"); ok && spaced {
		j = k
	} else {
		return 0, i, false
	}
	k := skipBlanks(text, j)
	if k > j && !spacedAllowed {
		return 0, i, false
	}
	last, end, ok = readNumber(text, k)
	if !ok || monthFollows(text, end) || !boundaryAfter(text, end) {
		return 0, i, false
	}
	return last, end, true
}

// matchWeek reads the forms that start with weeknotes, weeknote or week at
// text[i:]: "#12", "No. 12", "35/2021", "35, 2021", "35 of 2021", "35 2021"
// and a bare number that ends a phrase ("Week 34", "Weeknote 12: busy").
func matchWeek(text string, i int) (Marker, int, bool) {
	j, isWeek := 0, false
	if k, ok := skipWeekNotes(text, i); ok {
		j = k
	} else if k, ok := skipWord(text, i, "weeknotes"); ok {
		j = k
	} else if k, ok := skipWord(text, i, "weeknote"); ok {
		j = k
	} else if k, ok := skipWord(text, i, "week"); ok {
		j, isWeek = k, true
	} else {
		return Marker{}, i, false
	}
	j = skipBlanks(text, j)
	numbered := false // "#12": an episode number, never a week of a year
	switch {
	case strings.HasPrefix(text[j:], "#"):
		j, numbered = j+1, true
	case strings.HasPrefix(text[j:], "№"):
		j, numbered = j+len("№"), true
	case hasPrefixFold(text[j:], "no."):
		j, numbered = j+3, true
	}
	if numbered {
		j = skipBlanks(text, j)
	}
	n, end, ok := readNumber(text, j)
	if !ok {
		return Marker{}, i, false
	}
	if numbered {
		m := Marker{Episode: n, EpisodeEnd: n}
		if isWeek && n > maxWeek {
			return Marker{}, i, false
		}
		return m, end, true
	}
	if year, yearEnd, ok := readWeekYear(text, end); ok {
		if n > maxWeek {
			return Marker{}, i, false
		}
		return Marker{Season: year, Episode: n, EpisodeEnd: n}, yearEnd, true
	}
	if k := skipBlanks(text, end); k > end {
		if _, ok := skipWord(text, k, "of"); ok {
			return Marker{}, i, false // "Week 2 of lockdown"
		}
	}
	switch {
	case isWeek && n > maxWeek:
		return Marker{}, i, false
	case !isWeek && end-j > maxBareNum:
		return Marker{}, i, false
	case !endsPhrase(text, end):
		return Marker{}, i, false
	}
	return Marker{Episode: n, EpisodeEnd: n}, end, true
}

// readWeekYear reads the year that follows a week number at text[i:]:
// "/2021", ", 2021", " of 2021" or " 2021".
func readWeekYear(text string, i int) (year, end int, ok bool) {
	j := i
	switch {
	case strings.HasPrefix(text[j:], "/"):
		j++
	case strings.HasPrefix(text[j:], ","):
		j = skipBlanks(text, j+1)
	default:
		k := skipBlanks(text, j)
		if k == j {
			return 0, i, false
		}
		j = k
		if k, ok := skipWord(text, j, "of"); ok {
			j = skipBlanks(text, k)
		}
	}
	year, end, ok = readYear(text, j)
	if !ok || !boundaryAfter(text, end) {
		return 0, i, false
	}
	return year, end, true
}

// matchISOWeek reads an ISO 8601 week, "2021-W35" or "2021W35", at text[i:].
func matchISOWeek(text string, i int) (Marker, int, bool) {
	year, j, ok := readYear(text, i)
	if !ok {
		return Marker{}, i, false
	}
	if j < len(text) && text[j] == '-' {
		j++
	}
	if j >= len(text) || text[j]|0x20 != 'w' {
		return Marker{}, i, false
	}
	week, end, ok := readNumber(text, j+1)
	if !ok || end-j-1 > 2 {
		return Marker{}, i, false
	}
	return Marker{Season: year, Episode: week, EpisodeEnd: week}, end, true
}

// readYear reads exactly four digits naming a year from 1000 on.
func readYear(text string, i int) (year, end int, ok bool) {
	year, end, ok = readNumber(text, i)
	if !ok || end-i != 4 || year < MinYear {
		return 0, i, false
	}
	return year, end, true
}

// readNumber reads a run of ASCII digits at text[i:]. It fails on none and on
// runs too long to be a marker's number.
func readNumber(text string, i int) (n, end int, ok bool) {
	end = i
	for end < len(text) && isDigit(rune(text[end])) {
		n = n*10 + int(text[end]-'0')
		end++
		if end-i > maxDigits {
			return 0, i, false
		}
	}
	return n, end, end > i
}

// skipWord skips word at text[i:], in any case, when a letter does not follow
// it ("week" but not "weekend").
func skipWord(text string, i int, word string) (end int, ok bool) {
	if !hasPrefixFold(text[i:], word) {
		return i, false
	}
	end = i + len(word)
	if end < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[end:]); unicode.IsLetter(r) {
			return i, false
		}
	}
	return end, true
}

// hasPrefixFold reports whether s starts with the ASCII lower-case prefix in
// any case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for k := 0; k < len(prefix); k++ {
		c := s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[k] {
			return false
		}
	}
	return true
}

// skipBlanks skips horizontal white space: a marker never spans lines.
func skipBlanks(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isBlank(r) {
			break
		}
		i += size
	}
	return i
}

// isBlankBefore reports whether the rune before text[i] is horizontal white space.
func isBlankBefore(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return isBlank(r)
}

// skipDash skips one hyphen or dash: authors and their editors' smart
// punctuation use any of them for ranges.
func skipDash(text string, i int) (int, bool) {
	if i >= len(text) {
		return i, false
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return i + size, true
	}
	return i, false
}

// months are the month names and abbreviations that, after a number, make it
// the day of a date rather than the end of a range.
var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// monthFollows reports whether a month name follows text[i] after blanks.
func monthFollows(text string, i int) bool {
	j := skipBlanks(text, i)
	if j == i {
		return false
	}
	k := j
	for k < len(text) && k-j <= len("september") && isASCIILetter(text[k]) {
		k++
	}
	return months[strings.ToLower(text[j:k])]
}

// endsPhrase reports whether a bare number at text[:i] ends its phrase: the
// text ends, or punctuation follows ("Week 34", "Week 34: busy",
// "Week 34 – 20 August"), rather than more words ("week 2 was busy") or more
// numbers ("Week 34-35", "Week 3 5").
func endsPhrase(text string, i int) bool {
	j := skipBlanks(text, i)
	if j >= len(text) {
		return true
	}
	r, size := utf8.DecodeRuneInString(text[j:])
	if isWordRune(r) {
		return false
	}
	if j == i && (r == '-' || r == '/') && j+size < len(text) && isDigit(rune(text[j+size])) {
		return false
	}
	return true
}

// boundaryAfter reports whether a marker may end at text[i]: no word
// continues there ("S01E02abc"), nor a file name or URL ("S01E02.html").
func boundaryAfter(text string, i int) bool {
	if i >= len(text) {
		return true
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	if isWordRune(r) {
		return false
	}
	if r != ':' && strings.ContainsRune(urlRunes, r) && i+size < len(text) {
		next, _ := utf8.DecodeRuneInString(text[i+size:])
		return !isWordRune(next)
	}
	return true
}

// functionWords cannot end a series name: before a marker they show the
// marker is mentioned in a sentence ("Here is S1E3", "Notes on S01E02").
var functionWords = map[string]bool{
	"a": true, "about": true, "an": true, "and": true, "are": true, "as": true, "at": true,
	"by": true, "for": true, "from": true, "in": true, "is": true, "it": true, "its": true,
	"my": true, "of": true, "on": true, "or": true, "our": true, "see": true, "that": true,
	"the": true, "this": true, "to": true, "was": true, "were": true, "with": true,
}

// nameBefore returns the series name written immediately before the marker
// at text[i], normalised; "" when there is none.
func nameBefore(text string, i int) string {
	var words []string // nearest first
	j := i
	for len(words) <= maxNameWords {
		k := j
		for k > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:k])
			if !isBlank(r) {
				break
			}
			k -= size
		}
		if k == j || k == 0 {
			break // punctuation touches the word, or only blanks precede it
		}
		start := k
		for start > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:start])
			if !isNameRune(r) {
				break
			}
			start -= size
		}
		word := text[start:k]
		if !isNameWord(word) {
			break
		}
		words = append(words, word)
		j = start
		if start > 0 && !isBlankBefore(text, start) {
			break // "(Sprint notes S01E02": the bracket opens the name
		}
	}
	switch {
	case len(words) == 0, len(words) > maxNameWords:
		return ""
	case isWeekWord(words[0]):
		return weeknotesName
	case len(words) > 1 && (strings.EqualFold(words[0], "notes") || strings.EqualFold(words[0], "note")) &&
		(strings.EqualFold(words[1], "week") || strings.EqualFold(words[1], "weekly")):
		return weeknotesName // "Week Notes S01E02"
	case functionWords[strings.ToLower(words[0])]:
		return ""
	}
	for l, r := 0, len(words)-1; l < r; l, r = l+1, r-1 {
		words[l], words[r] = words[r], words[l]
	}
	return strings.Join(words, " ")
}

// isNameWord reports whether word can be part of a series name: it has a
// letter ("17" and "2021" are a date's), and no letter follows a digit, as in
// codes and ordinals ("S01E01", "2021-W35", "2nd"), though one may precede
// it ("Web3").
func isNameWord(word string) bool {
	letter, digit := false, false
	for _, r := range word {
		switch {
		case isDigit(r):
			digit = true
		case unicode.IsLetter(r):
			if digit {
				return false
			}
			letter = true
		}
	}
	return letter
}

// isWeekWord reports whether word is one of the spellings of the weeknotes
// series.
func isWeekWord(word string) bool {
	for _, w := range []string{"weeknotes", "weeknote", "week", "week-notes", "week-note"} {
		if strings.EqualFold(word, w) {
			return true
		}
	}
	return false
}

// skipWeekNotes skips the two-word spellings of weeknotes at text[i:]:
// "Week Notes", "week note", "Weekly Notes", "Week-notes".
func skipWeekNotes(text string, i int) (end int, ok bool) {
	j, ok := skipWord(text, i, "weekly")
	if !ok {
		if j, ok = skipWord(text, i, "week"); !ok {
			return i, false
		}
	}
	k := skipBlanks(text, j)
	if k == j && strings.HasPrefix(text[j:], "-") {
		k = j + 1
	}
	if k == j {
		return i, false
	}
	if end, ok = skipWord(text, k, "notes"); ok {
		return end, true
	}
	if end, ok = skipWord(text, k, "note"); ok {
		return end, true
	}
	return i, false
}

// weekSeriesName names the series of a marker that starts with a week word
// at text[i:]: "Weeknotes", or, when a name precedes a weeknotes word
// ("Platform Team Week Notes #7"), that name and "Weeknotes". A bare
// "Week 34" is always Weeknotes: words before it are usually prose.
func weekSeriesName(text string, i int) string {
	if _, ok := skipWeekNotes(text, i); !ok {
		if _, ok := skipWord(text, i, "weeknote"); !ok {
			if _, ok := skipWord(text, i, "weeknotes"); !ok {
				return weeknotesName
			}
		}
	}
	switch name := nameBefore(text, i); name {
	case "", weeknotesName:
		return weeknotesName
	default:
		return name + " " + weeknotesName
	}
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isNameRune reports whether r can be part of a word of a series name:
// "Dave's", "Follow-up", "café".
func isNameRune(r rune) bool {
	return isWordRune(r) || unicode.IsMark(r) || r == '\'' || r == '\u2019' || r == '-'
}

// isBlank reports whether r is white space within a line.
func isBlank(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return false
	}
	return unicode.IsSpace(r)
}

// Find places a post in a series the way weeknotes reads posts: explicit
// front matter keys (name, season, episode; zero values mean not given)
// win over a marker found in texts, which are tried in order (title,
// subtitle, excerpt). The name stays "" when nothing names the series.
//
// A name given with no number anywhere still places the post, unnumbered
// (Episode 0), as Jekyll's series plugins and Hugo's series taxonomy do:
// naming the series is the author saying the post belongs to it. A season
// alone names no series, so it places nothing.
func Find(texts []string, name string, season, episode int) (Marker, bool) {
	var m Marker
	ok := false
	for _, text := range texts {
		if text == "" {
			continue
		}
		if m, ok = Parse(text); ok {
			break
		}
	}
	if episode > 0 {
		m.Episode, m.EpisodeEnd, ok = episode, episode, true
	}
	if season > 0 {
		m.Season = season
	}
	if name != "" {
		m.Name, ok = name, true
	}
	if m.EpisodeEnd < m.Episode {
		m.EpisodeEnd = m.Episode
	}
	return m, ok
}

// OfPost places a post in a series: Find over its title, subtitle and
// excerpt and its series, season and episode keys, with a marker that names
// no series joining defaultName (the configuration's series). The site and
// the new-post command both read posts through it, so they always agree.
func OfPost(p *content.Post, defaultName string) (Marker, bool) {
	m, ok := Find([]string{p.Title, p.Subtitle, p.Excerpt}, p.SeriesName, p.Season, p.Episode)
	if ok && m.Name == "" {
		m.Name = defaultName
	}
	return m, ok
}
