package highlight

import (
	"bytes"
	"html"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// WriteHTML writes tokens to b as chroma's HTML formatter does with
// html.WithClasses(true) and html.PreventSurroundingPre(true): each token
// escaped, in a span whose class is its type's (or its nearest parent's)
// short name, and bare when the type has none. Tokens are first split at
// newlines as chroma splits them into lines, since a token spanning lines
// becomes one span per line.
func WriteHTML(b *bytes.Buffer, tokens []chroma.Token) {
	for _, line := range chroma.SplitTokensIntoLines(tokens) {
		for _, t := range line {
			class := classOf(t.Type)
			if class != "" {
				b.WriteString(`<span class="`)
				b.WriteString(class)
				b.WriteString(`">`)
			}
			b.WriteString(html.EscapeString(t.Value))
			if class != "" {
				b.WriteString(`</span>`)
			}
		}
	}
}

// classes caches classOf's answers: the lookup walks up the type's parents.
var classes sync.Map // chroma.TokenType → string

// classOf returns the CSS class chroma's formatter gives a token type: the
// short name of the type or of its nearest parent that has one, or ""
// when that name is empty (plain text gets no span).
func classOf(t chroma.TokenType) string {
	if class, ok := classes.Load(t); ok {
		return class.(string)
	}
	class := ""
	for u := t; ; u = u.Parent() {
		if name, ok := chroma.StandardTypes[u]; ok {
			class = name
			break
		}
		if u == 0 {
			break
		}
	}
	classes.Store(t, class)
	return class
}
