package highlight

import (
	"errors"
	"reflect"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/dlclark/regexp2/v2"
)

// TestNoTimeouts checks that nothing this package lexes with can time out:
// its own rules, the copy UsingSelf lexes with, and the lexers nested
// languages are found in.
func TestNoTimeouts(t *testing.T) {
	for _, name := range []string{"html", "php", "go"} {
		l, ok := Fast(lexers.Get(name)).(*filteredLexer)
		if !ok {
			t.Fatalf("%s: not a filtered lexer", name)
		}
		if _, err := l.Tokenise(nil, "x"); err != nil {
			t.Fatal(err)
		}
		for state, rules := range l.rules {
			for _, rule := range rules {
				if rule.Regexp.MatchTimeout != regexp2.DefaultMatchTimeout {
					t.Errorf("%s %s %q: timeout %v", name, state, rule.Pattern, rule.Regexp.MatchTimeout)
				}
			}
		}
		shadowRules := field(reflect.ValueOf(l.shadow).Elem(), "rules").Interface().(map[string][]*chroma.CompiledRule)
		if len(shadowRules) != len(l.rules) || &shadowRules["root"][0] != &l.rules["root"][0] {
			t.Errorf("%s: the copy for UsingSelf does not lex with this package's rules", name)
		}
	}
	for _, name := range []string{"javascript", "css", "php"} {
		if _, ok := registry().Get(name).(*filteredLexer); !ok {
			t.Errorf("nested %s is not a filtered lexer", name)
		}
	}
	if lexers.Get("css").(*chroma.RegexLexer) == nil {
		t.Fatal("no css lexer")
	}
}

// TestStepBudget checks that a text over its budget fails with ErrBudget,
// and the same text within it does not.
func TestStepBudget(t *testing.T) {
	const code = "package main\n\nfunc main() { println(\"hi\") }\n"
	l := Fast(lexers.Get("go"))
	lex := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err, _ = p.(error)
			}
		}()
		it, err := l.Tokenise(nil, code)
		if err != nil {
			return err
		}
		for tok := it(); tok != chroma.EOF; tok = it() {
		}
		return nil
	}
	if err := lex(); err != nil {
		t.Fatalf("within the default budget: %v", err)
	}
	saved := StepBudget
	defer func() { StepBudget = saved }()
	StepBudget = func(int) int { return 10 }
	for range 3 {
		if err := lex(); !errors.Is(err, ErrBudget) {
			t.Fatalf("over a budget of 10 steps: %v, want ErrBudget", err)
		}
	}
}
