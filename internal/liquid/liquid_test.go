package liquid

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// fakeResolver knows a fixed set of posts and files.
type fakeResolver struct {
	posts       map[string]string   // post_url name -> URL
	files       map[string]string   // link path -> URL
	suggestions map[string][]string // missing name -> suggestions
}

func (f fakeResolver) PostURL(name string) (string, bool, []string) {
	url, ok := f.posts[name]
	if ok {
		return url, true, nil
	}
	return "", false, f.suggestions[name]
}

func (f fakeResolver) LinkURL(path string) (string, bool) {
	url, ok := f.files[path]
	return url, ok
}

var testResolver = fakeResolver{
	posts: map[string]string{
		"2021-01-10-my-first-weeknote":      "/blog/2021/01/10/my-first-weeknote/",
		"2020/2020-01-20-subfolder-post":    "/blog/2020/01/20/subfolder-post/",
		"2021-01-17-oops-i-did-it-again":    "/blog/2021/01/17/oops-i-did-it-again/",
		"2021-10-08-punitive-measures-typo": "/unused/",
	},
	files: map[string]string{
		"content/posts/2021-01-10-my-first-weeknote.md": "/blog/2021/01/10/my-first-weeknote/",
		"static/images/a.png":                           "/blog/images/a.png",
	},
	suggestions: map[string][]string{
		"2021-01-10-my-frist-weeknote": {"2021-01-10-my-first-weeknote", "2021-01-17-oops-i-did-it-again"},
	},
}

var testSite = map[string]any{
	"title":   "Weeknotes",
	"url":     "https://example.org",
	"baseurl": "/blog",
	"author":  "Sam",
	"params":  map[string]any{"mastodon": "@sam@example.social"},
}

func testPage() map[string]any {
	return map[string]any{
		"title": "Weeknotes S01E02",
		"date":  time.Date(2021, 1, 17, 9, 30, 0, 0, time.UTC),
		"url":   "/blog/2021/01/17/weeknotes-s01e02/",
		"tags":  []any{"life", "work"},
		"empty": nil,
	}
}

var testIncludes = fstest.MapFS{
	"note.html":      {Data: []byte(`<aside class="{{ include.kind }}">{{ include.text }}</aside>`)},
	"greeting.html":  {Data: []byte(`Hello from {{ site.title }} on {{ page.title }}`)},
	"outer.html":     {Data: []byte("[{% include inner.html word=include.word %}]")},
	"inner.html":     {Data: []byte("<{{ include.word }}>")},
	"self.html":      {Data: []byte("{% include self.html %}")},
	"broken.html":    {Data: []byte("line 1\n{% if true %}never closed\n")},
	"undefined.html": {Data: []byte("line 1\n{{ include.missing }}\n")},
	"unknown.html":   {Data: []byte("line 1\n\n{{ 'x' | frobnicate }}\n")},
	"badtag.html":    {Data: []byte("one\n{% nonsense %}\n")},
	"missing-post.html": {Data: []byte(
		"{% post_url 2099-01-01-nope %}")},
}

func newTestEngine() *Engine {
	return New(Options{Includes: testIncludes, IncludesDir: "templates/includes"})
}

// renderBody renders body as the post content/posts/p.md whose body starts
// on file line first.
func renderBody(t testing.TB, e *Engine, body string, first int, options ...func(*Input)) (string, []string) {
	t.Helper()
	in := Input{
		File:      "content/posts/p.md",
		Body:      []byte(body),
		FirstLine: first,
		Site:      testSite,
		Page:      testPage(),
		Resolver:  testResolver,
	}
	for _, o := range options {
		o(&in)
	}
	out, diags := e.Render(in)
	return string(out), describe(diags)
}

func withSite(site map[string]any) func(*Input) {
	return func(in *Input) { in.Site = site }
}

func describe(diags []diag.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Severity.String()+" "+d.String())
	}
	return out
}

type renderCase struct {
	name  string
	body  string
	first int
	want  string   // the output
	diags []string // "severity file:line: message", in order
}

func runRenderCases(t *testing.T, cases []renderCase, options ...func(*Input)) {
	t.Helper()
	e := newTestEngine()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, diags := renderBody(t, e, tc.body, cmpOr(tc.first, 1), options...)
			if out != tc.want {
				t.Errorf("output:\n got %q\nwant %q", out, tc.want)
			}
			if !slices.Equal(diags, tc.diags) {
				t.Errorf("diagnostics:\n got %q\nwant %q", diags, tc.diags)
			}
		})
	}
}

func cmpOr(n, fallback int) int {
	if n == 0 {
		return fallback
	}
	return n
}

func TestPostURL(t *testing.T) {
	runRenderCases(t, []renderCase{
		{
			name: "plain form",
			body: "[first]({% post_url 2021-01-10-my-first-weeknote %})",
			want: "[first](/blog/2021/01/10/my-first-weeknote/)",
		},
		{
			name: "subfolder form",
			body: "[old]({% post_url 2020/2020-01-20-subfolder-post %})",
			want: "[old](/blog/2020/01/20/subfolder-post/)",
		},
		{
			name: "whitespace control trims around the tag",
			body: "[x]( \n {%- post_url 2021-01-10-my-first-weeknote -%} \n )",
			want: "[x](/blog/2021/01/10/my-first-weeknote/)",
		},
		{
			name:  "missing target with suggestions",
			body:  "intro\n\nsee {% post_url 2021-01-10-my-frist-weeknote %}",
			first: 6,
			want:  "intro\n\nsee ",
			diags: []string{`error content/posts/p.md:8: post_url: no post named "2021-01-10-my-frist-weeknote"; did you mean "2021-01-10-my-first-weeknote", "2021-01-17-oops-i-did-it-again"?`},
		},
		{
			name:  "missing target without suggestions",
			body:  "{% post_url 2021-10-08-punitive-measures %}",
			first: 5,
			want:  "",
			diags: []string{`error content/posts/p.md:5: post_url: no post named "2021-10-08-punitive-measures"`},
		},
		{
			name: "every missing target is reported, also in branches that do not render",
			body: "{% post_url a-1 %}\n{% post_url 2021-01-10-my-first-weeknote %}\n" +
				"{% if false %}\n{% post_url b-2 %}{% post_url c-3 %}\n{% endif %}",
			first: 10,
			want:  "\n/blog/2021/01/10/my-first-weeknote/\n",
			diags: []string{
				`error content/posts/p.md:10: post_url: no post named "a-1"`,
				`error content/posts/p.md:13: post_url: no post named "b-2"`,
				`error content/posts/p.md:13: post_url: no post named "c-3"`,
			},
		},
		{
			name: "target inside raw is not resolved",
			body: "{% raw %}[x]({% post_url 2099-01-01-example %}){% endraw %}",
			want: "[x]({% post_url 2099-01-01-example %})",
		},
		{
			name: "target inside a comment is not resolved",
			body: "a{% comment %}{% post_url 2099-01-01-example %}{% endcomment %}b",
			want: "ab",
		},
		{
			name: "target from a variable",
			body: "{% assign name = '2021-01-10-my-first-weeknote' %}{% post_url {{ name }} %}\n" +
				"{% assign gone = '2099-01-01-gone' %}{% post_url {{ gone }} %}",
			first: 3,
			want:  "/blog/2021/01/10/my-first-weeknote/\n",
			diags: []string{`error content/posts/p.md:4: post_url: no post named "2099-01-01-gone"`},
		},
		{
			name:  "missing name",
			body:  "x\n{% post_url %}",
			diags: []string{`error content/posts/p.md:2: post_url: missing post name; write {% post_url 2021-01-10-slug %}`},
		},
		{
			name:  "target in an include",
			body:  "one\n{% include missing-post.html %}",
			first: 20,
			want:  "one\n",
			diags: []string{`error content/posts/p.md:21: post_url: no post named "2099-01-01-nope" (in templates/includes/missing-post.html:1)`},
		},
	})
}

func TestLink(t *testing.T) {
	runRenderCases(t, []renderCase{
		{
			name: "post source path",
			body: "{% link content/posts/2021-01-10-my-first-weeknote.md %}",
			want: "/blog/2021/01/10/my-first-weeknote/",
		},
		{
			name: "static file",
			body: "![a]({% link static/images/a.png %})",
			want: "![a](/blog/images/a.png)",
		},
		{
			name:  "missing file",
			body:  "\n\n![b]({% link static/images/b.png %})",
			first: 4,
			want:  "\n\n![b]()",
			diags: []string{`error content/posts/p.md:6: link: no file "static/images/b.png"`},
		},
	})
}

func TestInclude(t *testing.T) {
	runRenderCases(t, []renderCase{
		{
			name: "parameters: double quoted, single quoted, variable",
			body: `{% include note.html kind="tip" text=page.title %}{% include note.html kind='a "b"' text="c" %}`,
			want: `<aside class="tip">Weeknotes S01E02</aside><aside class="a "b"">c</aside>`,
		},
		{
			name: "the include sees site and page",
			body: "{% include greeting.html %}",
			want: "Hello from Weeknotes on Weeknotes S01E02",
		},
		{
			name: "whitespace control and quoted file name",
			body: "a\n{%- include \"inner.html\" word=\"w\" -%}\nb",
			want: "a<w>b",
		},
		{
			name: "nested includes",
			body: "{% include outer.html word=\"deep\" %}",
			want: "[<deep>]",
		},
		{
			name: "file name from a variable",
			body: "{% assign f = 'inner.html' %}{% include {{ f }} word=\"v\" %}",
			want: "<v>",
		},
		{
			name:  "missing include names the file",
			body:  "text\n{% include nope.html %}",
			first: 7,
			want:  "text\n",
			diags: []string{`error content/posts/p.md:8: include: no file "nope.html" in templates/includes`},
		},
		{
			name:  "an include that includes itself stops",
			body:  "{% include self.html %}",
			diags: []string{`error content/posts/p.md:1: include "self.html": includes nested more than 10 deep; does it include itself?`},
		},
		{
			name:  "syntax error inside the include",
			body:  "\n{% include broken.html %}",
			first: 3,
			want:  "\n",
			diags: []string{`error content/posts/p.md:4: unterminated "if" block (in templates/includes/broken.html:2)`},
		},
		{
			name:  "unknown tag inside the include",
			body:  "{% include badtag.html %}",
			diags: []string{`error content/posts/p.md:1: unknown tag "nonsense" (in templates/includes/badtag.html:2)`},
		},
		{
			name:  "undefined variable inside the include",
			body:  "x {% include undefined.html %}",
			want:  "x line 1\n\n",
			diags: []string{`warning content/posts/p.md:1: undefined variable "include.missing" (in templates/includes/undefined.html:2)`},
		},
		{
			name:  "unknown filter inside the include passes through",
			body:  "\n\n{% include unknown.html %}",
			want:  "\n\nline 1\n\nx\n",
			diags: []string{`warning content/posts/p.md:3: unknown filter "frobnicate"`},
		},
		{
			name:  "invalid parameters",
			body:  "{% include note.html kind=\"unclosed %}",
			diags: []string{`error content/posts/p.md:1: include: invalid parameters "kind=\"unclosed"; write key="text" or key=variable`},
		},
		{
			name:  "path escaping the includes folder",
			body:  "{% include ../secret.html %}",
			diags: []string{`error content/posts/p.md:1: include: no file "../secret.html" in templates/includes`},
		},
	})
}

func TestIncludeWithoutIncludesFolder(t *testing.T) {
	e := New(Options{})
	out, diags := e.Render(Input{File: "content/posts/p.md", Body: []byte("a{% include note.html %}b"), FirstLine: 1})
	if string(out) != "ab" {
		t.Errorf("output %q, want %q", out, "ab")
	}
	want := []string{`error content/posts/p.md:1: include: no file "note.html"`}
	if got := describe(diags); !slices.Equal(got, want) {
		t.Errorf("diagnostics %q, want %q", got, want)
	}
}

func TestHighlight(t *testing.T) {
	runRenderCases(t, []renderCase{
		{
			name: "becomes a fenced block",
			body: "Code:\n\n{% highlight go %}\nfunc main() {}\n{% endhighlight %}\n\nAfter.",
			want: "Code:\n\n```go\nfunc main() {}\n```\n\nAfter.",
		},
		{
			name: "fence longer than any backtick run in the code",
			body: "{% highlight markdown %}\n````\n```go\nx\n```\n````\n{% endhighlight %}",
			want: "`````markdown\n````\n```go\nx\n```\n````\n`````",
		},
		{
			name: "linenos",
			body: "{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}",
			want: "```ruby {linenos=table}\nputs 1\n```",
		},
		{
			name: "mark_lines",
			body: "{% highlight ruby mark_lines=\"1 3\" %}\na\nb\nc\n{% endhighlight %}",
			want: "```ruby {hl_lines=[1,3]}\na\nb\nc\n```",
		},
		{
			name: "the body is Liquid, raw keeps braces",
			body: "{% highlight liquid %}\n{{ page.title }}\n{% raw %}{{ page.title }}{% endraw %}\n{% endhighlight %}",
			want: "```liquid\nWeeknotes S01E02\n{{ page.title }}\n```",
		},
		{
			name:  "invalid arguments",
			body:  "{% highlight %}\nx\n{% endhighlight %}",
			first: 2,
			diags: []string{`error content/posts/p.md:2: highlight: invalid arguments ""; write {% highlight LANGUAGE [linenos] %}`},
		},
	})
}

func TestVariables(t *testing.T) {
	runRenderCases(t, []renderCase{
		{
			name: "site and page",
			body: "{{ site.title }} {{ site.url }}{{ site.baseurl }} {{ page.title }} {{ site.params.mastodon }}",
			want: "Weeknotes https://example.org/blog Weeknotes S01E02 @sam@example.social",
		},
		{
			name: "dates and lists print as in Jekyll",
			body: "{{ page.date }} {{ page.tags }} {{ page.tags.size }}",
			want: "2021-01-17 09:30:00 +0000 lifework 2",
		},
		{
			name:  "undefined variable is a warning with its line",
			body:  "one\ntwo {{ page.foo }}\n{{ nothing }}",
			first: 6,
			want:  "one\ntwo \n",
			diags: []string{
				`warning content/posts/p.md:7: undefined variable "page.foo"`,
				`warning content/posts/p.md:8: undefined variable "nothing"`,
			},
		},
		{
			name:  "undefined before a filter",
			body:  "{{ page.subtitle | upcase }}",
			diags: []string{`warning content/posts/p.md:1: undefined variable "page.subtitle"`},
		},
		{
			name:  "defined as nothing in the front matter",
			body:  "{{ page.empty }}",
			diags: []string{`warning content/posts/p.md:1: undefined variable "page.empty"`},
		},
		{
			name: "default filter, if tests and literals stay quiet",
			body: "{{ page.foo | default: 'none' }}{% if page.foo %}yes{% endif %}{% unless page.bar %}no{% endunless %}{{ nil }}{{ 'lit' }}",
			want: "nonenolit",
		},
		{
			name: "assign, capture, for and forloop",
			body: "{% assign n = page.tags | size %}{% capture c %}[{{ n }}]{% endcapture %}{{ c }}" +
				"{% for t in page.tags %}{{ forloop.index }}{{ t }}{% endfor %}",
			want: "[2]1life2work",
		},
		{
			name: "case",
			body: "{% case page.tags.size %}{% when 1 %}one{% when 2 %}two{% else %}many{% endcase %}",
			want: "two",
		},
		{
			name: "whitespace control on objects",
			body: "a  {{- page.title -}}  b",
			want: "aWeeknotes S01E02b",
		},
		{
			name:  "object spanning lines keeps later lines right",
			body:  "{{\npage.title\n}}\n{{ later }}",
			first: 10,
			want:  "Weeknotes S01E02\n",
			diags: []string{`warning content/posts/p.md:13: undefined variable "later"`},
		},
	})
}

func TestErrors(t *testing.T) {
	const hint = " (inside a code block: wrap it in {% raw %}…{% endraw %})"
	runRenderCases(t, []renderCase{
		{
			name:  "every unknown tag is an error",
			body:  "{% youtube abc %}\ntext\n{% gist 123 %}\n{% raw %}{% fine %}{% endraw %}",
			first: 4,
			diags: []string{
				`error content/posts/p.md:4: unknown tag "youtube"`,
				`error content/posts/p.md:6: unknown tag "gist"`,
			},
		},
		{
			name:  "unknown filter is a warning and passes its input through",
			body:  "{{ page.title | shout | upcase }}\n{% assign x = 'a' | whisper %}{{ x }}",
			first: 2,
			want:  "WEEKNOTES S01E02\na",
			diags: []string{
				`warning content/posts/p.md:2: unknown filter "shout"`,
				`warning content/posts/p.md:3: unknown filter "whisper"`,
			},
		},
		{
			name:  "syntax error",
			body:  "a\n{% if page.title %}\nnever closed",
			first: 3,
			diags: []string{`error content/posts/p.md:4: unterminated "if" block`},
		},
		{
			name:  "syntax error inside a code block gets a hint",
			body:  "Use it like this:\n\n```liquid\n{% for x in %}{% endfor %}\n```\n",
			first: 6,
			diags: []string{`error content/posts/p.md:9: syntax error in "x in"` + hint},
		},
		{
			name:  "syntax error in an assignment",
			body:  "{% assign = 1 %}",
			diags: []string{`error content/posts/p.md:1: syntax error in "= 1"`},
		},
		{
			name:  "end tag without its block",
			body:  "\n{% endif %}",
			diags: []string{`error content/posts/p.md:2: {% endif %} without a matching {% if %}`},
		},
		{
			name:  "end tag closing the wrong block",
			body:  "{% if true %}\n{% endfor %}",
			diags: []string{`error content/posts/p.md:2: {% endfor %} without a matching {% for %}; the open block is if`},
		},
		{
			name:  "render error stops the body",
			body:  "a\n{% break %}",
			diags: []string{`error content/posts/p.md:2: break outside a loop`},
		},
		{
			name:  "unknown tag inside a tilde code block gets a hint",
			body:  "~~~\n{% seo %}\n~~~",
			diags: []string{`error content/posts/p.md:2: unknown tag "seo"` + hint},
		},
		{
			name:  "undefined variable inside a code block gets a hint",
			body:  "```\n{{ item.name }}\n```\n{{ after }}",
			want:  "```\n\n```\n",
			diags: []string{`warning content/posts/p.md:2: undefined variable "item.name"` + hint, `warning content/posts/p.md:4: undefined variable "after"`},
		},
		{
			name:  "filter failure",
			body:  "{{ 'soon' | date_to_string }}",
			want:  "",
			diags: []string{`error content/posts/p.md:1: error applying filter "date_to_string" ("\"soon\" is not a date")`},
		},
		{
			name:  "number too large for the expression language",
			body:  "x\n{{ 99999999999999999999999 }}",
			diags: []string{`error content/posts/p.md:2: syntax error in "99999999999999999999999": strconv.ParseInt: parsing "99999999999999999999999": value out of range`},
		},
	})
}

// TestSimpleBodies checks bodies with only post_url, link, raw and comment,
// which are rendered without compiling them, against the library.
func TestSimpleBodies(t *testing.T) {
	bodies := []string{
		"[a]({% post_url 2021-01-10-my-first-weeknote %}) and [b]({% link static/images/a.png %})",
		"a  \n\t{%- post_url 2021-01-10-my-first-weeknote -%}\n  b",
		"a {%- post_url nope -%} b",
		"a {%- post_url nope %} {%- link static/images/a.png -%}  b",
		"{%- raw -%}  {{ x }} {%- y -%}  {%- endraw -%}  after",
		"before  {%- comment -%} {% post_url nope %} {%- endcomment -%}  after",
		"{% comment %}unclosed {% post_url nope %}",
		"{% raw %}unclosed {{ x }}",
		"{% raw %}{% raw %}{% comment %}{% endraw %} after",
		"{%- post_url 2020/2020-01-20-subfolder-post -%}",
		"x\n{%- comment %}a{% endcomment -%}\n{%- raw %}b{% endraw -%}\ny",
	}
	simple := newTestEngine()
	compiling := newTestEngine()
	compiling.alwaysCompile = true
	for _, body := range bodies {
		if !isSimple(scanSource(body, 1, false).tokens) {
			t.Errorf("%q is not simple", body)
			continue
		}
		got, gotDiags := renderBody(t, simple, body, 3)
		want, wantDiags := renderBody(t, compiling, body, 3)
		if got != want || !slices.Equal(gotDiags, wantDiags) {
			t.Errorf("%q:\n got %q %q\nwant %q %q", body, got, gotDiags, want, wantDiags)
		}
	}
}

func TestRenderWithoutLiquidReturnsBody(t *testing.T) {
	e := newTestEngine()
	body := "Plain *Markdown* with { braces } and % signs and a lone }} or {"
	out, diags := renderBody(t, e, body, 1)
	if out != body || diags != nil {
		t.Errorf("got %q %q, want the body unchanged and no diagnostics", out, diags)
	}
}

func TestNeedsLiquid(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{"", false},
		{"plain text", false},
		{"{", false},
		{"a { b } c", false},
		{"ends with {", false},
		{"{ {", false},
		{"{{ page.title }}", true},
		{"x {% raw %}", true},
		{"{ {{", true},
		{"{{", true},
		{"{%", true},
	}
	for _, tc := range tests {
		if got := NeedsLiquid([]byte(tc.body)); got != tc.want {
			t.Errorf("NeedsLiquid(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
}

// TestSeedSiteOutage renders the seed site's post whose two post_url
// targets do not exist.
func TestSeedSiteOutage(t *testing.T) {
	const file = "content/posts/2021-11-19-outage.md"
	src, err := os.ReadFile("../../../shared/fixtures/seed-site/" + file)
	if err != nil {
		t.Fatal(err)
	}
	body, first := splitFrontMatter(t, src)
	if first != 6 {
		t.Fatalf("body starts on line %d, want 6", first)
	}
	if !NeedsLiquid(body) {
		t.Fatal("NeedsLiquid is false for a body with post_url tags")
	}
	out, diags := newTestEngine().Render(Input{File: file, Body: body, FirstLine: first, Site: testSite, Page: map[string]any{"title": "Outage"}, Resolver: fakeResolver{}})
	want := []string{
		`error content/posts/2021-11-19-outage.md:9: post_url: no post named "2021-10-08-punitive-measures"`,
		`error content/posts/2021-11-19-outage.md:41: post_url: no post named "2021-06-11-full-capacity"`,
	}
	if got := describe(diags); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(string(out), "[mentioned before]()") || strings.Contains(string(out), "{%") {
		t.Errorf("output does not have the tags replaced: %.300q", out)
	}
}

// splitFrontMatter returns the body after the closing --- of the front
// matter, and the file line on which it starts.
func splitFrontMatter(t *testing.T, src []byte) ([]byte, int) {
	t.Helper()
	lines := bytes.SplitAfter(src, []byte("\n"))
	if len(lines) == 0 || string(bytes.TrimSpace(lines[0])) != "---" {
		t.Fatal("no front matter")
	}
	offset := len(lines[0])
	for i, l := range lines[1:] {
		offset += len(l)
		if string(bytes.TrimSpace(l)) == "---" {
			return src[offset:], i + 3
		}
	}
	t.Fatal("front matter not closed")
	return nil, 0
}

func TestConcurrentRender(t *testing.T) {
	e := newTestEngine()
	type job struct{ body, want string }
	jobs := []job{
		{"{% post_url 2021-01-10-my-first-weeknote %} {% include note.html kind='k' text=page.title %}",
			`/blog/2021/01/10/my-first-weeknote/ <aside class="k">Weeknotes S01E02</aside>`},
		{"{% post_url nope %}{{ page.nope }}", ""},
		{"{{ 'x' | absolute_url }} {{ page.title | frob }}", "https://%d.example/x Weeknotes S01E02"},
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 30 {
				j := jobs[(g+i)%len(jobs)]
				want := j.want
				if strings.Contains(want, "%d") {
					want = fmt.Sprintf(want, g%2)
				}
				site := map[string]any{"url": fmt.Sprintf("https://%d.example", g%2)}
				out, diags := e.Render(Input{File: "p.md", Body: []byte(j.body), FirstLine: g + 1, Site: site, Page: testPage(), Resolver: testResolver})
				if string(out) != want {
					t.Errorf("output %q, want %q", out, want)
				}
				for _, d := range diags {
					if d.Line != g+1 {
						t.Errorf("diagnostic %v, want line %d", d, g+1)
					}
				}
			}
		})
	}
	wg.Wait()
}

func FuzzRender(f *testing.F) {
	seeds := []string{
		"{% post_url 2021-01-10-my-first-weeknote %}",
		"{% post_url missing %}{% link static/x %}",
		"{{ page.title | upcase | frob }}",
		"{% if a %}{% else %}{% endif %}",
		"{% raw %}{{ x }}{% endraw %}",
		"{% include note.html kind='a' text=page.title %}",
		"{% include self.html %}",
		"{% highlight go linenos %}\n```\n{% endhighlight %}",
		"```\n{% for %}\n```",
		"{{- x -}}{%- y -%}",
		"{{ 99999999999999999999 }}",
		"{% comment %}{% nope %}",
		"{% for i in (1..3) %}{% cycle 'a','b' %}{% endfor %}",
		"{% assign x = 'a' | whisper %}{% capture y %}{{ x }}{% endcapture %}",
		"{% case 1 %}{% when 1 %}{% endcase %}",
		"{{ '%}' }} {% x {{ y }}",
		"a \n {%- post_url 2021-01-10-my-first-weeknote -%} \n b",
		"{%- raw -%} x {%- endraw -%} y {%- comment -%} z {%- endcomment -%}  w",
		"{% raw %} {{- a -}} {%- raw -%} {% endraw %}",
		"x {%- post_url nope -%}  {%- link static/images/a.png %} y",
	}
	for _, s := range seeds {
		f.Add(s, 6)
	}
	e := newTestEngine()
	compiling := newTestEngine()
	compiling.alwaysCompile = true
	f.Fuzz(func(t *testing.T, body string, first int) {
		first = first % 1000
		in := Input{File: "content/posts/f.md", Body: []byte(body), FirstLine: first, Site: testSite, Page: testPage(), Resolver: testResolver}
		out, diags := e.Render(in)
		if isSimple(scanSource(body, 1, false).tokens) {
			compiledOut, compiledDiags := compiling.Render(in)
			if !bytes.Equal(out, compiledOut) || !slices.Equal(describe(diags), describe(compiledDiags)) {
				t.Errorf("%q renders as %q %q, but compiled as %q %q", body, out, describe(diags), compiledOut, describe(compiledDiags))
			}
		}
		for _, d := range diags {
			if d.File != "content/posts/f.md" {
				t.Errorf("diagnostic without the file: %v", d)
			}
			if d.Line != 0 && d.Line < first {
				t.Errorf("diagnostic line %d before the first line %d: %v", d.Line, first, d)
			}
			if d.Line > max(first, 1)+strings.Count(body, "\n") {
				t.Errorf("diagnostic line %d after the last line: %v", d.Line, d)
			}
		}
		if !NeedsLiquid([]byte(body)) && (string(out) != body || len(diags) > 0) {
			t.Errorf("a body without Liquid changed: %q -> %q %v", body, out, diags)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile("../../../shared/fixtures/seed-site/content/posts/2021-01-17-oops-i-did-it-again.md")
	if err != nil {
		b.Fatal(err)
	}
	// A typical weeknote: a few kilobytes of prose with one post_url.
	withPostURL := append(bytes.Clone(src), "\nLast week: [S01E01]({% post_url 2021-01-10-my-first-weeknote %}).\n"...)
	withObjects := append(bytes.Clone(withPostURL), "Posted {{ page.date | date_to_string }} in {{ page.tags | join: ', ' }}.\n"...)
	cases := []struct {
		name          string
		body          []byte
		alwaysCompile bool
	}{
		{"post_url", withPostURL, false},
		{"post_url compiled", withPostURL, true},
		{"post_url and objects", withObjects, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			e := newTestEngine()
			e.alwaysCompile = c.alwaysCompile
			in := Input{File: "content/posts/p.md", Body: c.body, FirstLine: 5, Site: testSite, Page: testPage(), Resolver: testResolver}
			b.SetBytes(int64(len(c.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, diags := e.Render(in); len(diags) > 0 {
					b.Fatal(diags)
				}
			}
		})
	}
}
