package markdown

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileShapes are bodies built to make goldmark's parser slow (see
// docs/markdown-limits.md), each made at a size n.
var hostileShapes = []struct {
	name string
	make func(n int) string
}{
	{"nested list items on one line", func(n int) string { return strings.Repeat("- ", n) + "x\n" }},
	{"nested block quotes on one line", func(n int) string { return strings.Repeat(">", n) + " x\n" }},
	{"footnotes", func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "Note[^%d].\n\n[^%d]: The note.\n\n", i, i)
		}
		return b.String()
	}},
	{"unclosed links", func(n int) string { return "Text " + strings.Repeat("[a](", n) + "\n" }},
	{"brackets", func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) + "\n" }},
	{"size", func(n int) string { return strings.Repeat("Plain prose, a line of it.\n", n) }},
}

// hostileLimits are lowered so that the table's bodies stay small.
var hostileLimits = Limits{Bytes: 16000, Depth: 8, Brackets: 50, Footnotes: 20}

// TestHostileBodies checks that each hostile shape over a limit fails with
// one error at the line that goes over it, and that each just under it
// renders.
func TestHostileBodies(t *testing.T) {
	r := New(Options{})
	r.limits = hostileLimits
	tests := []struct {
		shape, file string
		n           int
		want        string // the diagnostic, or "" for none
	}{
		{"nested list items on one line", "", 8, ""},
		{"nested list items on one line", "", 9, "error p.md:3: this line opens 9 block quotes and list items, one inside the other; weeknotes renders at most 8"},
		{"nested block quotes on one line", "", 8, ""},
		{"nested block quotes on one line", "", 9, "error p.md:3: this line opens 9 block quotes and list items, one inside the other; weeknotes renders at most 8"},
		{"footnotes", "", 20, ""},
		{"footnotes", "", 21, "error p.md:85: more than 20 footnotes in this post; weeknotes renders at most 20"},
		{"unclosed links", "", 50, ""},
		{"unclosed links", "", 51, `error p.md:3: this paragraph has more than 50 "["; weeknotes renders at most 50 to a paragraph, list item or table row`},
		{"brackets", "", 51, `error p.md:3: this paragraph has more than 50 "["; weeknotes renders at most 50 to a paragraph, list item or table row`},
		{"size", "", 592, ""},
		{"size", "", 593, "error p.md:3: the body is 16011 bytes, more than the 16000 bytes weeknotes renders; split it into several posts"},
		// Shapes that look like the hostile ones but are not.
		{"", "thematic-breaks.md", 0, ""},
		{"", "link-list.md", 0, ""},
		{"", "paragraph-brackets.md", 0, `error paragraph-brackets.md:3: this paragraph has more than 50 "["; weeknotes renders at most 50 to a paragraph, list item or table row`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s%s/%d", tt.shape, tt.file, tt.n), func(t *testing.T) {
			in := Input{File: "p.md", FirstLine: 3}
			if tt.file != "" {
				src, err := os.ReadFile(filepath.Join("testdata", "hostile", tt.file))
				if err != nil {
					t.Fatal(err)
				}
				in = Input{File: tt.file, Source: src, FirstLine: 1}
			}
			for _, s := range hostileShapes {
				if s.name == tt.shape {
					in.Source = []byte(s.make(tt.n))
				}
			}
			out, diags := r.Render(in)
			got := ""
			for _, d := range diags {
				got += fmt.Sprintf("%s %s:%d: %s", d.Severity, d.File, d.Line, d.Message)
			}
			if got != tt.want {
				t.Errorf("diagnostics:\n got %q\nwant %q", got, tt.want)
			}
			if (out.HTML == "") != (tt.want != "") {
				t.Errorf("HTML of %d bytes with diagnostics %q", len(out.HTML), got)
			}
		})
	}
}

// BenchmarkHostile renders each hostile shape at three sizes with the
// default limits, to show that the time grows with the size and no faster:
// goldmark alone takes time quadratic in n on all but the last.
func BenchmarkHostile(b *testing.B) {
	r := New(Options{})
	for _, s := range hostileShapes {
		for _, n := range []int{10_000, 20_000, 40_000} {
			src := []byte(s.make(n))
			if s.name == "size" {
				src = []byte(s.make(n * 8)) // 2 to 8 MB
			}
			b.Run(fmt.Sprintf("%s/n=%d", strings.ReplaceAll(s.name, " ", "_"), n), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					r.Render(Input{File: "p.md", Source: src})
				}
			})
		}
	}
}

// BenchmarkAtTheLimits renders each hostile shape just under the default
// limits: the most time any body of that shape can take.
func BenchmarkAtTheLimits(b *testing.B) {
	r := New(Options{})
	sizes := map[string]int{
		"nested list items on one line":   DefaultLimits.Depth,
		"nested block quotes on one line": DefaultLimits.Depth,
		"footnotes":                       DefaultLimits.Footnotes,
		"unclosed links":                  DefaultLimits.Brackets,
		"brackets":                        DefaultLimits.Brackets,
		"size":                            DefaultLimits.Bytes/27 - 1,
	}
	for _, s := range hostileShapes {
		src := []byte(s.make(sizes[s.name]))
		b.Run(strings.ReplaceAll(s.name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				if _, diags := r.Render(Input{File: "p.md", Source: src}); len(diags) > 0 {
					b.Fatal(diags)
				}
			}
		})
	}
}
