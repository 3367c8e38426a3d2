package highlight

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
)

// chromaTestdata returns the folder of chroma's own lexer test inputs, in
// the module cache: the widest set of real code per language there is.
func chromaTestdata(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		t.Fatalf("finding chroma's module folder: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "lexers", "testdata")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("chroma's lexer test inputs: %v", err)
	}
	return dir
}

// tokens lexes text with l, failing the test on an error.
func tokens(t testing.TB, l chroma.Lexer, text string) []chroma.Token {
	t.Helper()
	it, err := l.Tokenise(nil, text)
	if err != nil {
		t.Fatalf("%s: %v", l.Config().Name, err)
	}
	return it.Tokens()
}

// firstDifference describes where two token streams part, for a failure
// message that can be acted on.
func firstDifference(want, got []chroma.Token) string {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return fmt.Sprintf("token %d: chroma %#v, filtered %#v", i, want[i], got[i])
		}
	}
	return fmt.Sprintf("chroma gives %d tokens, filtered %d", len(want), len(got))
}

// chromaInputs returns chroma's lexer test inputs by the name of the lexer
// each is for, laid out as chroma's own tests read them: testdata/NAME.actual,
// testdata/NAME.CASE.actual, and testdata/NAME/CASE.actual.
func chromaInputs(t testing.TB) map[string][]string {
	t.Helper()
	dir := chromaTestdata(t)
	inputs := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "analysis" {
			return filepath.SkipDir // inputs for language detection, not lexing
		}
		if d.IsDir() || filepath.Ext(path) != ".actual" {
			return nil
		}
		name := strings.Split(d.Name(), ".")[0]
		if parent := filepath.Dir(path); parent != dir {
			name = filepath.Base(parent)
		}
		inputs[name] = append(inputs[name], path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return inputs
}

// TestSameAsChroma lexes every input of chroma's lexer tests with the
// filtered driver and writes its HTML. Where chroma records the tokens its
// own driver gives (NAME.expected, chroma's JSON of the coalesced tokens),
// the output must be those bytes; elsewhere it must equal what chroma's
// driver gives now. The HTML must be what chroma's formatter writes for
// the same tokens, for every lexer (those Fast leaves as they are too).
// Comparing with the recorded tokens spares running chroma's slower
// driver, which matters under the race detector.
func TestSameAsChroma(t *testing.T) {
	inputs := chromaInputs(t)
	var compared atomic.Int32
	t.Run("inputs", func(t *testing.T) {
		for name, paths := range inputs {
			l := lexers.Get(name)
			if l == nil {
				t.Errorf("chroma has no lexer for its test inputs %s", paths)
				continue
			}
			fast := Fast(l)
			filtered := fast != l
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				for _, path := range paths {
					if !filtered {
						data, err := os.ReadFile(path)
						if err != nil {
							t.Fatal(err)
						}
						sameHTML(t, path, tokens(t, chroma.Coalesce(l), string(data)))
						continue
					}
					sameTokensAsChroma(t, l, fast, path)
					compared.Add(1)
				}
			})
		}
	})
	if n := compared.Load(); n < 200 {
		t.Errorf("only %d of chroma's test inputs went through the filtered driver", n)
	} else {
		t.Logf("%d inputs for %d lexers gave the same tokens and HTML", n, len(inputs))
	}
}

// sameTokensAsChroma checks the filtered driver's tokens for one input,
// and the HTML WriteHTML makes of them.
func sameTokensAsChroma(t *testing.T, l, fast chroma.Lexer, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := tokens(t, chroma.Coalesce(fast), string(data))
	sameHTML(t, path, got)
	expected, err := os.ReadFile(strings.TrimSuffix(path, ".actual") + ".expected")
	if errors.Is(err, fs.ErrNotExist) {
		if want := tokens(t, chroma.Coalesce(l), string(data)); !reflect.DeepEqual(want, got) {
			t.Errorf("%s: %s", path, firstDifference(want, got))
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := formatters.JSON.Format(&out, nil, chroma.Literator(got...)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), expected) {
		want := tokens(t, chroma.Coalesce(l), string(data))
		t.Errorf("%s: filtered tokens differ from chroma's record: %s", path, firstDifference(want, got))
	}
}

// TestEdgeInputs covers what the test inputs rarely hold: empty text,
// carriage returns, no final newline, text that is not valid in the
// language, and runes beyond ASCII.
func TestEdgeInputs(t *testing.T) {
	texts := []string{
		"",
		"\n",
		"x",
		"a = 1\r\nb = 2\r",
		"def f(:\n  '''unclosed\n",
		"s = \"unterminated\nprint(s)",
		"naïve = '日本語' # ✓\n",
		"\x00\x01\xff",
		"}}}}]]]))) {{{",
	}
	for _, name := range []string{"go", "python", "bash", "yaml", "json", "rego", "javascript", "html", "css", "rust", "sql", "markdown", "diff", "dockerfile", "toml"} {
		l := lexers.Get(name)
		if l == nil {
			t.Fatalf("chroma has no lexer %q", name)
		}
		fast := Fast(l)
		for _, text := range texts {
			want, got := tokens(t, l, text), tokens(t, fast, text)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s %q: %s", name, text, firstDifference(want, got))
			}
		}
	}
}

// TestNonRegexLexerUnchanged checks that lexers this package cannot speed
// up are handed back as they are.
// TestDelegatingLexers checks that a delegating lexer is rebuilt from
// Fast lexers and gives chroma's tokens.
func TestDelegatingLexers(t *testing.T) {
	for _, tt := range []struct{ name, text string }{
		{"erb", "<p><%= @post.title %></p>\n<% if x %>\n<b>y</b>\n<% end %>\n"},
		{"yaml+jinja", "key: {{ value }}\n{% if x %}\nother: [1, 2]\n{% endif %}\n"},
		{"go-html-template", "<a href=\"{{ .URL }}\">{{ .Title | html }}</a>\n"},
	} {
		delegating := lexers.Get(tt.name)
		if delegating == nil || reflect.TypeOf(delegating) != delegatingType {
			t.Fatalf("%s: not a delegating lexer", tt.name)
		}
		fast := Fast(delegating)
		root, language, ok := delegates(fast)
		if !ok {
			t.Fatalf("%s: Fast gave %T", tt.name, fast)
		}
		if _, isFiltered := root.(*filteredLexer); !isFiltered {
			t.Errorf("%s: root lexer %T", tt.name, root)
		}
		if _, isFiltered := language.(*filteredLexer); !isFiltered {
			t.Errorf("%s: language lexer %T", tt.name, language)
		}
		if Fast(delegating) != fast {
			t.Errorf("%s: wrapped twice", tt.name)
		}
		if want, got := tokens(t, delegating, tt.text), tokens(t, fast, tt.text); !reflect.DeepEqual(want, got) {
			t.Errorf("%s: tokens differ from chroma's:\n got %v\nwant %v", tt.name, got, want)
		}
	}
}

// fuzzLanguages are the lexers the fuzz target drives: the languages
// weeknotes posts use most, and ones with many states and mutators.
var fuzzLanguages = []string{"go", "python", "bash", "yaml", "json", "rego", "javascript", "html", "css", "rust", "sql", "c++", "ruby", "toml", "diff", "dockerfile", "php", "perl", "lua", "haskell"}

// FuzzSameTokens holds the filtered driver to chroma's tokens, and
// WriteHTML to chroma's formatter, on any text in any of fuzzLanguages.
func FuzzSameTokens(f *testing.F) {
	f.Add(uint8(0), "package main\n\nfunc main() { println(\"hi\") }\n")
	f.Add(uint8(1), "def f(x):\n    '''doc'''\n    return x ** 2  # square\n")
	f.Add(uint8(2), "for f in *.log; do grep -c \"$1\" \"$f\" || true; done <<EOF\nx\nEOF\n")
	f.Add(uint8(3), "a: [1, {b: c}]\n- &x !!str y\n")
	f.Add(uint8(10), "SELECT * FROM t WHERE a = 'x''y' -- c\n")
	f.Add(uint8(15), "FROM golang:1.26 AS build\nRUN go build ./...\n")
	f.Add(uint8(16), "<?php echo \"$a{$b}\"; ?>\n")
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		l := lexers.Get(fuzzLanguages[int(which)%len(fuzzLanguages)])
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				panic(fmt.Sprintf("%s %q: still lexing after 5s", l.Config().Name, text))
			}
		}()
		defer close(done)
		want, got := tokens(t, l, text), tokens(t, Fast(l), text)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s %q: %s", l.Config().Name, text, firstDifference(want, got))
		}
		sameHTML(t, l.Config().Name, tokens(t, chroma.Coalesce(Fast(l)), text))
	})
}

// TestConcurrentUse lexes with one lexer from several goroutines at once,
// from before its rules are compiled, as a parallel build does; the race
// detector (make test) watches the shared rules.
func TestConcurrentUse(t *testing.T) {
	const text = "x = 1\nif x:\n    print('a \\' b')  # c\n"
	for _, tt := range []struct{ name, text string }{
		{"go", text}, {"python", text}, {"bash", text}, {"yaml", text},
		{"markdown", "---\na: [1]\n---\n# x\n\n* a *b*\n"},
		{"http", "POST / HTTP/1.1\nContent-Type: application/json\n\n{\"a\": [1]}\n"},
		{"common-lisp", "(defun f (x) (car x))\n"},
		{"emacs-lisp", "(defun f (x) (car x))\n"},
	} {
		name, text := tt.name, tt.text
		l := lexers.Get(name)
		fast := uncompiled(t, l)
		want := tokens(t, l, text)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				it, err := fast.Tokenise(nil, text)
				if err != nil {
					t.Errorf("%s: %v", name, err) // not Fatal: this is not the test's goroutine
					return
				}
				if got := it.Tokens(); !reflect.DeepEqual(want, got) {
					t.Errorf("%s: %s", name, firstDifference(want, got))
				}
			})
		}
		wg.Wait()
	}
}
