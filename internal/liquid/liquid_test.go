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
	"relative.html":     {Data: []byte("({% include_relative snippet.md name='include' %})")},
	"code.html":         {Data: []byte("- {% highlight go %}\n  x\n  {% endhighlight %}")},
	"loop.html":         {Data: []byte("line 1\n{% for i in (1..100) %}{% endfor %}")},
	"twice.html":        {Data: []byte("{% include twice.html %}{% include twice.html %}")},
	"long.html":         {Data: []byte(strings.Repeat("x", 200))},
	"medium.html":       {Data: []byte(strings.Repeat("x", 80))},
	"unknown-loop.html": {Data: []byte("{% for i in (1..6) %}{{ 'x' | frobnicate }}{% endfor %}")},
}

// testSource is the site folder, for include_relative from
// content/posts/p.md.
var testSource = fstest.MapFS{
	"content/posts/snippet.md":      {Data: []byte("Hello {{ include.name }} on {{ page.title }}")},
	"content/posts/parts/list.md":   {Data: []byte("- a\n- b")},
	"content/posts/parts/nested.md": {Data: []byte("[{% include_relative parts/list.md %}]")},
	"content/posts/parts/broken.md": {Data: []byte("x\n{% if true %}never closed")},
	"content/posts/parts/self.md":   {Data: []byte("{% include_relative parts/self.md %}")},
	"content/posts/2020/snippet.md": {Data: []byte("from 2020")},
	"content/secret.md":             {Data: []byte("secret")},
}

func newTestEngine() *Engine {
	return New(Options{Includes: testIncludes, IncludesDir: "templates/includes", Source: testSource})
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

func withFile(file string) func(*Input) {
	return func(in *Input) { in.File = file }
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
	runRenderCasesWith(t, newTestEngine(), cases, options...)
}

func runRenderCasesWith(t *testing.T, e *Engine, cases []renderCase, options ...func(*Input)) {
	t.Helper()
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

func TestIncludeWithoutFolders(t *testing.T) {
	runRenderCasesWith(t, New(Options{}), []renderCase{
		{
			name:  "include",
			body:  "a{% include note.html %}b",
			want:  "ab",
			diags: []string{`error content/posts/p.md:1: include: no file "note.html"`},
		},
		{
			name:  "include_relative",
			body:  "a{% include_relative snippet.md %}b",
			want:  "ab",
			diags: []string{`error content/posts/p.md:1: include_relative: no file "snippet.md" in content/posts`},
		},
	})
}

func TestIncludeRelative(t *testing.T) {
	const outside = `: include_relative: %q is not in the post's folder content/posts; name a file in it or below it, without ".."`
	runRenderCases(t, []renderCase{
		{
			name: "a file in the post's folder, with parameters",
			body: `{% include_relative snippet.md name="Sam" %}`,
			want: "Hello Sam on Weeknotes S01E02",
		},
		{
			name: "a file in a subfolder",
			body: "{% include_relative parts/list.md %}",
			want: "- a\n- b",
		},
		{
			name: "paths in an included file are relative to the post too",
			body: "{% include_relative parts/nested.md %}",
			want: "[- a\n- b]",
		},
		{
			name: "from an include, relative to the post",
			body: "{% include relative.html %}",
			want: "(Hello include on Weeknotes S01E02)",
		},
		{
			name: "file name from a variable",
			body: "{% assign f = 'snippet.md' %}{% include_relative {{ f }} name=page.title %}",
			want: "Hello Weeknotes S01E02 on Weeknotes S01E02",
		},
		{
			name: "whitespace control",
			body: "a\n{%- include_relative parts/list.md -%}\nb",
			want: "a- a\n- bb",
		},
		{
			name:  "missing file names the file and the folder",
			body:  "text\n{% include_relative nope.md %}",
			first: 7,
			want:  "text\n",
			diags: []string{`error content/posts/p.md:8: include_relative: no file "nope.md" in content/posts`},
		},
		{
			name:  "a path out of the post's folder",
			body:  "{% include_relative ../secret.md %}",
			diags: []string{`error content/posts/p.md:1` + fmt.Sprintf(outside, "../secret.md")},
		},
		{
			name:  "a path through .. that stays in the folder, which Jekyll refuses too",
			body:  "{% include_relative parts/../snippet.md %}",
			diags: []string{`error content/posts/p.md:1` + fmt.Sprintf(outside, "parts/../snippet.md")},
		},
		{
			name:  "an absolute path",
			body:  "\n{% include_relative /content/secret.md %}",
			want:  "\n",
			diags: []string{`error content/posts/p.md:2` + fmt.Sprintf(outside, "/content/secret.md")},
		},
		{
			name:  "syntax error inside the file",
			body:  "\n{% include_relative parts/broken.md %}",
			first: 3,
			want:  "\n",
			diags: []string{`error content/posts/p.md:4: unterminated "if" block (in content/posts/parts/broken.md:2)`},
		},
		{
			name:  "a file that includes itself",
			body:  "{% include_relative parts/self.md %}",
			diags: []string{`error content/posts/p.md:1: include_relative "parts/self.md": includes nested more than 10 deep; does it include itself?`},
		},
		{
			name:  "missing file name",
			body:  "x\n{% include_relative %}",
			diags: []string{`error content/posts/p.md:2: include_relative: missing file name; write {% include_relative file.md key=value %}`},
		},
		{
			name:  "invalid parameters",
			body:  "{% include_relative snippet.md name=\"x %}",
			diags: []string{`error content/posts/p.md:1: include_relative: invalid parameters "name=\"x"; write key="text" or key=variable`},
		},
	})
	runRenderCases(t, []renderCase{
		{
			name: "a post in a subfolder",
			body: "{% include_relative snippet.md %}",
			want: "from 2020",
		},
		{
			name:  "a post in a subfolder, missing file",
			body:  "{% include_relative parts/list.md %}",
			diags: []string{`error content/posts/2020/q.md:1: include_relative: no file "parts/list.md" in content/posts/2020`},
		},
	}, withFile("content/posts/2020/q.md"))
}

// TestIncludeRelativeReadsEachRender checks that an edited file is seen by
// the next render: a preview server keeps its engine while the author edits.
func TestIncludeRelativeReadsEachRender(t *testing.T) {
	src := fstest.MapFS{"content/posts/a.md": {Data: []byte("one")}}
	e := New(Options{Source: src})
	for _, want := range []string{"one", "two"} {
		src["content/posts/a.md"] = &fstest.MapFile{Data: []byte(want)}
		out, diags := renderBody(t, e, "{% include_relative a.md %}", 1)
		if out != want || diags != nil {
			t.Errorf("got %q %q, want %q", out, diags, want)
		}
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
		{
			name:  "invalid arguments after a list marker",
			body:  "- {% highlight go bad=\"x\" %}\nx\n{% endhighlight %}",
			diags: []string{`error content/posts/p.md:1: highlight: invalid arguments "go bad=\"x\""; write {% highlight LANGUAGE [linenos] %}`},
		},
		{
			name: "indented in a list item",
			body: "1. Step:\n\n   {% highlight go %}\n   a()\n     b()\n   {% endhighlight %}\n2. Next",
			want: "1. Step:\n\n   ```go\n   a()\n     b()\n   ```\n2. Next",
		},
		{
			name: "indented in a list item, the code not",
			body: "- Step:\n  {% highlight go %}\na()\n  {% endhighlight %}",
			want: "- Step:\n  ```go\n  a()\n  ```",
		},
		{
			name: "right after a list marker",
			body: "- {% highlight sh %}\n  go install x\n  {% endhighlight %}\n- next",
			want: "- ```sh\n  go install x\n  ```\n- next",
		},
		{
			name: "after an ordered marker in a list item",
			body: "1. a\n   10) {% highlight go %}\n       x\n       {% endhighlight %}",
			want: "1. a\n   10) ```go\n       x\n       ```",
		},
		{
			name: "after text, with text after the end tag",
			body: "Look: {% highlight go %}\nx := 1\n{% endhighlight %} and more.",
			want: "Look: \n```go\nx := 1\n```\n and more.",
		},
		{
			name: "on one line after text",
			body: "Inline {% highlight go %}x := 1{% endhighlight %} done",
			want: "Inline \n```go\nx := 1\n```\n done",
		},
		{
			name: "in a block quote, with linenos",
			body: "> {% highlight ruby linenos %}\n> a\n>\n> b\n> {% endhighlight %}\n\nafter",
			want: "> ```ruby {linenos=table}\n> a\n>\n> b\n> ```\n\nafter",
		},
		{
			name: "whitespace control joins the lines, the fence still gets its own",
			body: "Text\n\n{%- highlight go -%}\nx\n{%- endhighlight -%}\n\nAfter",
			want: "Text\n```go\nx\n```\nAfter",
		},
		{
			name: "in an include, laid out for the include",
			body: "{% include code.html %}",
			want: "- ```go\n  x\n  ```",
		},
	})
}

func TestContainerPrefix(t *testing.T) {
	tests := []struct{ line, indent, text string }{
		{"", "", ""},
		{"   ", "   ", ""},
		{"\t", "\t", ""},
		{"- ", "  ", ""},
		{"  * ", "    ", ""},
		{"+\t", " \t", ""},
		{"1. ", "   ", ""},
		{"10) ", "    ", ""},
		{"> ", "> ", ""},
		{"> - ", ">   ", ""},
		{"text ", "", "text "},
		{"- text ", "  ", "text "},
		{"-x", "", "-x"},
		{"-", "", "-"},
		{"1.5 ", "", "1.5 "},
		{"1234567890. ", "", "1234567890. "},
		{"**bold** ", "", "**bold** "},
	}
	for _, tc := range tests {
		indent, text := containerPrefix(tc.line)
		if indent != tc.indent || text != tc.text {
			t.Errorf("containerPrefix(%q) = %q, %q; want %q, %q", tc.line, indent, text, tc.indent, tc.text)
		}
	}
}

func TestLimits(t *testing.T) {
	const (
		loops  = "for: more than 10 loop iterations in this post; is a range or list larger than intended?"
		output = "the Liquid output is more than 100 bytes longer than the post; does a loop or include repeat more than intended?"
	)
	e := newTestEngine()
	e.limits = limits{iterations: 10, includes: 5, output: 100, written: 500}
	runRenderCasesWith(t, e, []renderCase{
		{
			name:  "iterations of nested loops add up",
			body:  "{% for i in (1..3) %}\n{% for j in (1..3) %}{% endfor %}{% endfor %}",
			first: 4,
			diags: []string{"error content/posts/p.md:5: " + loops},
		},
		{
			name:  "a loop in an include",
			body:  "x\n{% include loop.html %}",
			diags: []string{"error content/posts/p.md:2: " + loops + " (in templates/includes/loop.html:2)"},
		},
		{
			name:  "includes in a loop",
			body:  "{% for i in (1..6) %}\n{% include inner.html word=i %}{% endfor %}",
			diags: []string{`error content/posts/p.md:2: include "inner.html": more than 5 includes in this post; do includes or loops repeat more than intended?`},
		},
		{
			name:  "output, stopped at the next iteration",
			body:  "{% for i in (1..10) %}" + strings.Repeat("x", 30) + "{% endfor %}",
			diags: []string{"error content/posts/p.md:1: " + output},
		},
		{
			name:  "output of an include",
			body:  "a\n{% include long.html %}",
			diags: []string{"error content/posts/p.md:2: " + output},
		},
		{
			name:  "output written after the last check, reported there",
			body:  "{% capture x %}" + strings.Repeat("y", 60) + "{% endcapture %}{{ x }}\n{{ x }}\n{{ x }}\n{{ x }}",
			diags: []string{"error content/posts/p.md:4: " + output},
		},
		{
			name:  "a value that outgrows the limit in a capture",
			body:  "{% assign x = 'y' %}{% for i in (1..10) %}{% capture x %}{{ x }}{{ x }}{% endcapture %}{% endfor %}",
			diags: []string{"error content/posts/p.md:1: " + output},
		},
		{
			name:  "append doubling a value in a loop, never output",
			body:  "{% assign s = 'y' %}\n{% for i in (1..10) %}\n{% assign s = s | append: s %}{% endfor %}",
			diags: []string{"error content/posts/p.md:3: append: the result is more than 100 bytes long; does a loop repeat more than intended?"},
		},
		{
			name:  "prepend in an output, reported once",
			body:  "{% assign s = 'y' %}{% for i in (1..10) %}\n{{ s | prepend: 'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789' }}{% endfor %}",
			diags: []string{"error content/posts/p.md:2: prepend: the result is more than 100 bytes long; does a loop repeat more than intended?"},
		},
		{
			name:  "replace growing a value",
			body:  "{% assign s = 'yy' %}{% for i in (1..10) %}{% assign s = s | replace: 'y', 'yy' %}{% endfor %}",
			diags: []string{"error content/posts/p.md:1: replace: the result is more than 100 bytes long; does a loop repeat more than intended?"},
		},
		{
			name:  "concat doubling a list",
			body:  "{% assign a = 'x,y' | split: ',' %}{% for i in (1..10) %}{% assign a = a | concat: a %}{% endfor %}",
			diags: []string{"error content/posts/p.md:1: concat: the result is more than 100 bytes long; does a loop repeat more than intended?"},
		},
		{
			name:  "a capture's own text over the limit",
			body:  "{% capture c %}{% for i in (1..10) %}" + strings.Repeat("z", 30) + "{% endfor %}{% endcapture %}",
			diags: []string{"error content/posts/p.md:1: " + output},
		},
		{
			name:  "an include in a capture",
			body:  "{% capture c %}\n{% include long.html %}{% endcapture %}",
			diags: []string{"error content/posts/p.md:2: " + output},
		},
		{
			name:  "captures that add up to more than may be written",
			body:  "{% for i in (1..10) %}{% capture c %}" + strings.Repeat("z", 80) + "{% endcapture %}{% endfor %}",
			diags: []string{"error content/posts/p.md:1: the Liquid rendering wrote more than 500 bytes, counting captures and includes; does a loop or include repeat more than intended?"},
		},
		{
			name: "a capture under the limits",
			body: "{% capture c %}{% for i in (1..3) %}ab{% endfor %}{% endcapture %}[{{ c | append: '!' }}]",
			want: "[ababab!]",
		},
		{
			name:  "a retry for an unknown filter starts counting afresh",
			body:  "{% for i in (1..4) %}{% endfor %}{% include unknown-loop.html %}",
			want:  "xxxxxx",
			diags: []string{`warning content/posts/p.md:1: unknown filter "frobnicate"`},
		},
		{
			name: "the output of an include counts once",
			body: "{% include medium.html %}",
			want: strings.Repeat("x", 80),
		},
		{
			name: "up to the limits, and each body counts afresh",
			body: "{% for i in (1..10) %}{{ i }}{% endfor %}",
			want: "12345678910",
		},
	})
	runRenderCases(t, []renderCase{
		{
			name:  "a huge range stops at the default limit",
			body:  "a\n{% for i in (1..100000000) %}{% endfor %}",
			diags: []string{"error content/posts/p.md:2: for: more than 100000 loop iterations in this post; is a range or list larger than intended?"},
		},
		{
			name:  "tablerow",
			body:  "{% tablerow i in (1..100000000) %}{% endtablerow %}",
			diags: []string{"error content/posts/p.md:1: tablerow: more than 100000 loop iterations in this post; is a range or list larger than intended?"},
		},
		{
			name:  "an include that includes itself twice is reported once",
			body:  "{% include twice.html %}",
			diags: []string{`error content/posts/p.md:1: include "twice.html": includes nested more than 10 deep; does it include itself?`},
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
		"[a]({%   post_url   2021-01-10-my-first-weeknote   %}) [b]({%\tlink\tstatic/images/a.png\t%})",
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

// TestFixturePostURLToMissingPosts renders the fixture site's post whose
// two post_url targets do not exist.
func TestFixturePostURLToMissingPosts(t *testing.T) {
	const file = "content/posts/2023-11-17-power-cut.md"
	src, err := os.ReadFile("../../testdata/site/" + file)
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
	out, diags := newTestEngine().Render(Input{File: file, Body: body, FirstLine: first, Site: testSite, Page: map[string]any{"title": "Power cut"}, Resolver: fakeResolver{}})
	want := []string{
		`error content/posts/2023-11-17-power-cut.md:9: post_url: no post named "2023-08-04-blameless-reviews"`,
		`error content/posts/2023-11-17-power-cut.md:31: post_url: no post named "2023-05-19-running-hot"`,
	}
	if got := describe(diags); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(string(out), "[written before]()") || strings.Contains(string(out), "{%") {
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
		"{% include_relative snippet.md name='x' %}{% include_relative ../secret.md %}",
		"- {% highlight go %}\n  x\n  {% endhighlight %} y",
		"{% for i in (1..1000000) %}{% endfor %}",
		"{% include twice.html %}",
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
	src, err := os.ReadFile("../../testdata/site/content/posts/2023-03-12-the-kettle-broke.md")
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

// TestLiteralTargetsWithSpaces renders literal targets written with extra
// spaces through both renderers: the URL kept for the tag is found either
// way.
func TestLiteralTargetsWithSpaces(t *testing.T) {
	const body = "[a]({%   post_url   2021-01-10-my-first-weeknote   %}) [b]({%\tpost_url\t2021-01-10-my-first-weeknote\t%})"
	if !isSimple(scanSource(body, 1, false).tokens) {
		t.Fatal("the body is not rendered by the fast path")
	}
	for _, alwaysCompile := range []bool{false, true} {
		e := newTestEngine()
		e.alwaysCompile = alwaysCompile
		got, diags := renderBody(t, e, body, 1)
		if want := "[a](/blog/2021/01/10/my-first-weeknote/) [b](/blog/2021/01/10/my-first-weeknote/)"; got != want || len(diags) != 0 {
			t.Errorf("alwaysCompile %v: got %q %q, want %q", alwaysCompile, got, diags, want)
		}
	}
}
