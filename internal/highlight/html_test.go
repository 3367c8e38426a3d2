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
