package content

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"go.yaml.in/yaml/v3"

	"github.com/weeknotes/weeknotes/internal/yamlx"
)

// matter is a decoded front matter block.
type matter struct {
	format string         // "YAML", "TOML" or "JSON", for messages
	values map[string]any // every key, decoded

	// block is the text handed to the decoder and firstLine the file line
	// it starts on, so block-relative lines can be reported as file lines.
	block     []byte
	firstLine int

	// closed is set when the frontmatter library has found the closing
	// line, which it does before it calls a decoder.
	closed bool

	// YAML only: where each top-level key is, and the source text of scalar
	// values. Dates need the source text because yaml.v3 reads an unzoned
	// timestamp as UTC, while Jekyll reads it in the site's time zone.
	keyLines map[string]int
	raw      map[string]string
}

// begin records the block the frontmatter library hands to a decoder.
func (m *matter) begin(format string, block []byte) {
	m.format, m.block, m.closed = format, block, true
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
	m.begin("YAML", data)
	pairs, err := yamlx.DecodeMapping(data, &m.values, "front matter must be key: value lines")
	if err != nil {
		var yamlErr *yamlx.Error
		if errors.As(err, &yamlErr) {
			return &blockError{yamlErr.Line, yamlErr.Msg}
		}
		return err
	}
	m.keyLines = make(map[string]int, len(pairs))
	m.raw = make(map[string]string, len(pairs))
	for _, pair := range pairs {
		key, value := pair.Key, pair.Value
		m.keyLines[key.Value] = key.Line
		if value.Kind == yaml.ScalarNode && value.Tag != "!!null" {
			m.raw[key.Value] = value.Value
		}
	}
	return nil
}

func decodeTOML(data []byte, v any) error {
	m := v.(*matter)
	m.begin("TOML", data)
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
	m.begin("JSON", data)
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

// bufReaders are the buffered readers the frontmatter library reads
// through. It wraps what it is given in a new 4 KB bufio.Reader unless that
// is one already, and a build parses thousands of posts. Reusing them is
// safe because the library copies what it reads into a buffer of its own:
// neither the block a decoder gets nor the rest it returns points into them.
var bufReaders = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

// decodeFrontMatter has the frontmatter library find the end of the front
// matter that data opens with format, and decode it into m. It returns the
// offset in data where the body starts. m.closed is false when no line
// closes the front matter.
//
// The library alone finds the end, so that the body starts exactly where the
// block it decoded ends, for every format and however its closing line is
// written.
func decodeFrontMatter(data []byte, format *frontmatter.Format, m *matter) (int, error) {
	lines := &lineReader{data: data, m: m}
	br := bufReaders.Get().(*bufio.Reader)
	defer func() {
		br.Reset(nil) // so that the pool does not keep the post alive
		bufReaders.Put(br)
	}()
	br.Reset(lines)
	rest, err := frontmatter.Parse(br, m, format)
	if err != nil {
		return 0, err
	}
	return lines.off - len(rest), nil
}

// lineReader hands the frontmatter library a file one line per Read, and
// nothing once the library has found the closing line. The library copies
// all it reads, and reads on until the closing line, so this keeps it from
// reading and copying the body, without a scan of our own to tell it
// beforehand where the front matter ends.
type lineReader struct {
	data []byte
	off  int     // bytes handed out so far
	m    *matter // closed once the library has called a decoder
}

func (r *lineReader) Read(p []byte) (int, error) {
	if r.m.closed || r.off == len(r.data) {
		return 0, io.EOF
	}
	line := r.data[r.off:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i+1]
	}
	n := copy(p, line)
	r.off += n
	return n, nil
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
