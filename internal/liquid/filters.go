package liquid

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/osteele/liquid/filters"
	"github.com/osteele/liquid/values"

	"github.com/weeknotes/weeknotes/internal/content"
)

// addJekyllFilters registers Jekyll's filters on top of the standard ones.
// relative_url and absolute_url close over the site's URL and base URL
// because filters see no render context.
func addJekyllFilters(fd filters.FilterDictionary, siteURL, baseURL string) {
	fd.AddFilter("relative_url", func(input any) any {
		if input == nil {
			return nil
		}
		return relativeURL(baseURL, stringOf(input))
	})
	fd.AddFilter("absolute_url", func(input any) any {
		if input == nil {
			return nil
		}
		return absoluteURL(siteURL, baseURL, stringOf(input))
	})

	fd.AddFilter("date_to_string", func(date any, kind, style func(string) string) (any, error) {
		return formatDate(date, "Jan", kind(""), style(""))
	})
	fd.AddFilter("date_to_long_string", func(date any, kind, style func(string) string) (any, error) {
		return formatDate(date, "January", kind(""), style(""))
	})
	fd.AddFilter("date_to_xmlschema", func(date any) (any, error) {
		// Ruby's xmlschema writes Jekyll's local times as +00:00, never Z.
		return formatTime(date, "2006-01-02T15:04:05-07:00")
	})
	fd.AddFilter("date_to_rfc822", func(date any) (any, error) {
		return formatTime(date, "Mon, 02 Jan 2006 15:04:05 -0700")
	})

	fd.AddFilter("xml_escape", func(input any) any {
		if input == nil {
			return nil
		}
		return html.EscapeString(stringOf(input))
	})
	fd.AddFilter("cgi_escape", func(s string) string { return url.QueryEscape(s) })
	fd.AddFilter("uri_escape", uriEscape)
	fd.AddFilter("slugify", func(s string, mode func(string) string) string {
		return slugify(s, mode("default"))
	})
	fd.AddFilter("jsonify", func(v any) (string, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return "", fmt.Errorf("jsonify: %w", err)
		}
		return string(b), nil
	})
	fd.AddFilter("number_of_words", func(s string) int { return len(strings.Fields(s)) })
	fd.AddFilter("normalize_whitespace", func(s string) string { return strings.Join(strings.Fields(s), " ") })
	fd.AddFilter("array_to_sentence_string", arrayToSentence)
	fd.AddFilter("where", where)
	fd.AddFilter("to_integer", func(v any) (int, error) {
		switch v := v.(type) {
		case nil:
			return 0, nil
		case bool:
			if v {
				return 1, nil
			}
			return 0, nil
		case string:
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("to_integer: %q is not a number", v)
			}
			return int(n), nil
		}
		n, err := values.Convert(v, reflect.TypeFor[int]())
		if err != nil {
			return 0, fmt.Errorf("to_integer: %w", err)
		}
		return n.(int), nil
	})
	// The body goes on to the Markdown stage, which converts Markdown and
	// applies the typographer; doing either here would do it twice.
	fd.AddFilter("markdownify", func(v any) any { return v })
	fd.AddFilter("smartify", func(v any) any { return v })
}

func ensureLeadingSlash(s string) string {
	if s == "" || strings.HasPrefix(s, "/") {
		return s
	}
	return "/" + s
}

var schemePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// isAbsoluteURL reports whether s needs no site prefix: it has a scheme, or
// is protocol-relative.
func isAbsoluteURL(s string) bool {
	return schemePattern.MatchString(s) || strings.HasPrefix(s, "//")
}

// relativeURL is Jekyll's relative_url: the path under the site's base URL.
func relativeURL(baseURL, path string) string {
	if isAbsoluteURL(path) {
		return path
	}
	return ensureLeadingSlash(strings.TrimSuffix(baseURL, "/")) + ensureLeadingSlash(path)
}

// absoluteURL is Jekyll's absolute_url: the site URL, base URL and path.
func absoluteURL(siteURL, baseURL, path string) string {
	if isAbsoluteURL(path) {
		return path
	}
	rel := relativeURL(baseURL, path)
	if siteURL == "" {
		return rel
	}
	return strings.TrimSuffix(siteURL, "/") + ensureLeadingSlash(cmp.Or(rel, "/"))
}

// toTime reads a date the way Liquid's date filter does: a time, or a
// string in one of the common layouts.
func toTime(v any) (time.Time, bool, error) {
	switch v := values.ToLiquid(v).(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return v, true, nil
	case *time.Time:
		if v == nil {
			return time.Time{}, false, nil
		}
		return *v, true, nil
	case string:
		if strings.TrimSpace(v) == "" {
			return time.Time{}, false, nil
		}
		t, err := values.ParseDate(strings.TrimSpace(v))
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%q is not a date", v)
		}
		return t, true, nil
	default:
		return time.Time{}, false, fmt.Errorf("%v is not a date", v)
	}
}

func formatTime(date any, layout string) (any, error) {
	t, ok, err := toTime(date)
	if !ok {
		return date, err
	}
	return t.Format(layout), nil
}

// formatDate is Jekyll's date_to_string and date_to_long_string: "07 Nov
// 2008", or with "ordinal" "7th Nov 2008", and with "US" too "Nov 7th, 2008".
func formatDate(date any, month, kind, style string) (any, error) {
	t, ok, err := toTime(date)
	if !ok {
		return date, err
	}
	if kind != "ordinal" {
		return t.Format("02 " + month + " 2006"), nil
	}
	day := strconv.Itoa(t.Day()) + ordinalSuffix(t.Day())
	if style == "US" {
		return t.Format(month) + " " + day + ", " + t.Format("2006"), nil
	}
	return day + " " + t.Format(month+" 2006"), nil
}

func ordinalSuffix(day int) string {
	if day%100 >= 11 && day%100 <= 13 {
		return "th"
	}
	switch day % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// uriEscape percent-encodes what may not appear in a URI, keeping the
// reserved characters that give it structure, as Jekyll's uri_escape does.
func uriEscape(s string) string {
	const keep = "-._~:/?#[]@!$&'()*+,;=%"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

var slugPatterns = map[string]*regexp.Regexp{
	"raw":     regexp.MustCompile(`\s+`),
	"default": regexp.MustCompile(`[^\p{M}\p{L}\p{Nd}]+`),
	"pretty":  regexp.MustCompile(`[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+`),
	"ascii":   regexp.MustCompile(`[^A-Za-z0-9]+`),
	"latin":   regexp.MustCompile(`[^A-Za-z0-9]+`),
}

// slugify is Jekyll's slugify: runs of characters the mode does not keep
// become one hyphen, the ends lose their hyphens, and the result is lower
// case. Unknown modes (and "none") only lower the case.
func slugify(s, mode string) string {
	pattern, ok := slugPatterns[mode]
	if !ok {
		return strings.ToLower(s)
	}
	if mode == "latin" {
		s = content.FoldLatin(s)
	}
	return strings.ToLower(strings.Trim(pattern.ReplaceAllString(s, "-"), "-"))
}

// arrayToSentence is Jekyll's array_to_sentence_string: "a, b, and c".
func arrayToSentence(items []any, connector func(string) string) string {
	words := make([]string, len(items))
	for i, item := range items {
		words[i] = stringOf(item)
	}
	conn := connector("and")
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	case 2:
		return words[0] + " " + conn + " " + words[1]
	}
	return strings.Join(words[:len(words)-1], ", ") + ", " + conn + " " + words[len(words)-1]
}

// where is Jekyll's where: the items whose property equals value, compared
// as text; a property holding a list matches when any element does.
func where(items []any, property string, value any) []any {
	key := values.ValueOf(property)
	target := stringOf(value)
	var out []any
	for _, item := range items {
		prop := values.ValueOf(item).PropertyValue(key).Interface()
		if matchesTarget(prop, value, target) {
			out = append(out, item)
		}
	}
	return out
}

func matchesTarget(prop, value any, target string) bool {
	if value == nil {
		return prop == nil
	}
	if s, ok := prop.(string); ok {
		return s == target
	}
	rv := reflect.ValueOf(prop)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		for i := range rv.Len() {
			if stringOf(rv.Index(i).Interface()) == target {
				return true
			}
		}
		return false
	}
	return prop != nil && stringOf(prop) == target
}
