package highlight

import "testing"

// TestStartOf checks the start sets of expressions as chroma compiles them
// (\G, then flags): which characters may begin a match, which may not, and
// which rules are tied to the start of a line.
func TestStartOf(t *testing.T) {
	tests := []struct {
		pattern   string
		may       string // characters a match may start with
		mayNot    string // characters no match starts with
		any       bool   // no filter: every position is tried
		lineStart bool
	}{
		{pattern: `[^\S\n]+`, may: " \t", mayNot: "\na_"},
		{pattern: `\n`, may: "\n", mayNot: " a"},
		{pattern: `a?b`, may: "ab", mayNot: "c"},
		{pattern: `(?:ab|cd)+`, may: "ac", mayNot: "bd"},
		{pattern: `(?i)select`, may: "sS", mayNot: "eE"},
		{pattern: `(?i:[a-c])x`, may: "aBc", mayNot: "dx"},
		{pattern: `\bfoo\b`, may: "f", mayNot: "o "},
		{pattern: `(?<!\.)(self|cls)\b`, may: "sc", mayNot: ".e"},
		{pattern: `(?=x)[a-z]`, may: "ax", mayNot: "A"},
		{pattern: `(\s*)(#.*)`, may: " \t\n#", mayNot: "a"},
		{pattern: `[^"]+"`, may: "a ", mayNot: `"`},
		{pattern: `.`, may: "a ", mayNot: "\n"},
		{pattern: `(?s).`, may: "a\n"},
		{pattern: `^(\s*)('''.*?''')`, may: " '", mayNot: "a", lineStart: true},
		{pattern: `x*`, any: true},
		{pattern: `(a|)`, any: true},
		{pattern: `(a)\1`, may: "a", mayNot: "b"},
		{pattern: `\1a`, any: true},
		{pattern: ``, any: true},
	}
	for _, tt := range tests {
		s := startOf(parseRule(`\G(?m)(?:` + tt.pattern + `)`))
		if tt.any {
			if s != anyStart {
				t.Errorf("%q: got a filter %+v, want every position tried", tt.pattern, s)
			}
			continue
		}
		for _, ch := range tt.may {
			if !s.mayMatchAt([]rune{'\n', ch}, 1) {
				t.Errorf("%q: %q is left out of the start set", tt.pattern, ch)
			}
		}
		for _, ch := range tt.mayNot {
			if s.mayMatchAt([]rune{'\n', ch}, 1) {
				t.Errorf("%q: %q is in the start set", tt.pattern, ch)
			}
		}
		if s.lineStart != tt.lineStart {
			t.Errorf("%q: lineStart %v, want %v", tt.pattern, s.lineStart, tt.lineStart)
		}
		if tt.lineStart && s.mayMatchAt([]rune("x "), 1) {
			t.Errorf("%q: tried in the middle of a line", tt.pattern)
		}
	}
	if s := startOf(parseRule(`\G(?:\Aabc)`)); !s.textStart || s.mayMatchAt([]rune("\na"), 1) || !s.mayMatchAt([]rune("a"), 0) {
		t.Errorf(`\A: got %+v, want only the start of the text`, s)
	}
	if s := startOf(parseRule(`\G(?:[a-z]+)`)); !s.mayMatchAt([]rune("é"), 0) {
		t.Error("characters beyond ASCII must always be tried")
	}
}

// TestLiteralsOf checks which rules get a literal prefilter and that it
// lets through exactly the texts beginning with one of the literals.
func TestLiteralsOf(t *testing.T) {
	tests := []struct {
		pattern string
		pass    []string // texts the filter must let through
		stop    []string // texts it must stop
		none    bool     // no literal set: the filter does not apply
	}{
		{pattern: `(return|raise|range)\b`, pass: []string{"return x", "raise", "ranger"}, stop: []string{"rows", "r", "", "Return"}},
		{pattern: `(?<!\.)(self|cls)\b`, pass: []string{"self.x", "cls"}, stop: []string{"sel", "class"}},
		{pattern: `(import)(\s+)`, pass: []string{"import os"}, stop: []string{"impart"}},
		{pattern: `\b(if|fi)`, pass: []string{"if", "fi"}, stop: []string{"of"}},
		{pattern: `:=|==`, pass: []string{":=", "=="}, stop: []string{":", "=!"}},
		{pattern: `(?i)(select|from)`, none: true},
		{pattern: `(a|b*)`, none: true},
		{pattern: `[a-z]+`, none: true},
		{pattern: `(日本|x)`, none: true},
	}
	for _, tt := range tests {
		l := literalsOf(parseRule(`\G(?m)(?:` + tt.pattern + `)`))
		if tt.none {
			if l != nil {
				t.Errorf("%q: got a literal set", tt.pattern)
			}
			continue
		}
		if l == nil {
			t.Errorf("%q: no literal set", tt.pattern)
			continue
		}
		for _, text := range tt.pass {
			if !l.mayMatchAt([]rune(" "+text), 1) {
				t.Errorf("%q stops %q", tt.pattern, text)
			}
		}
		for _, text := range tt.stop {
			if l.mayMatchAt([]rune(" "+text), 1) {
				t.Errorf("%q lets %q through", tt.pattern, text)
			}
		}
	}
}
