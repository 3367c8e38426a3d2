package content

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseFrontMatterFormats(t *testing.T) {
	tests := []struct {
		name         string
		src          string
		wantTitle    string
		wantParams   map[string]any
		wantBody     string
		wantBodyLine int
		wantDiag     string
	}{
		{
			name:      "YAML",
			src:       "---\ntitle: Yaml\ncount: 3\n---\nBody\n",
			wantTitle: "Yaml", wantParams: map[string]any{"title": "Yaml", "count": 3},
			wantBody: "Body\n", wantBodyLine: 5,
		},
		{
			name:      "YAML with explicit ---yaml",
			src:       "---yaml\ntitle: Yaml\n---\nBody\n",
			wantTitle: "Yaml", wantParams: map[string]any{"title": "Yaml"},
			wantBody: "Body\n", wantBodyLine: 4,
		},
		{
			name:      "TOML",
			src:       "+++\ntitle = \"Toml\"\ncount = 3\n+++\nBody\n",
			wantTitle: "Toml", wantParams: map[string]any{"title": "Toml", "count": int64(3)},
			wantBody: "Body\n", wantBodyLine: 5,
		},
		{
			name:      "TOML with ---toml",
			src:       "---toml\ntitle = \"Toml\"\n---\nBody\n",
			wantTitle: "Toml", wantParams: map[string]any{"title": "Toml"},
			wantBody: "Body\n", wantBodyLine: 4,
		},
		{
			name:      "JSON object",
			src:       "{\n  \"title\": \"Json\",\n  \"count\": 3\n}\n\nBody\n",
			wantTitle: "Json", wantParams: map[string]any{"title": "Json", "count": 3.0},
			wantBody: "Body\n", wantBodyLine: 6,
		},
		{
			name:      "JSON between ;;;",
			src:       ";;;\n{\"title\": \"Json\"}\n;;;\nBody\n",
			wantTitle: "Json", wantParams: map[string]any{"title": "Json"},
			wantBody: "Body\n", wantBodyLine: 4,
		},
		{
			name:      "none",
			src:       "Just text\n\nand more\n",
			wantTitle: "Just text", wantParams: map[string]any{},
			wantBody: "and more\n", wantBodyLine: 3,
		},
		{
			name:      "empty",
			src:       "---\n---\nBody\n",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "Body\n", wantBodyLine: 3,
		},
		{
			name:      "thematic breaks further down are not front matter",
			src:       "Intro\n\n---\ntitle: not front matter\n---\n",
			wantTitle: "Intro", wantParams: map[string]any{},
			wantBody: "---\ntitle: not front matter\n---\n", wantBodyLine: 3,
		},
		{
			name:      "a body thematic break after front matter",
			src:       "---\ntitle: T\n---\nAbove\n\n---\n\nBelow\n",
			wantTitle: "T", wantParams: map[string]any{"title": "T"},
			wantBody: "Above\n\n---\n\nBelow\n", wantBodyLine: 4,
		},
		{
			name:      "byte order mark and Windows line endings",
			src:       "\ufeff---\r\ntitle: Bom\r\n---\r\nBody\r\n",
			wantTitle: "Bom", wantParams: map[string]any{"title": "Bom"},
			wantBody: "Body\r\n", wantBodyLine: 4,
		},
		{
			name:      "broken YAML names the line in the file",
			src:       "---\ntitle: x\nlayout: post\nauthor: a: b\n---\nBody\n",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "---\ntitle: x\nlayout: post\nauthor: a: b\n---\nBody\n", wantBodyLine: 1,
			wantDiag: "error 4: front matter: invalid YAML: mapping values are not allowed in this context",
		},
		{
			name:      "YAML that is not key: value lines",
			src:       "---\n- a\n- b\n---\n",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "---\n- a\n- b\n---\n", wantBodyLine: 1,
			wantDiag: "error 2: front matter: front matter must be key: value lines",
		},
		{
			name:      "duplicate YAML key",
			src:       "---\ntitle: a\ntitle: b\n---\n",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "---\ntitle: a\ntitle: b\n---\n", wantBodyLine: 1,
			wantDiag: `error 3: front matter: invalid YAML: mapping key "title" already defined at line 1`,
		},
		{
			name:      "broken TOML names the line in the file",
			src:       "+++\ntitle = \"x\"\nlayout =\n+++\n",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "+++\ntitle = \"x\"\nlayout =\n+++\n", wantBodyLine: 1,
			wantDiag: "error 3: front matter: invalid TOML: expected value but found '\\n' instead",
		},
		{
			name:      "broken JSON names the line in the file",
			src:       "{\n  \"title\": \"x\",\n  \"layout\": \n}\n\n",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "{\n  \"title\": \"x\",\n  \"layout\": \n}\n\n", wantBodyLine: 1,
			wantDiag: "error 4: front matter: invalid JSON: invalid character '}' looking for beginning of value",
		},
		{
			name:      "half-saved YAML",
			src:       "---\ntitle: Half\nlayout: po",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "---\ntitle: Half\nlayout: po", wantBodyLine: 1,
			wantDiag: `error 1: front matter opened with "---" is never closed: add a "---" line after its last key`,
		},
		{
			name:      "only an opening line",
			src:       "---",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "---", wantBodyLine: 1,
			wantDiag: `error 1: front matter opened with "---" is never closed: add a "---" line after its last key`,
		},
		{
			name:      "half-saved TOML",
			src:       "+++\ntitle = \"Half\"\n",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "+++\ntitle = \"Half\"\n", wantBodyLine: 1,
			wantDiag: `error 1: front matter opened with "+++" is never closed: add a "+++" line after its last key`,
		},
		{
			name:      "JSON object not followed by a blank line",
			src:       "{\n\"title\": \"x\"\n}\nBody\n",
			wantTitle: "X", wantParams: map[string]any{},
			wantBody: "{\n\"title\": \"x\"\n}\nBody\n", wantBodyLine: 1,
			wantDiag: `error 1: front matter opened with "{" is never closed: add a "}" line followed by a blank line after its last key`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ds := parsePost("2021-01-10-x.md", tt.src, nil)
			if got := messages(ds); got != tt.wantDiag {
				t.Errorf("diagnostics:\n%s\nwant\n%s", got, tt.wantDiag)
			}
			if p.Title != tt.wantTitle {
				t.Errorf("Title = %q, want %q", p.Title, tt.wantTitle)
			}
			if !reflect.DeepEqual(p.Params, tt.wantParams) {
				t.Errorf("Params = %#v, want %#v", p.Params, tt.wantParams)
			}
			if string(p.Body) != tt.wantBody || p.BodyLine != tt.wantBodyLine {
				t.Errorf("Body = %q at line %d, want %q at line %d", p.Body, p.BodyLine, tt.wantBody, tt.wantBodyLine)
			}
		})
	}
}

// TestParseFrontMatterEnd covers where the body starts when the frontmatter
// library, reading line by line, finds the closing line.
func TestParseFrontMatterEnd(t *testing.T) {
	long := strings.Repeat("a", 9000) // longer than the library's 4 KB read buffer
	tests := []struct {
		name         string
		src          string
		wantParams   map[string]any
		wantBody     string
		wantBodyLine int
		wantDiag     string
	}{
		{
			name:       "a line longer than the read buffer",
			src:        "---\ntitle: T\nexcerpt: " + long + "\n---\nBody\n",
			wantParams: map[string]any{"title": "T", "excerpt": long},
			wantBody:   "Body\n", wantBodyLine: 5,
		},
		{
			name:       "a closing line with spaces around it",
			src:        "---\ntitle: T\n  ---  \nBody\n",
			wantParams: map[string]any{"title": "T"},
			wantBody:   "Body\n", wantBodyLine: 4,
		},
		{
			name:       "a closing line at the end of the file",
			src:        "+++\ntitle = \"T\"\n+++",
			wantParams: map[string]any{"title": "T"},
			wantBody:   "", wantBodyLine: 3,
		},
		{
			name:       "a JSON object at the end of the file",
			src:        "{\n\"title\": \"T\"\n}",
			wantParams: map[string]any{"title": "T"},
			wantBody:   "", wantBodyLine: 3,
		},
		{
			name:       "a JSON object and its blank line, with Windows line endings",
			src:        "{\r\n\"title\": \"T\"\r\n}\r\n\r\nBody\r\n",
			wantParams: map[string]any{"title": "T"},
			wantBody:   "Body\r\n", wantBodyLine: 5,
		},
		{
			name:       "the body is not read as front matter",
			src:        "---\ntitle: T\n---\n---\nnot: front matter\n---\n",
			wantParams: map[string]any{"title": "T"},
			wantBody:   "---\nnot: front matter\n---\n", wantBodyLine: 4,
		},
		{
			name:       "an error after a long block names its line",
			src:        "---\nexcerpt: " + long + "\ntitle: [\n---\nBody\n",
			wantParams: map[string]any{},
			wantBody:   "---\nexcerpt: " + long + "\ntitle: [\n---\nBody\n", wantBodyLine: 1,
			wantDiag: "error 3: front matter: invalid YAML: did not find expected node content",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ds := parsePost("2021-01-10-x.md", tt.src, nil)
			if got := messages(ds); got != tt.wantDiag {
				t.Errorf("diagnostics:\n%s\nwant\n%s", got, tt.wantDiag)
			}
			if !reflect.DeepEqual(p.Params, tt.wantParams) {
				t.Errorf("Params = %#v, want %#v", p.Params, tt.wantParams)
			}
			if string(p.Body) != tt.wantBody || p.BodyLine != tt.wantBodyLine {
				t.Errorf("Body = %.40q at line %d, want %.40q at line %d", p.Body, p.BodyLine, tt.wantBody, tt.wantBodyLine)
			}
		})
	}
}

func TestScanKeyLine(t *testing.T) {
	tests := []struct {
		block  string
		key    string
		isTOML bool
		want   int
	}{
		{"title = 1\ndate = 2\n", "date", true, 2},
		{"title = 1\n  date=2\n", "date", true, 2},
		{"title = 1\n[params]\ndate = 2\n", "date", true, 0},
		{"dated = 1\ndate = 2\n", "date", true, 2},
		{"{\n  \"title\": 1,\n  \"date\" : 2\n}", "date", false, 3},
		{"{\n[\n\"date\": 2\n}", "date", false, 3},
		{"title = 1\n", "date", true, 0},
	}
	for _, tt := range tests {
		if got := scanKeyLine([]byte(tt.block), tt.key, tt.isTOML); got != tt.want {
			t.Errorf("scanKeyLine(%q, %q) = %d, want %d", tt.block, tt.key, got, tt.want)
		}
	}
}
