package highlight

import (
	"testing"

	"github.com/dlclark/regexp2/v2"
)

// TestDirectMatch checks which expressions are matched without regexp2,
// and that those give regexp2's answer at every position of some texts.
func TestDirectMatch(t *testing.T) {
	tests := []struct {
		pattern string
		direct  bool
	}{
		{`\n`, true},
		{`:=|==`, false},
		{`\$\(\(`, true},
		{`[^\S\n]+`, true},
		{`\s+`, true},
		{`[a-zA-Z_]\w*`, true},
		{`[^"\\$]+`, true},
		{`.*`, true},
		{`(?s).+`, true},
		{`x{2,4}`, true},
		{`x{2,4}y`, false}, // a variable step before the last
		{`\w+\b`, false},
		{`(\w+)`, false},     // a group chroma would hand to an emitter
		{`(?i)select`, true}, // the parser folds case into classes
		{`#.*?$`, false},
		{`\d+\.\d*`, false},
		{`a?`, true},
	}
	texts := []string{"", "x", "xxxxx y", "  \t\n  x", "abc_12 def", `"a\$b"`, "select SELECT", "$((1+2))", ":= ==", "12.5e3", "日本 語\n"}
	for _, tt := range tests {
		full := `\G(?m)(?:` + tt.pattern + `)`
		d := directOf(parseRule(full))
		if (d != nil) != tt.direct {
			t.Errorf("%q: direct %v, want %v", tt.pattern, d != nil, tt.direct)
			continue
		}
		if d == nil {
			continue
		}
		re := regexp2.MustCompile(full)
		for _, text := range texts {
			runes := []rune(text)
			for pos := 0; pos <= len(runes); pos++ {
				want := -1
				if m, err := re.FindRunesMatchStartingAt(runes, pos); err == nil && m != nil && m.RuneIndex == pos {
					want = m.RuneLength
				}
				if got := d.match(runes, pos); got != want {
					t.Errorf("%q on %q at %d: direct match %d, regexp2 %d", tt.pattern, text, pos, got, want)
				}
			}
		}
	}
}
