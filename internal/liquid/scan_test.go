package liquid

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/osteele/liquid/parser"
)

func TestScanSource(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		first   int
		tags    []string // "name(args)@line"
		filters []string // "name@line"
		source  string   // the rewritten source
	}{
		{
			name:   "objects become output tags, keeping trim markers",
			src:    "a {{ x }} b {{- y | upcase -}} c",
			source: "a {% " + outputTag + " x %} b {%- " + outputTag + " y | upcase -%} c",
			tags:   nil, filters: []string{"upcase@1"},
		},
		{
			name:    "lines count from the first line",
			first:   10,
			src:     "one\n{% post_url a %}\n\n{% if x | size > 1 %}{% endif %}\n{{ z | f1: 'a|b' | f2 }}",
			tags:    []string{"post_url(a)@11", "if(x | size > 1)@13", "endif()@13"},
			filters: []string{"size@13", "f1@14", "f2@14"},
			source:  "one\n{% post_url a %}\n\n{% if x | size > 1 %}{% endif %}\n{% " + outputTag + " z | f1: 'a|b' | f2 %}",
		},
		{
			name:   "raw and comment sections are skipped",
			first:  10,
			src:    "{% raw %}{% a %}{{ b | c }}{% endraw %}{% comment %}{% d %}{% endcomment %}{% e %}",
			tags:   []string{"e()@10"},
			source: "{% raw %}{% a %}{{ b | c }}{% endraw %}{% comment %}{% d %}{% endcomment %}{% e %}",
		},
		{
			name:   "newlines inside an object are kept",
			first:  10,
			src:    "{{\n x \n}}\n{% t %}",
			tags:   []string{"t()@13"},
			source: "{%\n " + outputTag + " x \n%}\n{% t %}",
		},
		{
			name:   "objects with a percent sign stay objects",
			src:    "{{ '100%' }} {{ '%}' }}",
			source: "{{ '100%' }} {{ '%}' }}",
		},
		{
			name:   "an unclosed tag before an object leaves it alone",
			src:    "{% oops {{ x }}",
			source: "{% oops {{ x }}",
		},
		{
			name:   "highlight in a list item, text after its end",
			src:    "- {% highlight go %}\n  x\n  {% endhighlight %} tail",
			tags:   []string{"highlight(go)@1", "endhighlight()@3"},
			source: "- {% highlight go \x00-a[  ] %}\n  x\n  {% endhighlight %} tail",
		},
		{
			name:   "highlight after text, without arguments, not closed",
			src:    "> a {%- highlight -%}",
			tags:   []string{"highlight(-)@1"},
			source: "> a {%- highlight - \x00b-[> ]-%}",
		},
		{
			name:   "nested highlight blocks each get their own end",
			src:    "{% highlight a %}{% highlight b %}\n{% endhighlight %}x\n{% endhighlight %}\n",
			tags:   []string{"highlight(a)@1", "highlight(b)@1", "endhighlight()@2", "endhighlight()@3"},
			source: "{% highlight a %}{% highlight b \x00ba[] %}\n{% endhighlight %}x\n{% endhighlight %}\n",
		},
		{
			name:   "highlight alone on its lines is left as written",
			src:    "{% highlight go %}\nx\n{% endhighlight %}\n{% raw %}- {% highlight go %}{% endraw %}",
			tags:   []string{"highlight(go)@1", "endhighlight()@3"},
			source: "{% highlight go %}\nx\n{% endhighlight %}\n{% raw %}- {% highlight go %}{% endraw %}",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scanSource(tc.src, cmpOr(tc.first, 1), true)
			var tags, filters []string
			for _, u := range got.tags {
				tags = append(tags, fmt.Sprintf("%s(%s)@%d", u.name, u.args, u.line))
			}
			for _, f := range got.filters {
				filters = append(filters, fmt.Sprintf("%s@%d", f.name, f.line))
			}
			if !slices.Equal(tags, tc.tags) {
				t.Errorf("tags %q, want %q", tags, tc.tags)
			}
			if !slices.Equal(filters, tc.filters) {
				t.Errorf("filters %q, want %q", filters, tc.filters)
			}
			if got.source != tc.source {
				t.Errorf("source\n got %q\nwant %q", got.source, tc.source)
			}
		})
	}
}

func TestSplitPipeline(t *testing.T) {
	tests := []struct {
		expr    string
		base    string
		filters []string
	}{
		{"page.title", "page.title", nil},
		{" page.title | upcase ", "page.title", []string{"upcase"}},
		{"a | b: 1, 'x|y' | c-d", "a", []string{"b", "c-d"}},
		{`"a|b" | e`, `"a|b"`, []string{"e"}},
		{"a |", "a", []string{}},
		{"a | | b", "a", []string{"b"}},
		{"'unclosed | x", "'unclosed | x", nil},
	}
	for _, tc := range tests {
		base, filters := splitPipeline(tc.expr)
		if base != tc.base || !slices.Equal(filters, tc.filters) || (filters == nil) != (tc.filters == nil) {
			t.Errorf("splitPipeline(%q) = %q, %q; want %q, %q", tc.expr, base, filters, tc.base, tc.filters)
		}
	}
}

func TestIsVariablePath(t *testing.T) {
	tests := map[string]bool{
		"page.title": true, "x": true, "site.params['a b'].c": true, "page.tags[0]": true, "forloop.first?": true,
		"nil": false, "true": false, "empty": false, "'text'": false, "1": false, "a and b": false, "(1..3)": false,
	}
	for expr, want := range tests {
		if got := isVariablePath(expr); got != want {
			t.Errorf("isVariablePath(%q) = %v, want %v", expr, got, want)
		}
	}
}

func TestFencedRanges(t *testing.T) {
	tests := []struct {
		body string
		want [][2]int
	}{
		{"no code", nil},
		{"a\n```go\nx\n```\nb", [][2]int{{6, 8}}},
		{"~~~~\n```\n~~~\nstill\n~~~~\n", [][2]int{{5, 9}}},
		{"```\nunclosed\n", [][2]int{{5, 7}}},
		{"- item\n\n  ```\n  x\n  ```\n> ```\n> y\n> ```", [][2]int{{7, 9}, {10, 12}}},
		{"``not a fence``\n```a`b\n", nil},
	}
	for _, tc := range tests {
		if got := fencedRanges([]byte(tc.body), 5); !slices.Equal(got, tc.want) {
			t.Errorf("fencedRanges(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
}

// TestTokenScannerStaysLinear feeds the scanner text that makes matching
// by hand quadratic, which it must hand over to the regexp.
func TestTokenScannerStaysLinear(t *testing.T) {
	tests := []string{
		strings.Repeat("{{ ", 30000) + "\n}}",
		strings.Repeat("{{-", 30000) + "x}}",
		"{%a" + strings.Repeat(" ", 100000) + "%",
		strings.Repeat("{% a %%", 20000),
	}
	for _, src := range tests {
		sc := newTokenScanner(src)
		var got [][]int
		for m := sc.scan(); m != nil; m = sc.scan() {
			got = append(got, m)
		}
		want := tokenPattern.FindAllStringSubmatchIndex(src, -1)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%.20q…: got %d tokens, want %d", src, len(got), len(want))
		}
		if sc.work > 12*len(src)+4096 {
			t.Errorf("%.20q…: examined %d bytes of %d", src, sc.work, len(src))
		}
	}
}

// FuzzTokenScanner holds the hand-written matcher to the library's pattern.
func FuzzTokenScanner(f *testing.F) {
	for _, s := range []string{
		"a {{ x }} b", "{{- x -}}", "{{\n x \n}}", "{{-}}", "{{ \n}}", "{{ a - }}", "{{x\ny}}", "{{ é }}",
		"{% if a %}", "{%- if a -%}", "{% endif  %}", "{% a %%}", "{% a %%b %}", "{%a\n b\n%}", "{% x {{ y }} %}",
		"{% a % }", "{%%}", "{{{ x }}}", "{%{% a %}", "\xff{{\xff}}", "{% a \xff%}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		want := tokenPattern.FindAllStringSubmatchIndex(src, -1)
		var got [][]int
		sc := newTokenScanner(src)
		for m := sc.scan(); m != nil; m = sc.scan() {
			got = append(got, m)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: got %d tokens %v, want %d %v", src, len(got), got, len(want), want)
		}
		for i := range want {
			// The library reads argument text only where the group matched.
			if !slices.Equal(got[i], want[i]) {
				t.Fatalf("%q: token %d is %v, want %v", src, i, got[i], want[i])
			}
		}
	})
}

// FuzzScanSource checks that rewriting objects into output tags, and adding
// layouts to highlight tags, changes nothing else about how the library
// tokenizes a template: the same tokens, on the same lines, with the same
// arguments.
func FuzzScanSource(f *testing.F) {
	for _, s := range []string{
		"a {{ x }} b", "{{- x -}}", "{{\n x \n}}", "{% raw %}{{ x }}{% endraw %}{{ y }}",
		"{{ '%}' }}", "{% a {{ b }}", "{{ x }} %}", "{{-}}", "{{ \n}}", "{{ a - }}", "{%{{x}}%}",
		"{% comment %}{{ x }}{% endcomment %}{{ y }}", "{%0 0{{0}}{{0}}",
		"- {% highlight go %}\n  x\n  {% endhighlight %} y", "a {%- highlight%%}{%endhighlight-%}b",
		"{% a {% highlight x %}%}", "{% x %%}> {% highlight %%}", "0{%highlight %}", "0{%highlight  %}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rewritten := scanSource(src, 1, true).source
		before := parser.Scan(src, parser.SourceLoc{LineNo: 1}, nil)
		after := parser.Scan(rewritten, parser.SourceLoc{LineNo: 1}, nil)
		if len(before) != len(after) {
			t.Fatalf("%d tokens became %d:\n%q\n%q", len(before), len(after), src, rewritten)
		}
		for i := range before {
			b, a := before[i], after[i]
			if a.SourceLoc.LineNo != b.SourceLoc.LineNo {
				t.Fatalf("token %d moved from line %d to %d: %q -> %q", i, b.SourceLoc.LineNo, a.SourceLoc.LineNo, src, rewritten)
			}
			if a.Type == b.Type {
				if a.Source != b.Source && a.Type != parser.TextTokenType && !addsLayout(b, a) {
					t.Fatalf("token %d changed: %q -> %q", i, b.Source, a.Source)
				}
				continue
			}
			if b.Type != parser.ObjTokenType || a.Type != parser.TagTokenType || a.Name != outputTag || a.Args != b.Args {
				t.Fatalf("token %d: %v became %v", i, b, a)
			}
		}
	})
}

// addsLayout reports whether the tag token a is the highlight tag b with a
// fence layout added to its arguments, and nothing else changed. The
// arguments are compared trimmed, as the highlight tag reads them: in
// "{% highlight  %}" the library takes a space for the arguments.
func addsLayout(b, a parser.Token) bool {
	args, layout := cutFenceLayout(a.Args)
	if b.Name != "highlight" || a.Name != b.Name || layout == (fenceLayout{}) || strings.TrimSpace(args) != strings.TrimSpace(b.Args) {
		return false
	}
	added := " " + a.Args[len(args):]
	return strings.Replace(a.Source, added, "", 1) == b.Source || strings.Replace(a.Source, added+"-", "", 1) == b.Source
}
