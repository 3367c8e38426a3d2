package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// latinLetters transliterates Latin letters that Unicode does not decompose
// into a base letter and accents.
var latinLetters = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'ł': "l", 'Ł': "l", 'þ': "th", 'Þ': "th", 'ı': "i", 'ħ': "h", 'Ħ': "h",
	'ŧ': "t", 'Ŧ': "t", 'ŋ': "ng", 'Ŋ': "ng", 'ĸ': "k",
}

// Slugify makes text into a URL path segment: lower-case letters and digits
// separated by single hyphens. Latin letters with diacritics are
// transliterated to ASCII ("Café Ørsted" → "cafe-orsted", "ß" → "ss") because
// that is what readers type; letters of other scripts are kept, lower-cased
// ("Привет мир" → "привет-мир"), because dropping them would leave nothing.
// Apostrophes vanish rather than split words ("don't" → "dont").
func Slugify(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	hyphen := false // a separator is pending; written only before the next letter
	emit := func(s string) {
		if hyphen && b.Len() > 0 {
			b.WriteByte('-')
		}
		hyphen = false
		b.WriteString(s)
	}
	for _, r := range text {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				emit(string(r))
			case 'A' <= r && r <= 'Z':
				emit(string(r + 'a' - 'A'))
			case r == '\'':
			default:
				hyphen = true
			}
		case r == '’' || r == 'ʼ' || unicode.Is(unicode.Mn, r):
			// Apostrophes and stray combining accents add nothing to a slug.
		case latinLetters[r] != "":
			emit(latinLetters[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if base, ok := asciiBase(r); ok {
				emit(string(base))
			} else {
				emit(string(unicode.ToLower(r)))
			}
		default:
			hyphen = true
		}
	}
	return b.String()
}

// FoldLatin writes Latin letters as plain lower-case ASCII the way Slugify
// does ("Straße Ørsted" → "strasse orsted"), leaving every other character
// as it is. Liquid's slugify: 'latin' uses it, so both slug alike.
func FoldLatin(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch {
		case latinLetters[r] != "":
			b.WriteString(latinLetters[r])
		default:
			if base, ok := asciiBase(r); ok {
				b.WriteRune(base)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// asciiBase returns the lower-case ASCII letter or digit r decomposes to
// with its accents removed ("é" → "e"), if there is one.
func asciiBase(r rune) (rune, bool) {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Properties(buf[:n]).Decomposition()
	if len(d) == 0 || d[0] >= utf8.RuneSelf {
		return 0, false
	}
	base := rune(d[0])
	switch {
	case 'a' <= base && base <= 'z', '0' <= base && base <= '9':
		return base, true
	case 'A' <= base && base <= 'Z':
		return base + 'a' - 'A', true
	}
	return 0, false
}

// titleFromSlug makes a readable title from a slug when the post has no
// other: "my-first-weeknote" → "My first weeknote".
func titleFromSlug(slug string) string {
	words := strings.ReplaceAll(slug, "-", " ")
	r, size := utf8.DecodeRuneInString(words)
	if size == 0 {
		return ""
	}
	return string(unicode.ToUpper(r)) + words[size:]
}
