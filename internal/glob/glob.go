// Package glob matches slash paths against the globs of a site's
// configuration, such as the header rules of publish ("**.html",
// "static/**"). A glob is a path.Match pattern in which "**" also matches
// across folders and a leading "/" is ignored. The configuration compiles
// each glob once, where it is loaded, so that a bad one is reported on its
// line and every later use matches the same way.
package glob

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Glob is a compiled glob.
type Glob struct {
	src string
	re  *regexp.Regexp
}

// Compile compiles a glob. Single stars, question marks and classes behave
// exactly as in path.Match (never crossing a "/" except through a class);
// "**" matches any run of characters, and "**/" any run of whole folders,
// including none, so that "**/*.html" matches "index.html" too. It rejects
// exactly the globs path.Match rejects, and the empty glob.
func Compile(glob string) (*Glob, error) {
	re, err := compile(glob)
	if err != nil {
		return nil, err
	}
	return &Glob{src: glob, re: re}, nil
}

// MustCompile is Compile for globs known to be valid; it panics on others.
func MustCompile(glob string) *Glob {
	g, err := Compile(glob)
	if err != nil {
		panic(err)
	}
	return g
}

// Match reports whether name, a slash path without a leading "/", matches.
func (g *Glob) Match(name string) bool { return g.re.MatchString(name) }

// String returns the glob as written.
func (g *Glob) String() string { return g.src }

// errBadGlob is what path.Match calls a malformed pattern, so that the
// message reads the same as the configuration loader's.
var errBadGlob = errors.New("syntax error in pattern")

// compile translates a glob into an anchored regular expression.
func compile(glob string) (*regexp.Regexp, error) {
	if glob == "" {
		return nil, fmt.Errorf("glob is empty")
	}
	if !utf8.ValidString(glob) {
		return nil, fmt.Errorf("glob %q is not valid UTF-8", glob)
	}
	pattern := strings.TrimPrefix(glob, "/")
	var re strings.Builder
	// (?s): file names may hold any character, newlines included.
	re.WriteString(`(?s)^`)
	for i := 0; i < len(pattern); {
		switch c := pattern[i]; c {
		case '*':
			if strings.HasPrefix(pattern[i:], "**/") {
				re.WriteString(`(?:.*/)?`)
				i += 3
			} else if strings.HasPrefix(pattern[i:], "**") {
				re.WriteString(`.*`)
				i += 2
			} else {
				re.WriteString(`[^/]*`)
				i++
			}
		case '?':
			re.WriteString(`[^/]`)
			i++
		case '[':
			class, n, err := translateClass(pattern[i+1:])
			if err != nil {
				return nil, fmt.Errorf("glob %q: %w", glob, err)
			}
			re.WriteString(class)
			i += 1 + n
		case '\\':
			if i+1 == len(pattern) {
				return nil, fmt.Errorf("glob %q: %w: it ends in a backslash", glob, errBadGlob)
			}
			r, size := utf8.DecodeRuneInString(pattern[i+1:])
			re.WriteString(regexp.QuoteMeta(string(r)))
			i += 1 + size
		default:
			r, size := utf8.DecodeRuneInString(pattern[i:])
			re.WriteString(regexp.QuoteMeta(string(r)))
			i += size
		}
	}
	re.WriteString(`$`)
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		return nil, fmt.Errorf("glob %q: %w", glob, err)
	}
	return compiled, nil
}

// translateClass reads a path.Match character class (the text after "[")
// and returns the equivalent regular expression class and how many bytes of
// s it used. It accepts and rejects exactly what path.Match does.
func translateClass(s string) (string, int, error) {
	var re strings.Builder
	re.WriteString(`[`)
	i := 0
	if i < len(s) && s[i] == '^' {
		re.WriteString(`^`)
		i++
	}
	ranges := 0
	for {
		if i < len(s) && s[i] == ']' && ranges > 0 {
			i++
			break
		}
		lo, n, err := classChar(s[i:])
		if err != nil {
			return "", 0, err
		}
		i += n
		hi := lo
		if i < len(s) && s[i] == '-' {
			if hi, n, err = classChar(s[i+1:]); err != nil {
				return "", 0, err
			}
			i += 1 + n
		}
		// path.Match accepts a reversed range, which matches nothing;
		// a regexp would reject it, so it is left out.
		if lo <= hi {
			fmt.Fprintf(&re, `\x{%x}-\x{%x}`, lo, hi)
		}
		ranges++
	}
	re.WriteString(`]`)
	class := re.String()
	if class == "[]" || class == "[^]" {
		// Only empty ranges: the class matches nothing (or, negated,
		// any single character).
		if class == "[]" {
			return `[^\x{0}-\x{10FFFF}]`, i, nil
		}
		return `[\x{0}-\x{10FFFF}]`, i, nil
	}
	return class, i, nil
}

// classChar reads one possibly escaped character of a class, as path.Match
// does: "-" and "]" must be escaped where a character is expected.
func classChar(s string) (rune, int, error) {
	if s == "" || s[0] == '-' || s[0] == ']' {
		return 0, 0, errBadGlob
	}
	n := 0
	if s[0] == '\\' {
		n = 1
		s = s[1:]
		if s == "" {
			return 0, 0, errBadGlob
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		return 0, 0, errBadGlob
	}
	return r, n + size, nil
}
