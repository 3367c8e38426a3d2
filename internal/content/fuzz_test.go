package content

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	seeds := []struct{ name, src string }{
		{"2021-01-10-x.md", "---\ntitle: T\nexcerpt: >\n  folded\n---\n\n# T\n\nBody\n"},
		{"x.md", "+++\ndate = 2021-11-19T08:00:00\ntags = [\"a\"]\n+++\n"},
		{"x.md", "{\n\"title\": \"J\"\n}\n\nBody"},
		{"x.md", ";;;\n{}\n;;;\n"},
		{"x.md", "First line\n\nBody"},
		{"x.md", "Setext\n===\n"},
		{"x.md", "---\ntitle: [\n---\n"},
		{"x.md", "---\ntitle: half"},
		{"x.md", "\ufeff---\r\ndate: 2021-1-5 8:30 -0600\r\n---\r\n"},
		{"2021-13-45-x.md", "â€¦ \xff"},
		{"x.md", "---\nseason: 99999999999999999999\nepisode: 1e300\ntags: {a: b}\n---\n"},
		{"x.md", ""},
	}
	for _, s := range seeds {
		f.Add(s.name, []byte(s.src))
	}
	chicago := mustZone(f, "America/Chicago")
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		if strings.ContainsAny(name, "/\x00") || name == "" {
			return
		}
		path := "content/posts/" + name
		p, ds := Parse(path, "content/posts", src, chicago)
		if p == nil {
			t.Fatal("Parse returned no post")
		}
		checkParsedBody(t, p, src)
		checkParsedPost(t, p, chicago)
		lines := 1 + bytes.Count(src, []byte{'\n'})
		for _, d := range ds {
			// Messages repeat the file name, which the file system may not hold as UTF-8.
			validText := !utf8.ValidString(name) || utf8.ValidString(d.Message)
			if d.File != path || d.Line < 0 || d.Line > lines || d.Message == "" || !validText {
				t.Fatalf("bad diagnostic %#v", d)
			}
		}
	})
}

// checkParsedBody checks that a post's body is the end of its file and
// that BodyLine says where it starts.
func checkParsedBody(t *testing.T, p *Post, src []byte) {
	t.Helper()
	lines := 1 + bytes.Count(src, []byte{'\n'})
	if p.BodyLine < 1 || p.BodyLine > lines {
		t.Fatalf("BodyLine %d outside the file's %d lines", p.BodyLine, lines)
	}
	bodyStart := len(src) - len(p.Body)
	if bodyStart < 0 || !bytes.Equal(src[bodyStart:], p.Body) {
		t.Fatalf("Body %q is not the end of the file", p.Body)
	}
	if want := 1 + bytes.Count(src[:bodyStart], []byte{'\n'}); p.BodyLine != want {
		t.Fatalf("BodyLine %d, but Body starts on line %d", p.BodyLine, want)
	}
}

// checkParsedPost checks what every post has, whatever its file holds: a
// slug and title, a date in the site's zone or none and a draft, params,
// and a permalink inside the site.
func checkParsedPost(t *testing.T, p *Post, zone *time.Location) {
	t.Helper()
	if p.Slug == "" || strings.ContainsAny(p.Slug, "/ ?#%") {
		t.Fatalf("Slug %q is not a URL path segment", p.Slug)
	}
	if p.Title == "" || strings.ContainsAny(p.Title, "\n\r") {
		t.Fatalf("Title %q is empty or spans lines", p.Title)
	}
	if p.HasDate && p.Date.Location() != zone {
		t.Fatalf("Date %v is not in the site's zone", p.Date)
	}
	if !p.HasDate && (!p.Draft || !p.Date.IsZero()) {
		t.Fatalf("undated post: Draft %v, Date %v", p.Draft, p.Date)
	}
	if p.Params == nil {
		t.Fatal("Params is nil")
	}
	if u := Permalink("/:categories/:year/:month/:day/:title:output_ext", p); !strings.HasPrefix(u, "/") || strings.Contains(u, "//") {
		t.Fatalf("Permalink %q", u)
	}
}

// BenchmarkParse parses a typical ~6 KB weeknote: YAML front matter, a
// repeated heading, paragraphs, a list and a code block.
func BenchmarkParse(b *testing.B) {
	var src strings.Builder
	src.WriteString("---\nlayout: post\ntitle: \"Weeknotes S02E14\"\ndate: 2022-04-08 17:30:00 +0100\n")
	src.WriteString("tags: [weeknotes, platform, hiring]\nexcerpt: >\n  A week of migrations and interviews\n---\n\n# Weeknotes S02E14\n\n")
	for i := 0; src.Len() < 6000; i++ {
		fmt.Fprintf(&src, "## Part %d\n\nOn day %d the team moved another service onto the new cluster; "+
			"the runbook held up, the dashboards stayed green, and we wrote down what surprised us.\n\n"+
			"- reviewed %d pull requests\n- paired on the deploy pipeline\n\n    make deploy ENV=staging\n\n", i, i, i*3)
	}
	data := []byte(src.String())
	loc := mustZone(b, "Europe/London")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := Parse("content/posts/2022-04-08-weeknotes-s02e14.md", "content/posts", data, loc); len(ds) > 0 {
			b.Fatal(ds)
		}
	}
}

// FuzzPageURL checks that no page path or permalink makes an output path
// outside the output: no "..", no absolute path.
func FuzzPageURL(f *testing.F) {
	f.Add("about.md", "/about/", "date")
	f.Add("docs/index.md", "", "pretty")
	f.Add("a.xml", "/%2e%2e/%2e%2e/etc/:basename", "date")
	f.Add("x.md", "/../../x/", "none")
	f.Fuzz(func(t *testing.T, rel, permalink, style string) {
		url := pageURL(rel, ".html", permalink, style)
		out := OutputPath(url, ".html")
		for _, seg := range strings.Split(out, "/") {
			if seg == ".." {
				t.Fatalf("pageURL(%q, %q) = %q, output %q climbs", rel, permalink, url, out)
			}
		}
		if strings.HasPrefix(out, "/") {
			t.Fatalf("output %q is absolute", out)
		}
	})
}

// FuzzDecodeUTF16 holds decodeUTF16 to a round trip: what it decodes is
// valid UTF-8 that encodes back to the same bytes, and what it refuses is
// an error at a line the file has.
func FuzzDecodeUTF16(f *testing.F) {
	f.Add([]byte("\xff\xfea\x00\n\x00b\x00"), true)
	f.Add([]byte("\xfe\xff\x00a\xd8\x00\xdc\x00"), false)
	f.Add([]byte("\xff\xfe\x00\xd8"), true)
	f.Fuzz(func(t *testing.T, units []byte, little bool) {
		bom := []byte{0xFE, 0xFF}
		if little {
			bom = []byte{0xFF, 0xFE}
		}
		src := append(bom, units...)
		out, d := decodeUTF16("p.md", src)
		if d != nil {
			if out != nil || d.Line < 1 || d.Line > 1+len(units)/2 {
				t.Fatalf("refused with output %q at line %d", out, d.Line)
			}
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("decoded to invalid UTF-8 %q", out)
		}
		var again []byte
		for _, u := range utf16.Encode([]rune(string(out))) {
			if little {
				again = append(again, byte(u), byte(u>>8))
			} else {
				again = append(again, byte(u>>8), byte(u))
			}
		}
		if !bytes.Equal(again, units) {
			t.Fatalf("%x decoded to %q, which encodes as %x", units, out, again)
		}
	})
}
