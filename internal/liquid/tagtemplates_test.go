package liquid

import (
	"strconv"
	"testing"
	"testing/fstest"
)

var testTags = fstest.MapFS{
	"youtube.html":   {Data: []byte(`<iframe src="https://www.youtube-nocookie.com/embed/{{ include.arg1 }}"></iframe>`)},
	"cdn_image.html": {Data: []byte(`<img src="https://cdn.example/{{ include.arg1 }}" width="{{ include.width }}" alt="{{ include.alt }}">`)},
	"args.html":      {Data: []byte(`{{ include.args.size }}:{% for a in include.args %}[{{ a }}]{% endfor %} markup=({{ include.markup }})`)},
	"nested.html":    {Data: []byte(`<div>{% youtube {{ include.arg1 }} %}</div>`)},
	"broken.html":    {Data: []byte("line 1\n{{ include.nope }}\n")},
	"unknown.html":   {Data: []byte("line 1\n{% gist 1 %}\n")},
	"if.html":        {Data: []byte("never used: if stays Liquid's")},
	"bad-name.html":  {Data: []byte("not a tag name")},
	"notes.txt":      {Data: []byte("not a template")},
}

func newTagsEngine() *Engine {
	return New(Options{Includes: testIncludes, IncludesDir: "templates/includes", Tags: testTags, TagsDir: "templates/tags", Source: testSource})
}

func TestTagTemplates(t *testing.T) {
	runRenderCasesWith(t, newTagsEngine(), []renderCase{
		{
			name: "a positional argument",
			body: "{% youtube dQw4w9WgXcQ %}",
			want: `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>`,
		},
		{
			name: "quoted and named arguments",
			body: `{% cdn_image "a b.png" width=300 alt='A \'quoted\' "picture"' %}`,
			want: `<img src="https://cdn.example/a b.png" width="300" alt="A 'quoted' "picture"">`,
		},
		{
			name: "every positional argument, and the markup as written",
			body: `{% args one "two three" k=v four %}`,
			want: `3:[one][two three][four] markup=(one "two three" k=v four)`,
		},
		{
			name: "no arguments",
			body: "{% args %}",
			want: "0: markup=()",
		},
		{
			name: "arguments are text; {{ }} gives a variable's value",
			body: "{% youtube page.title %} {% youtube {{ page.title | slugify }} %}",
			want: `<iframe src="https://www.youtube-nocookie.com/embed/page.title"></iframe> <iframe src="https://www.youtube-nocookie.com/embed/weeknotes-s01e02"></iframe>`,
		},
		{
			name: "a tag template using another",
			body: "{% nested abc %}",
			want: `<div><iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe></div>`,
		},
		{
			name: "Liquid's own tags are not redefined",
			body: "{% if true %}yes{% endif %}",
			want: "yes",
		},
		{
			name:  "an undefined variable in a tag template names its file",
			body:  "a\n{% broken %}",
			first: 3,
			want:  "a\nline 1\n\n",
			diags: []string{`warning content/posts/p.md:4: undefined variable "include.nope" (in templates/tags/broken.html:2)`},
		},
		{
			name:  "an unknown tag says where to define it",
			body:  "{% tweet https://example.org/1 %}",
			first: 2,
			diags: []string{`error content/posts/p.md:2: unknown tag "tweet"; define it in templates/tags/tweet.html`},
		},
		{
			name:  "an unknown tag inside a tag template",
			body:  "{% unknown %}",
			first: 7,
			diags: []string{`error content/posts/p.md:7: unknown tag "gist"; define it in templates/tags/gist.html (in templates/tags/unknown.html:2)`},
		},
	})
}

func TestTagTemplatesListOnlyTemplates(t *testing.T) {
	got := tagTemplates(testTags)
	want := []string{"args", "broken", "cdn_image", "if", "nested", "unknown", "youtube"}
	if len(got) != len(want) {
		t.Fatalf("tagTemplates = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("tagTemplates = %v, want %v", got, want)
		}
	}
}

func FuzzParseTagArgs(f *testing.F) {
	for _, s := range []string{`a "b c" k=v k2='x\'y'`, `"unclosed`, `=`, `k=`, `\"`, ` `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, args string) {
		call := parseTagArgs("t", args)
		positional, ok := call.extra["args"].([]any)
		if !ok {
			t.Fatalf("args is %T", call.extra["args"])
		}
		for i := range positional {
			if call.extra["arg"+strconv.Itoa(i+1)] != positional[i] {
				t.Errorf("%q: arg%d missing", args, i+1)
			}
		}
		for _, p := range call.params {
			if p.key == "" || p.value != nil {
				t.Errorf("%q: bad parameter %+v", args, p)
			}
		}
	})
}

// TestUnquoteArg: a tag template's argument is unescaped as an include
// parameter is: only the enclosing quote's escape is undone.
func TestUnquoteArg(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"C:\dir\new"`, `C:\dir\new`},
		{`"say \"hi\""`, `say "hi"`},
		{`'it\'s'`, `it's`},
		{`'a \"b\"'`, `a \"b\"`},
		{`plain`, `plain`},
		{`"unclosed`, `"unclosed`},
	} {
		if got := unquoteArg(tc.in); got != tc.want {
			t.Errorf("unquoteArg(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
