package content

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFirstLineTitle is the longest first line, in characters, taken as the
// title of a post without front matter; longer ones are prose.
const maxFirstLineTitle = 150

// lineAfter returns the line of b starting at off, without its line ending,
// and the offset of the next line.
func lineAfter(b []byte, off int) (line []byte, next int) {
	end := bytes.IndexByte(b[off:], '\n')
	if end < 0 {
		line, next = b[off:], len(b)
	} else {
		line, next = b[off:off+end], off+end+1
	}
	return bytes.TrimSuffix(line, []byte{'\r'}), next
}

func isBlank(line []byte) bool {
	return len(bytes.TrimLeft(line, " \t")) == 0
}

// skipBlankLines returns the offset of the first line at or after off that
// is not blank, or len(b).
func skipBlankLines(b []byte, off int) int {
	for off < len(b) {
		line, next := lineAfter(b, off)
		if !isBlank(line) {
			return off
		}
		off = next
	}
	return off
}

// leadingHeading finds a level-1 heading, ATX ("# Title") or Setext ("Title"
// over "==="), as the first thing in body. It returns the heading's text and
// the offset just past it and the blank lines after it.
func leadingHeading(body []byte) (title string, end int, ok bool) {
	start := skipBlankLines(body, 0)
	if start == len(body) {
		return "", 0, false
	}
	line, next := lineAfter(body, start)
	if text, isATX := atxHeading(line); isATX {
		return text, skipBlankLines(body, next), true
	}
	if next < len(body) && isPlainLine(line) {
		underline, after := lineAfter(body, next)
		if isSetextUnderline(underline) {
			return string(bytes.TrimSpace(line)), skipBlankLines(body, after), true
		}
	}
	return "", 0, false
}

// atxHeading reads a CommonMark level-1 ATX heading: up to three spaces, one
// "#", then a space or the end of the line; an optional closing run of "#".
func atxHeading(line []byte) (string, bool) {
	line = trimIndent(line)
	if len(line) == 0 || line[0] != '#' || hasLoneCR(line) {
		return "", false
	}
	rest := line[1:]
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
		return "", false // "##" is a lower level; "#tag" is not a heading
	}
	text := bytes.TrimSpace(rest)
	if closing := bytes.TrimRight(text, "#"); len(closing) < len(text) {
		if len(closing) == 0 {
			text = closing
		} else if last := closing[len(closing)-1]; last == ' ' || last == '\t' {
			text = bytes.TrimSpace(closing)
		}
	}
	return string(text), true
}

func isSetextUnderline(line []byte) bool {
	line = trimIndent(line)
	line = bytes.TrimRight(line, " \t")
	return len(line) > 0 && len(bytes.Trim(line, "=")) == 0
}

// trimIndent removes up to three leading spaces; a line indented by four or
// a tab is code, for which it returns nil.
func trimIndent(line []byte) []byte {
	for i := 0; i < 4; i++ {
		if i == len(line) {
			return line[i:]
		}
		switch line[i] {
		case ' ':
			continue
		case '\t':
			return nil
		}
		return line[i:]
	}
	return nil
}

// hasLoneCR reports whether a line (without its line ending) holds a
// carriage return, which CommonMark reads as a line break of its own (old
// Mac files): such a "line" is really several.
func hasLoneCR(line []byte) bool {
	return bytes.IndexByte(line, '\r') >= 0
}

// isPlainLine reports whether line is ordinary paragraph text, not the start
// of a Markdown block (heading, quote, list, fence, HTML, table, thematic
// break, link definition, Liquid tag) nor blank.
func isPlainLine(line []byte) bool {
	line = trimIndent(line)
	if len(line) == 0 || hasLoneCR(line) {
		return false
	}
	switch line[0] {
	case '#', '>', '<', '|', '`', '~', '[', '!', '{', '=', ' ', '\t':
		return false
	case '-', '*', '+', '_':
		return len(line) > 1 && line[1] != ' ' && line[1] != '\t' && line[1] != line[0]
	}
	// Ordered list items: "1. " or "1) ".
	i := 0
	for i < len(line) && i < 9 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(line) && (line[i] == '.' || line[i] == ')') && (line[i+1] == ' ' || line[i+1] == '\t') {
		return false
	}
	return true
}

// firstLineTitle finds the title of a post written without front matter
// as a plain first line: short, not Markdown block syntax, not a sentence
// (which would end in "." or ":"), and followed by a blank line. It returns
// the title and the offset past it and the blank lines after it.
func firstLineTitle(body []byte) (title string, end int, ok bool) {
	start := skipBlankLines(body, 0)
	if start == len(body) {
		return "", 0, false
	}
	line, next := lineAfter(body, start)
	if !isPlainLine(line) || next >= len(body) {
		return "", 0, false
	}
	if following, _ := lineAfter(body, next); !isBlank(following) {
		return "", 0, false
	}
	text := bytes.TrimSpace(line)
	if utf8.RuneCount(text) >= maxFirstLineTitle || !bytes.ContainsFunc(text, unicode.IsLetter) {
		return "", 0, false
	}
	switch text[len(text)-1] {
	case '.', ':', ';', ',':
		return "", 0, false
	}
	return string(text), skipBlankLines(body, next), true
}

// sameTitle reports whether a heading repeats the title: equal ignoring
// case, punctuation, Markdown emphasis and spacing.
func sameTitle(a, b string) bool {
	return titleKey(a) == titleKey(b)
}

func titleKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}
