package highlight

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// Highlighting never depends on time. Chroma gives every rule's match a
// 250 ms timeout, after which the rule counts as not matching: on a busy
// machine the same code would get other tokens, and a cache would keep
// them. Here no match has a timeout; the work of lexing one text is bounded
// by steps instead (rules tried, StepBudget), and a text over its budget
// fails as a whole with ErrBudget, the same way on any machine. Nested
// lexing (a language inside another, a state lexed again) goes through
// lexers of this package too: through a registry of Fast lexers, and
// through a private copy of each chroma lexer that holds this package's
// rules, so that nothing of chroma's with a timeout is ever run.

// ErrBudget is the panic value of an iterator whose text took more steps
// than its budget allows. Callers that recover panics from lexing (chroma
// lexers report their own failures that way) can tell it apart.
var ErrBudget = errors.New("highlighting would take too many steps")

// StepBudget returns how many rules a lexer may try on a text of n runes:
// far more than any language needs (a few per character) and few enough
// that no text keeps a build busy for long.
var StepBudget = func(n int) int { return 200*n + 10_000 }

// budgetError carries the size of the text that went over.
type budgetError struct{ runes, budget int }

func (e budgetError) Error() string {
	return fmt.Sprintf("%v: more than %d rules tried for %d characters", ErrBudget, e.budget, e.runes)
}

func (e budgetError) Unwrap() error { return ErrBudget }

// registry holds a Fast lexer for every lexer chroma has, for the Using
// emitters of nested languages. Its lexers keep their registry to
// themselves (see filteredLexer.SetRegistry), so building it changes
// nothing of chroma's.
var registry = sync.OnceValue(func() *chroma.LexerRegistry {
	r := chroma.NewLexerRegistry()
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		fast := Fast(l)
		if fast == l {
			// A lexer of a kind Fast does not know (none in this chroma,
			// see TestEveryLexerFast): registering it would set chroma's
			// lexer's registry.
			fast = keptRegistry{l}
		}
		r.Register(fast)
	}
	return r
})

// keptRegistry is a lexer whose registry stays as it is when it is
// registered in another.
type keptRegistry struct{ chroma.Lexer }

func (k keptRegistry) SetRegistry(*chroma.LexerRegistry) chroma.Lexer { return k }

// delegatingType is the type of chroma's lexers for a language inside
// another (PHP in HTML, Jinja in YAML).
var delegatingType = reflect.TypeOf(chroma.DelegatingLexer(nil, nil))

// fastDelegating returns a delegating lexer made of the Fast lexers of
// l's two languages, so that neither runs chroma's driver; any other lexer
// is returned as it is.
func fastDelegating(l chroma.Lexer) chroma.Lexer {
	if l == nil || reflect.TypeOf(l) != delegatingType {
		return l
	}
	if w, ok := wrappers.Load(l); ok {
		return w.(chroma.Lexer)
	}
	root, language, ok := delegates(l)
	if !ok {
		return l
	}
	w, _ := wrappers.LoadOrStore(l, chroma.DelegatingLexer(Fast(root), Fast(language)))
	return w.(chroma.Lexer)
}

// delegates reads a delegating lexer's two lexers, which chroma keeps
// unexported; ok is false should its fields change.
func delegates(l chroma.Lexer) (root, language chroma.Lexer, ok bool) {
	defer func() {
		if recover() != nil {
			root, language, ok = nil, nil, false
		}
	}()
	v := reflect.ValueOf(l).Elem()
	root, _ = field(v, "root").Interface().(chroma.Lexer)
	language, _ = field(v, "language").Interface().(chroma.Lexer)
	return root, language, root != nil && language != nil
}

// SetRegistry keeps the registry a filtered lexer is registered in to
// itself; the chroma lexer it wraps keeps its own.
func (l *filteredLexer) SetRegistry(*chroma.LexerRegistry) chroma.Lexer { return l }

// shadowOf returns a private copy of a chroma lexer that lexes with rules
// instead of its own: chroma's driver, which emitters such as UsingSelf
// call through the lexer state, then runs rules without timeouts, and
// looks nested languages up in this package's registry. The copy is made
// through reflection because chroma offers no way to give a lexer rules;
// should chroma's fields change, ok is false.
func shadowOf(l *chroma.RegexLexer, rules chroma.CompiledRules) (shadow *chroma.RegexLexer, ok bool) {
	defer func() {
		if recover() != nil {
			shadow, ok = nil, false
		}
	}()
	copied := reflect.New(reflect.TypeFor[chroma.RegexLexer]())
	src := reflect.ValueOf(l).Elem()
	dst := copied.Elem()
	for _, name := range []string{"config", "analyser", "rawRules"} {
		field(dst, name).Set(field(src, name))
	}
	field(dst, "rules").Set(reflect.ValueOf(map[string][]*chroma.CompiledRule(rules)))
	field(dst, "compiled").SetBool(true)
	shadow = copied.Interface().(*chroma.RegexLexer)
	shadow.SetRegistry(registry())
	return shadow, true
}

// field returns a struct's field by name, settable even when unexported.
func field(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	if !f.IsValid() {
		panic("no field " + name)
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}
