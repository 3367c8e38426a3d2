package highlight

import (
	"bytes"
	"strings"

	"github.com/alecthomas/chroma/v2"
)

// WriteHTML writes tokens to b as chroma's HTML formatter does with
// html.WithClasses(true) and html.PreventSurroundingPre(true): each token
// escaped, in a span whose class is its type's (or its nearest parent's)
// short name, and bare when the type has none. Tokens are first split at
// newlines as chroma splits them into lines, since a token spanning lines
// becomes one span per line.
func WriteHTML(b *bytes.Buffer, tokens []chroma.Token) {
	// chroma.SplitTokensIntoLines, written out without building the lines:
	// the piece of a token up to each newline is a span of its own, an
	// empty tail after a newline is dropped, and so is a last line that
	// holds nothing but one empty token.
	lineStart := true // nothing written on the current line yet
	emptyFirst, emptyClass := false, ""
	for _, t := range tokens {
		class := classOf(t.Type)
		if emptyFirst {
			// The empty token that opened this line has company after all.
			writeSpan(b, emptyClass, "")
			emptyFirst = false
		}
		v := t.Value
		if v == "" {
			if lineStart {
				emptyFirst, emptyClass, lineStart = true, class, false
			} else {
				writeSpan(b, class, "")
			}
			continue
		}
		for v != "" {
			i := strings.IndexByte(v, '\n')
			if i < 0 {
				writeSpan(b, class, v)
				lineStart = false
				break
			}
			writeSpan(b, class, v[:i+1])
			lineStart = true
			v = v[i+1:]
		}
	}
}

// writeSpan writes one piece of a token: escaped as html.EscapeString
// escapes, in a span when the token's type has a class.
func writeSpan(b *bytes.Buffer, class, text string) {
	if class != "" {
		b.WriteString(`<span class="`)
		b.WriteString(class)
		b.WriteString(`">`)
	}
	_, _ = htmlEscaper.WriteString(b, text)
	if class != "" {
		b.WriteString(`</span>`)
	}
}

// htmlEscaper escapes what html.EscapeString escapes, the same way, but
// writes into the buffer rather than into a new string per token.
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// classOf returns the CSS class chroma's formatter gives a token type: the
// short name of the type or of its nearest parent that has one, or ""
// when that name is empty (plain text gets no span). Lexers emit almost
// only standard types, which the first map lookup finds.
func classOf(t chroma.TokenType) string {
	for u := t; ; u = u.Parent() {
		if name, ok := chroma.StandardTypes[u]; ok {
			return name
		}
		if u == 0 {
			return ""
		}
	}
}
