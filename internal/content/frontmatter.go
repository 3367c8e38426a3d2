package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"

	"github.com/weeknotes/weeknotes/internal/config/yamlerr"
)

// matter is a decoded front matter block.
type matter struct {
	format string         // "YAML", "TOML" or "JSON", for messages
	values map[string]any // every key, decoded

	// block is the text handed to the decoder and firstLine the file line
	// it starts on, so block-relative lines can be reported as file lines.
	block     []byte
	firstLine int

	// YAML only: where each top-level key is, and the source text of scalar
	// values. Dates need the source text because yaml.v3 reads an unzoned
	// timestamp as UTC, while Jekyll reads it in the site's time zone.
	keyLines map[string]int
	raw      map[string]string
}

// blockError is a front matter decoding error at a line of the block.
type blockError struct {
	line int // 1-based within the block; 0 when the decoder gave none
	msg  string
}

func (e *blockError) Error() string { return e.msg }

// formats are the front matter delimiters recognised, with decoders that
// keep line numbers. yaml.v3 replaces the library's default yaml.v2 so that
// the configuration and the posts read YAML the same way.
var formats = []*frontmatter.Format{
	frontmatter.NewFormat("---", "---", decodeYAML),
	frontmatter.NewFormat("---yaml", "---", decodeYAML),
	frontmatter.NewFormat("+++", "+++", decodeTOML),
	frontmatter.NewFormat("---toml", "---", decodeTOML),
	frontmatter.NewFormat(";;;", ";;;", decodeJSON),
	frontmatter.NewFormat("---json", "---", decodeJSON),
	// Hugo's bare JSON object: the braces are part of the JSON, and a blank
	// line must follow so that a body starting with "}" is not cut short.
	{Start: "{", End: "}", Unmarshal: decodeJSON, UnmarshalDelims: true, RequiresNewLine: true},
}

// openingFormat returns the format whose opening delimiter is line, or nil.
// Only the file's first line can open a front matter, as in Jekyll: a "---"
// further down is a thematic break.
func openingFormat(line []byte) *frontmatter.Format {
	line = bytes.TrimSpace(line)
	for _, f := range formats {
		if string(line) == f.Start {
			return f
		}
	}
	return nil
}

func decodeYAML(data []byte, v any) error {
	m := v.(*matter)
	m.format, m.block = "YAML", data
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlerr.Split(err)
		return &blockError{line, "invalid YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return &blockError{root.Line, "front matter must be key: value lines"}
	}
	if err := root.Decode(&m.values); err != nil {
		line, msg := yamlerr.Split(err)
		return &blockError{line, "invalid YAML: " + msg}
	}
	m.keyLines = make(map[string]int, len(root.Content)/2)
	m.raw = make(map[string]string, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		if value.Kind == yaml.AliasNode && value.Alias != nil {
			value = value.Alias
		}
		m.keyLines[key.Value] = key.Line
		if value.Kind == yaml.ScalarNode && value.Tag != "!!null" {
			m.raw[key.Value] = value.Value
		}
	}
	return nil
}

func decodeTOML(data []byte, v any) error {
	m := v.(*matter)
	m.format, m.block = "TOML", data
	if err := toml.Unmarshal(data, &m.values); err != nil {
		var parseErr toml.ParseError
		if errors.As(err, &parseErr) {
			return &blockError{parseErr.Position.Line, "invalid TOML: " + parseErr.Message}
		}
		return &blockError{0, "invalid TOML: " + err.Error()}
	}
	return nil
}

func decodeJSON(data []byte, v any) error {
	m := v.(*matter)
	m.format, m.block = "JSON", data
	if err := json.Unmarshal(data, &m.values); err != nil {
		var syntaxErr *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntaxErr):
			return &blockError{lineAt(data, syntaxErr.Offset), "invalid JSON: " + err.Error()}
		case errors.As(err, &typeErr):
			return &blockError{lineAt(data, typeErr.Offset), "front matter must be a JSON object"}
		}
		return &blockError{0, "invalid JSON: " + err.Error()}
	}
	return nil
}

// frontMatterEnd returns the offset just past the line closing a front
// matter that data opens with format, or len(data) when none closes it. It
// finds the end the way the frontmatter library does, including the blank
// line some formats require after the closing line.
func frontMatterEnd(data []byte, format *frontmatter.Format) int {
	_, off := lineAfter(data, 0)
	for off < len(data) {
		line, next := lineAfter(data, off)
		off = next
		if string(bytes.TrimSpace(line)) != format.End {
			continue
		}
		if !format.RequiresNewLine || next == len(data) {
			return next
		}
		if following, after := lineAfter(data, next); isBlank(following) {
			return after
		}
	}
	return len(data)
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = max(0, min(off, int64(len(data))))
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// line returns the file line of a top-level key, or the front matter's
// first line when the key cannot be found.
func (m *matter) line(key string) int {
	if m == nil {
		return 0
	}
	if l, ok := m.keyLines[key]; ok {
		return m.firstLine + l - 1
	}
	if l := scanKeyLine(m.block, key, m.format == "TOML"); l > 0 {
		return m.firstLine + l - 1
	}
	return m.firstLine
}

// scanKeyLine finds the block line where key is set in TOML (key = ...) or
// JSON ("key": ...). Decoders for those formats give no positions, and
// a line is only needed when reporting a problem, so a plain scan will do.
func scanKeyLine(block []byte, key string, isTOML bool) int {
	for n, line := range bytes.Split(block, []byte{'\n'}) {
		line = bytes.TrimLeft(line, " \t")
		if isTOML && len(line) > 0 && line[0] == '[' {
			return 0 // a TOML table: later keys are not top-level
		}
		if rest, ok := bytes.CutPrefix(line, []byte(`"`+key+`"`)); ok && startsAssignment(rest) {
			return n + 1
		}
		if rest, ok := bytes.CutPrefix(line, []byte(key)); ok && startsAssignment(rest) {
			return n + 1
		}
	}
	return 0
}

func startsAssignment(rest []byte) bool {
	rest = bytes.TrimLeft(rest, " \t")
	return len(rest) > 0 && (rest[0] == '=' || rest[0] == ':')
}

// describe names a front matter value's kind for messages.
func describe(v any) string {
	switch v := v.(type) {
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case string:
		return fmt.Sprintf("%q", v)
	default:
		return fmt.Sprintf("%v", v)
	}
}
