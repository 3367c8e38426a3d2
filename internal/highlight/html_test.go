package highlight

import (
	"bytes"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// chromaHTML is what chroma's formatter writes for tokens with the options
// WriteHTML stands in for.
func chromaHTML(t testing.TB, tokens []chroma.Token) []byte {
	t.Helper()
	var b bytes.Buffer
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true))
	if err := f.Format(&b, styles.Fallback, chroma.Literator(tokens...)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sameHTML fails the test when WriteHTML and chroma's formatter differ.
func sameHTML(t testing.TB, what string, tokens []chroma.Token) {
	t.Helper()
	var got bytes.Buffer
	WriteHTML(&got, tokens)
	if want := chromaHTML(t, tokens); !bytes.Equal(got.Bytes(), want) {
		i := 0
		for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
			i++
		}
		t.Errorf("%s: HTML differs from chroma's at byte %d: chroma %.80q, WriteHTML %.80q", what, i, want[i:], got.Bytes()[i:])
	}
}

// TestHTMLEveryTokenType covers token types no test input may produce,
// each with text that needs escaping.
func TestHTMLEveryTokenType(t *testing.T) {
	var all []chroma.Token
	for tt := range chroma.StandardTypes {
		all = append(all, chroma.Token{Type: tt, Value: `a<b>&"c'` + "\nd"})
	}
	all = append(all, chroma.Token{Type: chroma.TokenType(1234567), Value: "unknown type"})
	sameHTML(t, "every token type", all)
}

// TestHTMLLineSplitting covers how chroma splits tokens at newlines: an
// empty tail after a newline is dropped, an empty token is kept, except
// alone on the last line.
func TestHTMLLineSplitting(t *testing.T) {
	kw, text := chroma.Keyword, chroma.Text
	tests := []struct {
		name   string
		tokens []chroma.Token
	}{
		{"nothing", nil},
		{"empty token alone", []chroma.Token{{Type: kw, Value: ""}}},
		{"empty token alone on the last line", []chroma.Token{{Type: kw, Value: "if\n"}, {Type: kw, Value: ""}}},
		{"empty token opening a line that goes on", []chroma.Token{{Type: kw, Value: "if\n"}, {Type: kw, Value: ""}, {Type: text, Value: "x"}}},
		{"empty token before a newline", []chroma.Token{{Type: kw, Value: ""}, {Type: text, Value: "\nx"}}},
		{"two empty tokens on the last line", []chroma.Token{{Type: text, Value: "a\n"}, {Type: kw, Value: ""}, {Type: kw, Value: ""}}},
		{"empty token inside a line", []chroma.Token{{Type: text, Value: "a"}, {Type: kw, Value: ""}, {Type: text, Value: "b"}}},
		{"newlines only", []chroma.Token{{Type: text, Value: "\n\n\n"}}},
		{"many lines in one token", []chroma.Token{{Type: chroma.LiteralString, Value: "\"a\nb\n\nc\""}, {Type: text, Value: "\n"}}},
	}
	for _, tt := range tests {
		sameHTML(t, tt.name, tt.tokens)
	}
}
