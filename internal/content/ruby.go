package content

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// rubyString writes a front matter value as Ruby's to_s (3.1) does, which
// is what Jekyll makes of a value where it wants text: a number as its
// digits, a list or map as Ruby's inspect of it. A site that relies on it
// (a tag written as a map, say) gets the same text from weeknotes.
func rubyString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []any, map[string]any:
		return rubyInspect(v)
	}
	return rubyScalar(v)
}

func rubyScalar(v any) string {
	switch v := v.(type) {
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float64:
		return rubyFloat(v)
	case time.Time:
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
			return v.Format(time.DateOnly) // YAML reads a bare date as a Ruby Date
		}
		return v.Format("2006-01-02 15:04:05 -0700")
	}
	return ""
}

// rubyFloat is Float#to_s: at least one decimal, exponent form from 1e16.
func rubyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	if a := math.Abs(f); a != 0 && (a >= 1e16 || a < 1e-4) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		sign := exp[0]
		digits := strings.TrimLeft(exp[1:], "0")
		if len(digits) < 2 {
			digits = strings.Repeat("0", 2-len(digits)) + digits
		}
		return mant + "e" + string(sign) + digits
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// rubyInspect is Ruby's inspect: strings quoted, nil as nil, maps as
// {"k"=>v} in the order written (sorted here: decoded maps keep none).
func rubyInspect(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(v)
	case []any:
		parts := make([]string, len(v))
		for i, item := range v {
			parts[i] = rubyInspect(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + "=>" + rubyInspect(v[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return rubyScalar(v)
}
