// Package yamlx reads YAML that authors write, the site configuration and
// posts' front matter, with gopkg.in/yaml.v3, so that every problem can be
// reported as file:line: message. yaml.v3 gives lines only in its node tree
// and in the text of its errors, so both are taken apart here, once, and the
// configuration and the posts read YAML the same way.
package yamlx

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Error is a problem with YAML text at a line of that text.
type Error struct {
	Line int    // 1-based within the decoded text; 0 when yaml.v3 names none
	Msg  string // what is wrong, e.g. "invalid YAML: found unexpected end of stream"
}

// Error reads "line N: message", for an Error printed as it is rather than
// turned into a file:line diagnostic.
func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Pair is a top-level key of a mapping and its value.
type Pair struct {
	Key *yaml.Node
	// Value is the node an alias names rather than the alias, because
	// "title: *name" means the anchored value.
	Value *yaml.Node
}

// DecodeMapping decodes data, a YAML document of key: value lines, into
// *values and returns its top-level keys and values in the order written,
// so that callers can check them one by one and report each on its line.
// A document that is empty, only comments or null has no keys and leaves
// *values as it was.
//
// Every error is an *Error: "invalid YAML: ..." for text yaml.v3 rejects, and
// notMapping, on the document's first line, for a document that is not
// key: value lines (a list, or a lone value).
func DecodeMapping(data []byte, values *map[string]any, notMapping string) ([]Pair, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		e := invalid(err)
		if e.Line == 0 {
			e.Line = badCharLine(data, e.Msg)
		}
		return nil, e
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{Line: root.Line, Msg: notMapping}
	}
	if err := root.Decode(values); err != nil {
		e := invalid(err)
		if e.Line == 0 && strings.Contains(e.Msg, "excessive aliasing") {
			e.Line, e.Msg = largestValue(root, e.Msg)
		}
		return nil, e
	}
	pairs := make([]Pair, 0, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		if value.Kind == yaml.AliasNode && value.Alias != nil {
			value = value.Alias
		}
		pairs = append(pairs, Pair{Key: key, Value: value})
	}
	return pairs, nil
}

func invalid(err error) *Error {
	line, msg := Split(err)
	return &Error{Line: line, Msg: "invalid YAML: " + msg}
}

// Split returns the 1-based line an error from yaml.v3 points at, relative
// to the YAML text that was decoded, and its message without the "yaml:" and
// "line N:" prefixes. line is 0 when the error names no line. For a decoding
// error with several problems, the first one is returned: the author fixes
// them one at a time, and the rest usually follow from the first.
func Split(err error) (line int, msg string) {
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) && len(typeErr.Errors) > 0 {
		msg = typeErr.Errors[0]
	} else {
		msg = err.Error()
	}
	msg = strings.TrimPrefix(strings.TrimSpace(msg), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	digits, text, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, msg
	}
	n, convErr := strconv.Atoi(digits)
	if convErr != nil || n < 1 {
		return 0, msg
	}
	return n, text
}

// badCharLine returns the line of the first character yaml.v3 refuses
// (a control character, invalid UTF-8) when msg is about one: yaml.v3
// names no line for those. It returns 0 otherwise.
func badCharLine(data []byte, msg string) int {
	if !strings.Contains(msg, "control characters") && !strings.Contains(msg, "UTF-8") && !strings.Contains(msg, "Unicode") {
		return 0
	}
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == '\n':
			line++
		case r == utf8.RuneError && size == 1,
			r < 0x20 && r != '\t' && r != '\r',
			r == 0x7F, r >= 0x80 && r <= 0x9F && r != 0x85, r == 0xFFFE, r == 0xFFFF:
			return line
		}
		i += size
	}
	return 0
}

// maxCounted caps expandedSize, which only needs to tell large from small.
const maxCounted = 1 << 40

// largestValue returns the line of the top-level key whose value is the
// largest once its aliases are expanded, for yaml.v3's "excessive aliasing",
// which names no line, and the message naming the key.
func largestValue(root *yaml.Node, msg string) (int, string) {
	memo := map[*yaml.Node]int{}
	line, largest, name := 0, -1, ""
	for i := 0; i+1 < len(root.Content); i += 2 {
		if n := expandedSize(root.Content[i+1], memo, 0); n > largest {
			line, largest, name = root.Content[i].Line, n, root.Content[i].Value
		}
	}
	if line == 0 {
		return root.Line, msg
	}
	return line, fmt.Sprintf("%s: the value of %q repeats its aliases into more than %d values", msg, name, min(largest, maxCounted))
}

// expandedSize counts the nodes of n with its aliases expanded, each
// anchor counted once however often it is used (memo), and capped.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil || depth > 1000 {
		return 0
	}
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = 0 // a cycle counts for nothing
	size := 1
	if n.Kind == yaml.AliasNode {
		size = expandedSize(n.Alias, memo, depth+1)
	}
	for _, c := range n.Content {
		size = min(size+expandedSize(c, memo, depth+1), maxCounted)
	}
	memo[n] = size
	return size
}
