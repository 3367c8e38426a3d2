package config

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// PermalinkStyles are Jekyll's named permalink styles and the patterns they
// stand for.
var PermalinkStyles = map[string]string{
	"date":     "/:categories/:year/:month/:day/:title:output_ext",
	"pretty":   "/:categories/:year/:month/:day/:title/",
	"ordinal":  "/:categories/:year/:y_day/:title:output_ext",
	"weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
	"none":     "/:categories/:title:output_ext",
}

// Placeholders are the names a post's permalink pattern may use, as
// Jekyll's URL drop for documents has them.
var Placeholders = []string{
	"year", "month", "day", "i_month", "i_day", "short_year", "y_day",
	"hour", "minute", "second", "week", "w_year", "w_day", "short_day",
	"long_day", "short_month", "long_month", "title", "slug", "name",
	"categories", "slugified_categories", "output_ext", "path", "collection",
}

// placeholderRE finds placeholders as Jekyll's URL does: a colon and the
// longest run of lower-case letters and underscores after it.
var placeholderRE = regexp.MustCompile(`:([a-z_]+)`)

// ExpandStyle returns the pattern a named style stands for, or pattern.
func ExpandStyle(pattern string) string {
	if style, ok := PermalinkStyles[pattern]; ok {
		return style
	}
	return pattern
}

// PlaceholderName returns the placeholder a matched name stands for: the
// name itself, or, as in Jekyll, the name without a trailing underscore
// (":title_" before a letter). ok is false when neither is known.
func PlaceholderName(name string) (string, bool) {
	for _, n := range []string{name, strings.TrimSuffix(name, "_")} {
		i := sort.SearchStrings(sortedPlaceholders, n)
		if i < len(sortedPlaceholders) && sortedPlaceholders[i] == n {
			return n, true
		}
	}
	return "", false
}

var sortedPlaceholders = func() []string {
	s := append([]string(nil), Placeholders...)
	sort.Strings(s)
	return s
}()

// CheckPermalink reports the first placeholder of pattern (or of the style
// it names) that Jekyll does not know, which would make Jekyll stop, and a
// pattern that could lead outside the site (CheckPermalinkPath).
func CheckPermalink(pattern string) error {
	if err := CheckPermalinkPath(pattern); err != nil {
		return err
	}
	for _, m := range placeholderRE.FindAllStringSubmatch(ExpandStyle(pattern), -1) {
		if _, ok := PlaceholderName(m[1]); !ok {
			return fmt.Errorf("unknown placeholder %q in %q; the placeholders are :%s, or a style: date, pretty, ordinal, weekdate, none",
				":"+m[1], pattern, strings.Join(Placeholders, ", :"))
		}
	}
	return nil
}

// CheckPermalinkPath refuses a permalink with a "." or ".." segment, a
// backslash or a NUL: written into the output folder, it could lead outside
// it. Jekyll drops such segments silently; weeknotes says so, since a
// permalink that climbs is a mistake or an attack. The pattern is checked
// as it is written to disk, after percent-decoding.
func CheckPermalinkPath(pattern string) error {
	// As the URL is written to disk: unescaped ("%2e%2e" is "..").
	if u, err := url.PathUnescape(pattern); err == nil {
		pattern = u
	}
	if strings.ContainsAny(pattern, "\\\x00") {
		return fmt.Errorf("%q has a backslash or a NUL; write URLs with / only", pattern)
	}
	for seg := range strings.SplitSeq(pattern, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%q has a %q segment, which would lead outside the site's output folder", pattern, seg)
		}
	}
	return nil
}
