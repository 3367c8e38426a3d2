package kramdown

import (
	"bytes"
	"strings"
)

// Attr is one attribute of an inline attribute list, in the order written.
type Attr struct {
	Name  string
	Value string
}

// AttributeList is the parsed content of an inline attribute list
// ({: #id .class key="value" ref}) or of an attribute list definition.
type AttributeList struct {
	Attrs []Attr   // id, class (all classes joined by spaces) and key="value" pairs
	Refs  []string // names of attribute list definitions to apply first
}

// set sets name to value, keeping the position of an earlier value; class
// values accumulate as kramdown's do.
func (l *AttributeList) set(name, value string) {
	for i := range l.Attrs {
		if l.Attrs[i].Name != name {
			continue
		}
		if name == "class" {
			l.Attrs[i].Value = strings.TrimLeft(l.Attrs[i].Value+" "+value, " ")
		} else {
			l.Attrs[i].Value = value
		}
		return
	}
	l.Attrs = append(l.Attrs, Attr{Name: name, Value: value})
}

// merge applies other on top of l, as a later list does in kramdown.
func (l *AttributeList) merge(other AttributeList) {
	for _, a := range other.Attrs {
		l.set(a.Name, a.Value)
	}
}

// scanList finds an attribute list that starts at src[i] ("{:"), and
// returns its content (between "{:" and the first "}" not escaped by a
// backslash) and the index just after the closing brace. Like kramdown,
// it refuses "{::" and "{:/", which start extensions, and an empty list.
func scanList(src []byte, i int) (content []byte, end int, ok bool) {
	if i+2 >= len(src) || src[i] != '{' || src[i+1] != ':' || src[i+2] == ':' || src[i+2] == '/' {
		return nil, 0, false
	}
	for j := i + 2; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if j+1 < len(src) && src[j+1] == '}' {
				j++
			}
		case '}':
			if j == i+2 {
				return nil, 0, false
			}
			return src[i+2 : j], j + 1, true
		}
	}
	return nil, 0, false
}

// ParseAttributeList reads the content of an attribute list as kramdown
// does: whitespace-separated words, each one of key="value" (or
// key='value'), a run of #id and .class names, or the name of an attribute
// list definition. Words that are none of these are skipped, as in kramdown.
func ParseAttributeList(content []byte) AttributeList {
	var l AttributeList
	var unclosed [2]bool // a value in "…" or '…' was found never to end
	for i := 0; i < len(content); {
		if isSpace(content[i]) {
			i++
			continue
		}
		if n := parsePair(content[i:], &l, &unclosed); n > 0 {
			i += n
			continue
		}
		if n := parseIDsAndClasses(content[i:], &l); n > 0 {
			i += n
			continue
		}
		end := i + wordEnd(content[i:])
		if word := content[i:end]; isName(word) {
			l.Refs = append(l.Refs, string(word))
		}
		i = end
	}
	return l
}

// parsePair reads key="value" at the start of b, returning how many bytes it
// took, or 0 when b does not start with one that ends at a word boundary.
// Once a value is found to run to the end of the list unclosed, later
// values in the same quotes are not looked at again, so that a list of
// many such starts takes one pass and not one each.
func parsePair(b []byte, l *AttributeList, unclosed *[2]bool) int {
	n := nameEnd(b)
	if n == 0 || n+1 >= len(b) || b[n] != '=' || (b[n+1] != '"' && b[n+1] != '\'') {
		return 0
	}
	quote := b[n+1]
	which := 0
	if quote == '\'' {
		which = 1
	}
	if unclosed[which] {
		return 0
	}
	var value []byte
	for j := n + 2; j < len(b); j++ {
		c := b[j]
		if c == '\\' && j+1 < len(b) && (b[j+1] == '}' || b[j+1] == quote) {
			value = append(value, b[j+1])
			j++
			continue
		}
		if c == quote && (j+1 == len(b) || isSpace(b[j+1])) {
			l.set(string(b[:n]), string(value))
			return j + 1
		}
		value = append(value, c)
	}
	unclosed[which] = true
	return 0
}

// parseIDsAndClasses reads a word made of #id and .class names
// (".note.wide#top"), or returns 0 when the word is anything else.
func parseIDsAndClasses(b []byte, l *AttributeList) int {
	end := wordEnd(b)
	word := b[:end]
	var found AttributeList
	for i := 0; i < len(word); {
		switch word[i] {
		case '#':
			j := i + 1
			if j >= len(word) || !isLetter(word[j]) {
				return 0
			}
			for j++; j < len(word) && (isWordByte(word[j]) || word[j] == ':' || word[j] == '-'); j++ {
			}
			found.set("id", string(word[i+1:j]))
			i = j
		case '.':
			j := i + 1
			for j < len(word) && word[j] != '.' && word[j] != '#' {
				j++
			}
			if j == i+1 {
				return 0
			}
			found.set("class", string(word[i+1:j]))
			i = j
		default:
			return 0
		}
	}
	if len(found.Attrs) == 0 {
		return 0
	}
	l.merge(found)
	return end
}

// wordEnd is the length of the word at the start of b.
func wordEnd(b []byte) int {
	for i, c := range b {
		if isSpace(c) {
			return i
		}
	}
	return len(b)
}

// nameEnd is the length of kramdown's ALD_ID_NAME (\w[\w-]*) at the start of b.
func nameEnd(b []byte) int {
	if len(b) == 0 || !isWordByte(b[0]) {
		return 0
	}
	i := 1
	for i < len(b) && (isWordByte(b[i]) || b[i] == '-') {
		i++
	}
	return i
}

func isName(b []byte) bool { return len(b) > 0 && nameEnd(b) == len(b) }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isWordByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

// parseDefinition reads an attribute list definition line's content
// ("{:name: attrs}" without the braces' outer parts): the part after "{:"
// up to the closing brace, which must be "name: attrs".
func parseDefinition(content []byte) (name string, l AttributeList, ok bool) {
	n := nameEnd(content)
	if n == 0 || n >= len(content) || content[n] != ':' {
		return "", l, false
	}
	rest := content[n+1:]
	if len(bytes.TrimSpace(rest)) == 0 {
		return "", l, false
	}
	return string(content[:n]), ParseAttributeList(rest), true
}
