package highlight

import (
	"reflect"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// Four of chroma's lexers are Go code around a regular-expression lexer:
// Common Lisp and EmacsLisp rename some tokens of theirs (a remapping
// lexer), markdown lexes a leading YAML front-matter block as YAML, and
// HTTP lexes a message's body in the language of its Content-Type. Run as
// they are, they would run chroma's driver, and its match timeouts, for
// the language they wrap and for the one they call. Here each is rebuilt
// on this package's lexers: the wrapped lexer is read from chroma's value,
// and the little each adds is done again around it.

// remappingType is the type of chroma's lexers that rename tokens.
var remappingType = reflect.TypeOf(chroma.RemappingLexer(nil, nil))

// fastHandWritten returns the Fast form of one of the lexers above, or l
// itself for any other lexer, or should chroma's fields change.
func fastHandWritten(l chroma.Lexer) chroma.Lexer {
	if w, ok := wrappers.Load(l); ok {
		return w.(chroma.Lexer)
	}
	var fast chroma.Lexer
	switch {
	case reflect.TypeOf(l) == remappingType:
		inner, mapper, ok := remapping(l)
		if !ok {
			return l
		}
		fast = chroma.RemappingLexer(Fast(inner), mapper)
	case l == lexers.Markdown:
		inner, ok := wrapped(l)
		if !ok {
			return l
		}
		fast = &markdownLexer{Lexer: inner}
	case l == lexers.HTTP:
		inner, ok := wrapped(l)
		if !ok {
			return l
		}
		fast = &httpLexer{Lexer: inner}
	default:
		return l
	}
	w, _ := wrappers.LoadOrStore(l, fast)
	return w.(chroma.Lexer)
}

// remapping reads a remapping lexer's lexer and renaming function, which
// chroma keeps unexported.
func remapping(l chroma.Lexer) (inner *chroma.RegexLexer, mapper func(chroma.Token) []chroma.Token, ok bool) {
	defer func() {
		if recover() != nil {
			inner, mapper, ok = nil, nil, false
		}
	}()
	v := reflect.ValueOf(l).Elem()
	inner, _ = field(v, "lexer").Interface().(*chroma.RegexLexer)
	mapper, _ = field(v, "mapper").Interface().(func(chroma.Token) []chroma.Token)
	return inner, mapper, inner != nil && mapper != nil
}

// wrapped returns the Fast form of the regular-expression lexer that
// chroma's markdown and HTTP lexers embed as their Lexer field.
func wrapped(l chroma.Lexer) (fast chroma.Lexer, ok bool) {
	defer func() {
		if recover() != nil {
			fast, ok = nil, false
		}
	}()
	inner, _ := reflect.ValueOf(l).Elem().FieldByName("Lexer").Interface().(*chroma.RegexLexer)
	if inner == nil {
		return nil, false
	}
	return Fast(inner), true
}

// markdownLexer lexes markdown as chroma's markdown lexer does: a text
// that opens with a front-matter block has that block lexed as YAML.
type markdownLexer struct{ chroma.Lexer }

// SetRegistry leaves the lexer as it is (see filteredLexer.SetRegistry).
func (m *markdownLexer) SetRegistry(*chroma.LexerRegistry) chroma.Lexer { return m }

// Tokenise lexes the front matter, if any, as YAML and the rest as
// markdown.
func (m *markdownLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	front, rest, ok := splitFrontMatter(text)
	yaml := lexers.Get("YAML")
	if !ok || yaml == nil {
		return m.Lexer.Tokenise(options, text)
	}
	frontTokens, err := Fast(yaml).Tokenise(options, front)
	if err != nil {
		return nil, err
	}
	restTokens, err := m.Lexer.Tokenise(options, rest)
	if err != nil {
		return nil, err
	}
	return chroma.Concaterator(frontTokens, restTokens), nil
}

// splitFrontMatter cuts a text whose first line is "---" after the next
// line that is "---" (either may end in \r), keeping that line's newline
// with the front matter. ok is false when there is no such pair of lines.
func splitFrontMatter(text string) (front, rest string, ok bool) {
	first, _, found := strings.Cut(text, "\n")
	if !found || strings.TrimSuffix(first, "\r") != "---" {
		return "", text, false
	}
	end := len(first) + 1
	for {
		line, _, found := strings.Cut(text[end:], "\n")
		if !found {
			return "", text, false
		}
		end += len(line) + 1
		if strings.TrimSuffix(line, "\r") == "---" {
			return text[:end], text[end:], true
		}
	}
}

// httpLexer lexes HTTP messages as chroma's HTTP lexer does: the body,
// one Generic token, is lexed in the language of the Content-Type header
// before it, or becomes Text when no language has that type.
type httpLexer struct{ chroma.Lexer }

// SetRegistry leaves the lexer as it is (see filteredLexer.SetRegistry).
func (h *httpLexer) SetRegistry(*chroma.LexerRegistry) chroma.Lexer { return h }

// Tokenise lexes the message, and its body in the body's language. The
// order of the tokens is chroma's: the body's first token stands in for
// the body, and the rest of it follows the message's last token.
func (h *httpLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	it, err := h.Lexer.Tokenise(options, text)
	if err != nil {
		return nil, err
	}
	var contentType string
	headerNamed := false // the last header name was Content-Type
	var body chroma.Iterator
	return func() chroma.Token {
		token := it()
		switch {
		case token == chroma.EOF:
			if body != nil {
				return body()
			}
		case token.Type == chroma.Name && strings.ToLower(token.Value) == "content-type":
			headerNamed = true
		case token.Type == chroma.Literal && headerNamed:
			headerNamed = false
			contentType = mediaType(token.Value)
		case token.Type == chroma.Generic && contentType != "":
			lexer := bodyLexer(contentType)
			if lexer == nil {
				token.Type = chroma.Text
				break
			}
			if body, err = lexer.Tokenise(nil, token.Value); err != nil {
				panic(err) // as chroma's lexer does; callers recover it
			}
			return body()
		}
		return token
	}, nil
}

// mediaType is a Content-Type header's value without its parameters.
func mediaType(value string) string {
	value = strings.TrimSpace(value)
	if i := strings.Index(value, ";"); i > 0 {
		value = strings.TrimSpace(value[:i])
	}
	return value
}

// bodyLexer returns the lexer, of this package's registry, for a media
// type; a structured type (application/calendar+xml) falls back to its
// suffix's (application/xml), as in chroma.
func bodyLexer(contentType string) chroma.Lexer {
	if l := registry().MatchMimeType(contentType); l != nil {
		return l
	}
	slash, plus := strings.Index(contentType, "/"), strings.LastIndex(contentType, "+")
	if plus < 0 {
		return nil
	}
	return registry().MatchMimeType(contentType[:slash+1] + contentType[plus+1:])
}
