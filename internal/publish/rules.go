package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/diag"

	"github.com/weeknotes/weeknotes/internal/mediatype"
)

// Headers are the HTTP headers an object is stored with, and so the headers
// the bucket (or the CDN in front of it) serves the file with.
type Headers struct {
	ContentType     string // e.g. "text/html; charset=utf-8"
	CacheControl    string // "" when the matching rule sets none
	ContentEncoding string // "gzip" when the object is stored compressed, else ""
}

// hash identifies the header set, so that a header change alone can be told
// from the object's metadata without comparing each header the way every
// storage service happens to normalise it.
func (h Headers) hash() string {
	sum := sha256.Sum256([]byte("weeknotes headers v1\x00" + h.ContentType + "\x00" + h.CacheControl + "\x00" + h.ContentEncoding))
	return hex.EncodeToString(sum[:16])
}

// DefaultRules returns the header rules applied to files that match none of
// the site's own: pages, feeds and the sitemap may be cached for five
// minutes, so that a new post shows up quickly; the theme's assets/ and the
// author's static/ files for a day; anything else for an hour. Nothing is
// gzipped unless a rule says so, because a bucket served without a CDN sends
// stored bytes as they are, even to clients that did not ask for gzip.
func DefaultRules() []config.HeaderRule {
	const fiveMinutes, oneHour, oneDay = "public, max-age=300", "public, max-age=3600", "public, max-age=86400"
	return []config.HeaderRule{
		{Glob: "**.html", CacheControl: fiveMinutes},
		{Glob: "**.htm", CacheControl: fiveMinutes},
		{Glob: "**.xml", CacheControl: fiveMinutes},
		{Glob: "**.atom", CacheControl: fiveMinutes},
		{Glob: "**.rss", CacheControl: fiveMinutes},
		{Glob: "assets/**", CacheControl: oneDay},
		{Glob: "static/**", CacheControl: oneDay},
		{Glob: "**", CacheControl: oneHour},
	}
}

// Rules decide the headers of every published file: the site's own rules
// first, in order, then DefaultRules. The first rule whose glob matches the
// file's slash path wins.
type Rules struct {
	rules []rule
}

type rule struct {
	config.HeaderRule
	match *regexp.Regexp
}

// CompileRules checks the site's header rules and returns them followed by
// DefaultRules. A glob is a path.Match pattern matched against the file's
// slash path relative to the built site ("2021/01/10/x/index.html"), in
// which "**" also matches across folders ("**.html", "static/**") and a
// leading "/" is ignored. Invalid globs are reported as a *diag.BuildError
// naming configFile, the file the rules came from.
func CompileRules(rules []config.HeaderRule, configFile string) (*Rules, error) {
	var problems []diag.Diagnostic
	compiled := &Rules{}
	for i, r := range append(append([]config.HeaderRule(nil), rules...), DefaultRules()...) {
		re, err := compileGlob(r.Glob)
		if err != nil {
			problems = append(problems, diag.Errorf(configFile, 0, "headers: rule %d: %v", i+1, err))
			continue
		}
		compiled.rules = append(compiled.rules, rule{HeaderRule: r, match: re})
	}
	if len(problems) > 0 {
		return nil, &diag.BuildError{Diagnostics: problems}
	}
	return compiled, nil
}

// defaultRules are DefaultRules compiled; they are known to be valid.
var defaultRules = func() *Rules {
	r, err := CompileRules(nil, "")
	if err != nil {
		panic(err)
	}
	return r
}()

// Headers returns the headers the file at key (a slash path relative to
// the built site) is published with.
func (r *Rules) Headers(key string) Headers {
	h := Headers{ContentType: ContentType(key)}
	for _, rule := range r.rules {
		if rule.match.MatchString(key) {
			h.CacheControl = rule.CacheControl
			if rule.Gzip && mediatype.IsText(h.ContentType) {
				h.ContentEncoding = "gzip"
			}
			break
		}
	}
	return h
}

// ContentType returns the Content-Type a file is published with, from its
// name alone: text types carry charset=utf-8, feed.xml files are Atom, and
// unknown extensions are application/octet-stream.
func ContentType(key string) string {
	if t, ok := mediatype.ByName(key); ok {
		return t
	}
	return "application/octet-stream"
}

// errBadGlob is what path.Match calls a malformed pattern, so that the
// message reads the same as the configuration loader's.
var errBadGlob = errors.New("syntax error in pattern")

// compileGlob translates a glob into an anchored regular expression. Single
// stars, question marks and classes behave exactly as in path.Match (never
// crossing a "/" except through a class); "**" matches any run of
// characters, and "**/" any run of whole folders, including none, so that
// "**/*.html" matches "index.html" too.
func compileGlob(glob string) (*regexp.Regexp, error) {
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
