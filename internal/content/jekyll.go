package content

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Jekyll's rules for slugs and URLs, used for posts of a site in Jekyll's
// layout so that every post keeps the URL Jekyll gives it.

// jekyllSlugify is Jekyll's Utils.slugify in its default mode, or, when
// pretty is true, in its "pretty" mode, which also keeps ._~!$&'()+,;=@.
// Every run of other characters becomes one hyphen; a hyphen at either end
// goes. Letters of every script are kept as they are (no transliteration),
// lower-cased unless cased is true.
func jekyllSlugify(s string, pretty, cased bool) string {
	var b strings.Builder
	b.Grow(len(s))
	run := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Me, r) ||
			unicode.Is(unicode.Nd, r) || pretty && strings.ContainsRune("._~!$&'()+,;=@", r) {
			if run {
				b.WriteByte('-')
				run = false
			}
			b.WriteRune(r)
			continue
		}
		run = true
	}
	if run {
		b.WriteByte('-')
	}
	out := strings.TrimSuffix(strings.TrimPrefix(b.String(), "-"), "-")
	if !cased {
		out = strings.ToLower(out)
	}
	return out
}

// escapePath is Jekyll's URL.escape_path: a value made of letters, digits,
// ".", "/" and "-" is used as it is; otherwise every character a URL path
// cannot hold as it is is percent-encoded ("deep dive" → "deep%20dive").
func escapePath(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if !isPlainURLByte(s[i]) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && (isPlainURLByte(c) || strings.IndexByte("_~!$&'()*+,;=:@", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isPlainURLByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '/' || c == '-'
}

// sanitizeURL is Jekyll's URL#sanitize_url: one leading slash, ".." made a
// slash and "./" dropped, so that no URL climbs out of the site, and runs
// of slashes squeezed to one.
func sanitizeURL(s string) string {
	s = strings.ReplaceAll("/"+s, "..", "/")
	s = strings.ReplaceAll(s, "./", "")
	return squeezeSlashes(s)
}

func squeezeSlashes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && i > 0 && s[i-1] == '/' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// folderCategories are the categories Jekyll gives a post from the folders
// above its _posts (or a draft's _drafts) folder: blog/tech/_posts/x.md
// and blog/tech/_drafts/y.md are in blog and tech.
func folderCategories(file string) []string {
	before, _, found := strings.Cut(file, "_posts")
	if !found {
		before, _, found = strings.Cut(file, "_drafts")
	}
	if !found || before == "" {
		return nil
	}
	var out []string
	for _, part := range strings.Split(before, "/") {
		if part != "" && part != "_posts" && part != "_drafts" && part != path.Base(file) {
			out = append(out, part)
		}
	}
	return out
}

// jekyllCategoryPath is :categories, downcased, de-duplicated and joined
// with "/"; with slugified set, each is slugified first (:slugified_categories).
func jekyllCategoryPath(categories []string, slugified bool) string {
	seen := map[string]bool{}
	var parts []string
	for _, c := range categories {
		if slugified {
			c = jekyllSlugify(c, false, false)
		} else {
			c = strings.ToLower(c)
		}
		if !seen[c] {
			seen[c] = true
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, "/")
}

func regexpPlaceholder() *regexp.Regexp { return regexp.MustCompile(`:([a-z_]+)`) }
