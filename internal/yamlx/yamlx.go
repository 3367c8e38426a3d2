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
		return nil, invalid(err)
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
		return nil, invalid(err)
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
