package config

import (
	"fmt"
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
// it names) that Jekyll does not know, which would make Jekyll stop.
func CheckPermalink(pattern string) error {
	for _, m := range placeholderRE.FindAllStringSubmatch(ExpandStyle(pattern), -1) {
		if _, ok := PlaceholderName(m[1]); !ok {
			return fmt.Errorf("unknown placeholder %q in %q; the placeholders are :%s, or a style: date, pretty, ordinal, weekdate, none",
				":"+m[1], pattern, strings.Join(Placeholders, ", :"))
		}
	}
	return nil
}
