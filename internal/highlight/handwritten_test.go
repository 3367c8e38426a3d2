package highlight

import (
	"reflect"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/dlclark/regexp2/v2"
)

// TestHandWrittenLexers holds the rebuilt markdown, HTTP, Common Lisp and
// EmacsLisp lexers to chroma's tokens on what their Go code decides:
// front matter or none, a body's language by its Content-Type, renamed
// words. (TestSameAsChroma covers chroma's own inputs for markdown and
// HTTP; chroma has none for the two Lisps.)
func TestHandWrittenLexers(t *testing.T) {
	for _, tt := range []struct{ name, lexer, text string }{
		{"front matter", "markdown", "---\ntitle: x\ntags: [a, b]\n---\n# Head\n\n* item *em*\n"},
		{"front matter CRLF", "markdown", "---\r\ntitle: x\r\n---\r\nbody `code`\r\n"},
		{"front matter unclosed", "markdown", "---\ntitle: x\n# Head\n"},
		{"front matter closed at the end", "markdown", "---\ntitle: x\n---"},
		{"front matter only", "markdown", "---\n---\n"},
		{"rule not first", "markdown", "text\n---\na: b\n---\n"},
		{"fenced code", "markdown", "# T\n\n```go\nfunc f() {}\n```\n\n```\nplain\n```\n"},
		{"empty", "markdown", ""},
		{"json body", "http", "POST /x HTTP/1.1\nHost: a\nContent-Type: application/json; charset=utf-8\n\n{\"a\": [1, true]}\n"},
		{"structured suffix", "http", "HTTP/1.1 200 OK\ncontent-type: application/calendar+xml\n\n<a x=\"1\">t</a>\n"},
		{"unknown type", "http", "HTTP/1.1 200 OK\nContent-Type: application/x-unknown\n\nbody\n"},
		{"no content type", "http", "GET / HTTP/2\nAccept: */*\n  continued\n\nbody\n"},
		{"no body", "http", "HTTP/1.1 204 No Content\nServer: x\n"},
		{"common lisp", "common-lisp", "(defun square (x)\n  \"doc\" ; c\n  (declare (type fixnum x))\n  (let ((y (* x x))) (format t \"~a\" y) #'car))\n"},
		{"emacs lisp", "emacs-lisp", "(defmacro m (&rest body)\n  `(progn ,@body (error \"x\")))\n(setq-default a 1) ;; c\n"},
	} {
		l := lexers.Get(tt.lexer)
		fast := Fast(l)
		if fast == l {
			t.Fatalf("%s: Fast left chroma's lexer as it is", tt.lexer)
		}
		if Fast(l) != fast {
			t.Errorf("%s: wrapped twice", tt.lexer)
		}
		want, got := tokens(t, l, tt.text), tokens(t, fast, tt.text)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: %s", tt.name, firstDifference(want, got))
		}
	}
}

// TestEveryLexerFast checks that no lexer chroma has runs chroma's driver
// through Fast or through the registry nested languages are found in, and
// that the rules of the four hand-written ones have no timeout.
func TestEveryLexerFast(t *testing.T) {
	chromas := map[chroma.Lexer]bool{}
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		chromas[l] = true
		if Fast(l) == l {
			t.Errorf("%s (%T): left to chroma's driver", l.Config().Name, l)
		}
	}
	for _, l := range registry().Lexers {
		if chromas[l] {
			t.Errorf("registry: %s is chroma's own lexer", l.Config().Name)
		}
	}
	for _, name := range []string{"markdown", "http", "common-lisp", "emacs-lisp"} {
		inner := regexLexerOf(t, Fast(lexers.Get(name)))
		if _, err := inner.Tokenise(nil, "x"); err != nil {
			t.Fatal(err)
		}
		for state, rules := range inner.rules {
			for _, rule := range rules {
				if rule.Regexp.MatchTimeout != regexp2.DefaultMatchTimeout {
					t.Errorf("%s %s %q: timeout %v", name, state, rule.Pattern, rule.Regexp.MatchTimeout)
				}
			}
		}
	}
	for _, mime := range []string{"application/json", "application/calendar+xml", "text/x-python"} {
		if l, ok := bodyLexer(mime).(*filteredLexer); !ok {
			t.Errorf("HTTP body %s: lexed by %T", mime, l)
		}
	}
}

// regexLexerOf returns the filtered lexer a Fast lexer is built around.
func regexLexerOf(t *testing.T, l chroma.Lexer) *filteredLexer {
	t.Helper()
	var inner chroma.Lexer
	switch l := l.(type) {
	case *filteredLexer:
		return l
	case *markdownLexer:
		inner = l.Lexer
	case *httpLexer:
		inner = l.Lexer
	default:
		if reflect.TypeOf(l) != remappingType {
			t.Fatalf("%s: %T", l.Config().Name, l)
		}
		inner = field(reflect.ValueOf(l).Elem(), "lexer").Interface().(chroma.Lexer)
	}
	filtered, ok := inner.(*filteredLexer)
	if !ok {
		t.Fatalf("%s: built around %T", l.Config().Name, inner)
	}
	return filtered
}

// uncompiled returns a new Fast form of l whose rules are not compiled yet,
// for TestConcurrentUse.
func uncompiled(t *testing.T, l chroma.Lexer) chroma.Lexer {
	t.Helper()
	fresh := func(inner chroma.Lexer) *filteredLexer {
		return &filteredLexer{RegexLexer: regexLexerOf(t, inner).RegexLexer}
	}
	switch fast := Fast(l).(type) {
	case *filteredLexer:
		return fresh(fast)
	case *markdownLexer:
		return &markdownLexer{Lexer: fresh(fast)}
	case *httpLexer:
		return &httpLexer{Lexer: fresh(fast)}
	default:
		_, mapper, ok := remapping(l)
		if !ok {
			t.Fatalf("%s: %T", l.Config().Name, fast)
		}
		return chroma.RemappingLexer(fresh(fast), mapper)
	}
}
