// Package highlight gives chroma's class-based highlighting, byte for
// byte, in a fraction of chroma's time: without a highlight cache it was
// the costliest part of a build.
//
// Lexing. Chroma tries a state's rules in order at each position, and each
// rule is a regexp2 expression anchored with \G. regexp2 skips its
// first-character check for anchored expressions, so every rule that
// cannot match still costs a full call into the matcher. This package
// compiles a lexer's rules itself, works out from each expression's syntax
// tree which characters a match can start with, whether it must start a
// line, and which keywords it begins with, and only calls the matcher for
// rules that can match at the position at hand; rules that are plain runs
// of characters are matched without it. It also skips building the map of
// groups by name for rules whose groups no one reads by name. Everything
// else (states, mutators, emitters, error recovery) is chroma's, driven
// the way chroma's own LexerState.Iterator drives it.
//
// Writing. WriteHTML writes tokens as the spans chroma's HTML formatter
// writes with classes and no surrounding pre, without its per-token
// formatting calls.
//
// Time. Nothing here depends on it: chroma's rules time out after 250 ms,
// which on a busy machine changes the tokens; these never do, and the work
// of one text is bounded by the rules tried instead (see bounded.go).
//
// The tests hold both to chroma: the tokens to those chroma records for
// its lexer test inputs, the HTML to chroma's formatter on the same inputs.
package highlight

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/dlclark/regexp2/v2"
)

// Fast returns a lexer that produces exactly the tokens l produces.
// Chroma's regular-expression lexers get the filtered driver, and its
// delegating lexers (one language inside another) are made of two such,
// and its lexers written in Go around one are rebuilt around its Fast form
// (see handwritten.go); any other lexer is returned as it is. Each lexer
// is wrapped once per process, so its rules are compiled once however many
// renderers ask for it.
func Fast(l chroma.Lexer) chroma.Lexer {
	regex, ok := l.(*chroma.RegexLexer)
	if !ok {
		if fast := fastDelegating(l); fast != l {
			return fast
		}
		return fastHandWritten(l)
	}
	if wrapper, ok := wrappers.Load(regex); ok {
		return wrapper.(*filteredLexer)
	}
	wrapper, _ := wrappers.LoadOrStore(regex, &filteredLexer{RegexLexer: regex})
	return wrapper.(*filteredLexer)
}

// wrappers maps each chroma lexer Fast has seen to its filtered lexer.
var wrappers sync.Map

// filteredLexer is a chroma RegexLexer whose Tokenise uses this package's
// driver. The embedded lexer still answers Config, AnalyseText and the
// rest, and still serves nested lexing (UsingSelf) with chroma's driver.
type filteredLexer struct {
	*chroma.RegexLexer

	once  sync.Once
	rules chroma.CompiledRules // the lexer's rules, compiled here
	// states holds, for each state, its rules with where each can start,
	// in the order chroma tries them.
	states map[string][]filteredRule
	// shadow is chroma's lexer with these rules, for the emitters that
	// lex again through the lexer state (see shadowOf).
	shadow *chroma.RegexLexer
	err    error
}

// filteredRule is one compiled rule and where a match of it can start.
type filteredRule struct {
	*chroma.CompiledRule
	start startSet
	// direct, when set, matches the rule without regexp2.
	direct *directMatch
	// literals, when set, holds the strings a match must begin with.
	literals *literalSet
	// plain marks a rule whose groups by name no one reads: it has no named
	// groups, emits one token type, and at most pushes or pops states.
	// Chroma builds the name-to-group map for every match; for these rules
	// it is left empty, which was a fifth of the time spent lexing.
	plain bool
}

// isPlain reports whether a rule's groups by name go unread: they are only
// read by chroma's ByGroupNames emitter and by lexers' own Go code
// (mutators and emitters of their own), never by a token type or by a push
// or pop.
func isPlain(rule *chroma.CompiledRule) bool {
	for _, name := range rule.Regexp.GetGroupNames() {
		if _, err := strconv.Atoi(name); err != nil {
			return false
		}
	}
	if _, ok := rule.Type.(chroma.TokenType); rule.Type != nil && !ok {
		return false
	}
	if rule.Mutator == nil {
		return true
	}
	kind, ok := rule.Mutator.(chroma.SerialisableMutator)
	return ok && (kind.MutatorKind() == "push" || kind.MutatorKind() == "pop")
}

// compile builds the rules as chroma's RegexLexer does (same expressions,
// flags and compile-time mutators such as include and combined), into
// CompiledRule values of its own so chroma's copy is left untouched.
func (l *filteredLexer) compile() error {
	raw, err := l.Rules()
	if err != nil {
		return err
	}
	config := l.Config()
	flags := ""
	if !config.NotMultiline {
		flags += "m"
	}
	if config.CaseInsensitive {
		flags += "i"
	}
	if config.DotAll {
		flags += "s"
	}
	rules := chroma.CompiledRules{}
	starts := map[*chroma.CompiledRule]startSet{}
	directs := map[*chroma.CompiledRule]*directMatch{}
	literals := map[*chroma.CompiledRule]*literalSet{}
	for state, stateRules := range raw {
		rules[state] = nil
		for i, rule := range stateRules {
			pattern := "(?:" + rule.Pattern + ")"
			if flags != "" {
				pattern = "(?" + flags + ")" + pattern
			}
			pattern = `\G` + pattern
			re, err := regexp2.Compile(pattern)
			if err != nil {
				return fmt.Errorf("%s: failed to compile rule %s.%d: %w", config.Name, state, i, err)
			}
			// No timeout: a match that timed out would make the tokens
			// depend on the machine's load (see StepBudget).
			re.MatchTimeout = regexp2.DefaultMatchTimeout
			compiled := &chroma.CompiledRule{Rule: rule, Regexp: re}
			tree := parseRule(pattern)
			starts[compiled] = startOf(tree)
			directs[compiled] = directOf(tree)
			literals[compiled] = literalsOf(tree)
			rules[state] = append(rules[state], compiled)
		}
	}
	// Compile-time mutators rewrite the rule lists (an include splices
	// another state's rules in), and each rewrite may expose another, so
	// start over after each one, as chroma does.
restart:
	seen := map[chroma.LexerMutator]bool{}
	for state := range rules {
		for i := range rules[state] {
			mutator, ok := rules[state][i].Mutator.(chroma.LexerMutator)
			if !ok {
				continue
			}
			if seen[mutator] {
				return fmt.Errorf("%s: mutator %T seen twice", config.Name, mutator)
			}
			seen[mutator] = true
			if err := mutator.MutateLexer(rules, state, i); err != nil {
				return fmt.Errorf("%s: %w", config.Name, err)
			}
			goto restart
		}
	}
	states := make(map[string][]filteredRule, len(rules))
	for state, stateRules := range rules {
		filtered := make([]filteredRule, len(stateRules))
		for i, rule := range stateRules {
			if validate, ok := rule.Type.(chroma.ValidatingEmitter); ok {
				if err := validate.ValidateEmitter(rule); err != nil {
					return fmt.Errorf("%s: %s: %s: %w", config.Name, state, rule.Pattern, err)
				}
			}
			filtered[i] = filteredRule{CompiledRule: rule, start: starts[rule], direct: directs[rule], literals: literals[rule], plain: isPlain(rule)}
		}
		states[state] = filtered
	}
	l.rules, l.states = rules, states
	shadow, ok := shadowOf(l.RegexLexer, rules)
	if !ok {
		return fmt.Errorf("%s: chroma's lexer cannot be copied; this version of chroma is not supported", config.Name)
	}
	l.shadow = shadow
	return nil
}

// Tokenise returns an iterator over the tokens of text, the tokens chroma's
// own Tokenise would give.
func (l *filteredLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	l.once.Do(func() { l.err = l.compile() })
	if l.err != nil {
		return nil, l.err
	}
	if options == nil {
		options = &chroma.TokeniseOptions{State: "root", EnsureLF: true}
	}
	if options.EnsureLF {
		text = ensureLF(text)
	}
	newlineAdded := false
	if !options.Nested && l.Config().EnsureNL && !strings.HasSuffix(text, "\n") {
		text += "\n"
		newlineAdded = true
	}
	runes := []rune(text)
	it := &iterator{
		lexer:        l,
		startState:   options.State,
		newlineAdded: newlineAdded,
		budget:       StepBudget(len(runes)),
		state: &chroma.LexerState{
			// Where emitters such as Using look up nested languages, and
			// what UsingSelf lexes with: lexers without timeouts.
			Registry:       registry(),
			Lexer:          l.shadow,
			Text:           runes,
			Stack:          []string{options.State},
			Rules:          l.rules,
			MutatorContext: map[any]any{},
		},
	}
	if isASCII(text) {
		it.text = asciiText{src: text, ok: true}
	}
	return it.next, nil
}

// asciiText is the text being lexed when every rune of it is one byte, as
// in most code: a token's value is then a slice of it, where otherwise it
// is a new string made from the runes chroma lexes.
type asciiText struct {
	src string
	ok  bool
}

// isASCII reports whether every byte of s is below 0x80. Rune and byte
// positions agree then; they also agree in a text with a stray byte
// such as 0xff, but its rune is U+FFFD, which a slice would not give.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// value returns the text of runes[start:start+n].
func (a asciiText) value(runes []rune, start, n int) string {
	if a.ok {
		return a.src[start : start+n]
	}
	return string(runes[start : start+n])
}

// iterator is one run of the lexer over one text.
type iterator struct {
	lexer        *filteredLexer
	state        *chroma.LexerState
	startState   string
	newlineAdded bool
	pending      []chroma.Iterator // emitters' token streams, innermost last
	text         asciiText         // the text, when it is all ASCII
	// one holds a plain rule's groups: nothing reads them after the step
	// that matched (see filteredRule.plain), so one array serves them all.
	one [1]string
	// steps counts the rules tried, against budget.
	steps, budget int
}

// drain returns the next token the pending emitters hold, or EOF when
// they hold none.
func (it *iterator) drain() chroma.Token {
	for len(it.pending) > 0 {
		n := len(it.pending) - 1
		t := it.pending[n]()
		if t.Type == chroma.Ignore {
			continue
		}
		if t == chroma.EOF {
			it.pending = it.pending[:n]
			continue
		}
		return t
	}
	return chroma.EOF
}

// next follows chroma's LexerState.Iterator step for step, with the rule
// search filtered.
func (it *iterator) next() chroma.Token {
	l := it.state
	end := len(l.Text)
	if it.newlineAdded {
		end--
	}
	for l.Pos < end && len(l.Stack) > 0 {
		if t := it.drain(); t != chroma.EOF {
			return t
		}
		l.State = l.Stack[len(l.Stack)-1]
		rules, ok := l.Rules[l.State]
		if !ok {
			panic("unknown state " + l.State)
		}
		index, rule, groups, namedGroups := matchRules(l.Text, l.Pos, rules, it.lexer.states[l.State], it.text, &it.one, &it.steps)
		if it.steps > it.budget {
			panic(budgetError{runes: len(l.Text), budget: it.budget})
		}
		if groups == nil {
			// As in Pygments: an unmatched newline empties the stack and
			// lexing goes on from the start state, so one unclosed string
			// does not spoil the rest of the block.
			if l.Text[l.Pos] == '\n' && l.State != it.startState {
				l.Stack = []string{it.startState}
				continue
			}
			l.Pos++
			return chroma.Token{Type: chroma.Error, Value: string(l.Text[l.Pos-1 : l.Pos])}
		}
		l.Rule = index
		l.Groups = groups
		l.NamedGroups = namedGroups
		l.Pos += utf8.RuneCountInString(groups[0])
		if rule.Mutator != nil {
			if err := rule.Mutator.Mutate(l); err != nil {
				panic(err)
			}
		}
		if token, ok := rule.Type.(chroma.TokenType); ok {
			// What TokenType.Emit's one-token iterator would yield, and
			// drain would pass on, without the iterator.
			if t := (chroma.Token{Type: token, Value: l.Groups[0]}); t != chroma.EOF && token != chroma.Ignore {
				return t
			}
			continue
		}
		if rule.Type != nil {
			it.pending = append(it.pending, rule.Type.Emit(l.Groups, l))
		}
	}
	if t := it.drain(); t != chroma.EOF {
		return t
	}
	if l.Pos != len(l.Text) && len(l.Stack) == 0 {
		value := string(l.Text[l.Pos:])
		l.Pos = len(l.Text)
		return chroma.Token{Type: chroma.Error, Value: value}
	}
	return chroma.EOF
}

// matchRules returns the first of a state's rules that matches at pos,
// with its groups, or nil groups when none does. The rules are the live
// ones, which a lexer may replace while lexing (Raku does, for its
// user-chosen delimiters); a filter is only used while its rule is still
// the one in that place.
//
// Values are slices of ascii's text when it has one. A plain rule's groups
// are returned in one, which the caller reuses.
func matchRules(text []rune, pos int, rules []*chroma.CompiledRule, filtered []filteredRule, ascii asciiText, one *[1]string, steps *int) (int, *chroma.CompiledRule, []string, map[string]string) {
	for i, rule := range rules {
		*steps++
		plain := false
		if i < len(filtered) && filtered[i].CompiledRule == rule {
			f := &filtered[i]
			if !f.start.mayMatchAt(text, pos) {
				continue
			}
			if f.direct != nil {
				n := f.direct.match(text, pos)
				if n < 0 {
					continue
				}
				value := ascii.value(text, pos, n)
				if f.plain {
					one[0] = value
					return i, rule, one[:], noNamedGroups
				}
				return i, rule, []string{value}, map[string]string{"0": value}
			}
			if f.literals != nil && !f.literals.mayMatchAt(text, pos) {
				continue
			}
			plain = f.plain
		}
		match, err := rule.Regexp.FindRunesMatchStartingAt(text, pos)
		if match == nil || err != nil || match.RuneIndex != pos {
			continue
		}
		if plain && match.GroupCount() == 1 {
			one[0] = ascii.value(text, match.RuneIndex, match.RuneLength)
			return i, rule, one[:], noNamedGroups
		}
		matched := match.Groups()
		groups := make([]string, 0, len(matched))
		if plain {
			for _, g := range matched {
				groups = append(groups, groupValue(text, ascii, &g))
			}
			return i, rule, groups, noNamedGroups
		}
		namedGroups := make(map[string]string, len(matched))
		for _, g := range matched {
			value := groupValue(text, ascii, &g)
			namedGroups[g.Name] = value
			groups = append(groups, value)
		}
		return i, rule, groups, namedGroups
	}
	return 0, &chroma.CompiledRule{}, nil, nil
}

// groupValue is g.String(), sliced from ascii's text when it has one. A
// group that took part in no match has no text: "" either way.
func groupValue(text []rune, ascii asciiText, g *regexp2.Group) string {
	if len(g.Captures) == 0 {
		return ""
	}
	return ascii.value(text, g.RuneIndex, g.RuneLength)
}

// noNamedGroups stands in for the groups by name of a plain rule's match.
// Nothing reads it; were something to write to it, the write would fail
// loudly rather than leak into another match.
var noNamedGroups map[string]string

// ensureLF turns \r\n and lone \r into \n, as chroma does before lexing.
func ensureLF(text string) string {
	if !strings.Contains(text, "\r") {
		return text
	}
	return strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
}
