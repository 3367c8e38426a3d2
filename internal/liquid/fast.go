package liquid

import (
	"bytes"
	"strings"
	"unicode"
)

// Most bodies that need Liquid at all use it only for post_url and link,
// perhaps with raw or comment sections. For those, compiling with the
// library costs several times more than everything else put together (its
// scanner compiles its pattern on every call), so they are rendered here
// instead, with exactly the library's output: the tests compare the two.

// isSimple reports whether the tokens hold nothing but post_url and link
// tags with literal targets and raw and comment sections, and so can be
// rendered by renderSimple.
func isSimple(tokens []token) bool {
	for _, t := range tokens {
		if t.within != inText {
			continue
		}
		if t.object {
			return false
		}
		switch t.name {
		case "raw", "comment":
		case "post_url", "link":
			if strings.TrimSpace(t.args) == "" || strings.Contains(t.args, "{{") {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// renderSimple renders a body for which isSimple holds, replacing each
// tag with its resolved URL ("" when the target is missing) and applying
// whitespace control the way the library does.
func renderSimple(src string, tokens []token, resolved map[string]string) []byte {
	w := trimWriter{out: make([]byte, 0, len(src))}
	prevEnd, within := 0, inText
	for _, t := range tokens {
		if text := src[prevEnd:t.start]; text != "" && t.within != inComment {
			w.write(text)
		}
		prevEnd, within = t.end, t.after
		// The library's scanner makes a trim marker a token of its own,
		// before or after the tag, which the parser meets in the section
		// it is in then: in a comment it is dropped, in a raw section it
		// is an empty write.
		if t.trimLeft {
			switch t.within {
			case inText:
				w.trimLeft()
			case inRaw:
				w.write("")
			}
		}
		switch {
		case t.within == inRaw && (t.object || t.name != "endraw"):
			w.write(src[t.start:t.end])
		case t.within == inText && (t.name == "post_url" || t.name == "link"):
			w.write(resolved[targetKey(t.name, t.args)])
		}
		if t.trimRight {
			switch t.after {
			case inText:
				w.trim = true
			case inRaw:
				w.write("")
			}
		}
	}
	if text := src[prevEnd:]; text != "" && within != inComment {
		w.write(text)
	}
	w.flush()
	return w.out
}

// trimWriter does what the library's writer of the same name does: it
// holds back the latest write, so that a following {%- can trim its end,
// and trims the start of the write after a -%}.
type trimWriter struct {
	out  []byte
	buf  []byte
	trim bool
}

func (w *trimWriter) write(s string) {
	if w.trim {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		w.trim = false
	} else {
		w.flush()
	}
	w.buf = append(w.buf, s...)
}

func (w *trimWriter) trimLeft() {
	w.out = append(w.out, bytes.TrimRightFunc(w.buf, unicode.IsSpace)...)
	w.buf = w.buf[:0]
}

func (w *trimWriter) flush() {
	w.out = append(w.out, w.buf...)
	w.buf = w.buf[:0]
}
