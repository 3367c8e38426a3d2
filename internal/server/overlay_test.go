package server

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/weeknotes/weeknotes/internal/diag"
)

func TestProblemsOf(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "content/posts/x.md", "---\r\ntitle: x\r\ntags: [a\r\n---\r\nbody\r\n")
	writeFile(t, dir, "content/posts/bad.md", "one\ntwo \xff\n")
	tests := []struct {
		name string
		d    diag.Diagnostic
		want []problem
	}{
		{"lines around, line endings dropped", diag.Errorf("content/posts/x.md", 3, "yaml: bad"), []problem{{
			Location: "content/posts/x.md:3", Message: "yaml: bad",
			Lines: []sourceLine{{1, "---", false}, {2, "title: x", false}, {3, "tags: [a", true}, {4, "---", false}, {5, "body", false}},
		}}},
		{"first line", diag.Errorf("content/posts/x.md", 1, "m"), []problem{{
			Location: "content/posts/x.md:1", Message: "m",
			Lines: []sourceLine{{1, "---", true}, {2, "title: x", false}, {3, "tags: [a", false}},
		}}},
		{"invalid UTF-8 made visible", diag.Errorf("content/posts/bad.md", 2, "m"), []problem{{
			Location: "content/posts/bad.md:2", Message: "m",
			Lines: []sourceLine{{1, "one", false}, {2, "two \uFFFD", true}, {3, "", false}},
		}}},
		{"line past the end", diag.Errorf("content/posts/x.md", 99, "m"), []problem{{Location: "content/posts/x.md:99", Message: "m"}}},
		{"file gone", diag.Errorf("content/posts/gone.md", 2, "m"), []problem{{Location: "content/posts/gone.md:2", Message: "m"}}},
		{"whole file", diag.Errorf("content/posts/x.md", 0, "m"), []problem{{Location: "content/posts/x.md", Message: "m"}}},
		{"no file", diag.Errorf("", 0, "disk full"), []problem{{Message: "disk full"}}},
		{"warnings left to the terminal", diag.Warnf("content/posts/x.md", 2, "m"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemsOf(dir, []diag.Diagnostic{tt.d})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problemsOf =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestRenderOverlay(t *testing.T) {
	p := problem{
		Location: "content/posts/x.md:3",
		Message:  `post_url: no post named "<script>alert(1)</script>"`,
		Lines:    []sourceLine{{2, "a & b", false}, {3, "{% post_url x %}", true}},
	}
	html := renderOverlay([]problem{p}, true)
	for _, want := range []string{
		`<dialog id="weeknotes-overlay" role="alertdialog" aria-modal="true"`,
		`aria-labelledby="weeknotes-overlay-title" aria-describedby="weeknotes-overlay-sub"`,
		`<button type="button" data-weeknotes-dismiss aria-label="Dismiss build errors" title="Dismiss (Esc)" autofocus>`,
		"</dialog>",
		"Build failed: 1 error</h2>",
		"This page is from the last build that worked.",
		`<span class="wn-loc">content/posts/x.md:3:</span> post_url: no post named &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;`,
		`<span class="wn-line"><span class="wn-num">2</span>a &amp; b</span>`,
		`<mark><span class="wn-num">3</span>{% post_url x %}</mark>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("overlay lacks %s:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Error("overlay carries an unescaped script")
	}
	if renderOverlay(nil, true) != "" {
		t.Error("overlay rendered with nothing wrong")
	}
}

func TestRenderOverlayCapsItsLength(t *testing.T) {
	var many []problem
	for i := range maxProblems + 7 {
		many = append(many, problem{Location: fmt.Sprintf("content/posts/p%d.md:1", i), Message: "m"})
	}
	html := renderOverlay(many, false)
	for _, want := range []string{fmt.Sprintf("Build failed: %d errors", maxProblems+7), "7 more errors in the terminal", "Nothing has built yet"} {
		if !strings.Contains(html, want) {
			t.Errorf("overlay lacks %q", want)
		}
	}
	if n := strings.Count(html, "<li>"); n != maxProblems {
		t.Errorf("overlay lists %d errors, want %d", n, maxProblems)
	}
}

func TestLiveScriptQuotesItsValues(t *testing.T) {
	script := liveScript(`v</script><b>"`)
	if strings.Count(script, "</script>") != 1 || !strings.Contains(script, `var version = "v\u003c/script\u003e\u003cb\u003e\"";`) {
		t.Errorf("version not quoted for a script:\n%s", script)
	}
	if !strings.Contains(script, "el.showModal()") {
		t.Error("script does not open the overlay as a modal dialog")
	}
	if !strings.Contains(script, `new EventSource("/_weeknotes/events")`) {
		t.Errorf("script does not listen on %s", EventsPath)
	}
}
