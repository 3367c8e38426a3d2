package markdown

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/weeknotes/weeknotes/internal/highlight"
)

// mapCache is a HighlightCache in a map, to see what is kept.
type mapCache struct {
	mu sync.Mutex
	m  map[[32]byte][]byte
}

func (c *mapCache) Get(key [32]byte) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	html, ok := c.m[key]
	return html, ok
}

func (c *mapCache) Put(key [32]byte, html []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[32]byte][]byte{}
	}
	c.m[key] = html
}

// TestHighlightWithinLimits checks that a block over the step budget or the
// size limit is shown plain, with a warning at its line, the same way on
// every run, and that the cache keeps only highlighted blocks.
func TestHighlightWithinLimits(t *testing.T) {
	const small = "Intro.\n\n```go\nfunc main() { fmt.Println(\"hi\") }\n```\n"
	large := "Intro.\n\n```go\n" + strings.Repeat("x := 1 // padding the block out\n", MaxHighlightBytes/32+1) + "```\n"
	plain := `<pre tabindex="0"><code class="language-go">`
	tests := []struct {
		name        string
		body        string
		budget      func(int) int
		highlighted bool
		warning     string
	}{
		{"within the budget", small, nil, true, ""},
		{"over a tiny step budget", small, func(int) int { return 3 }, false,
			"warning p.md:12: highlighting this code block would take too many steps; it is shown without colours"},
		{"over the size limit", large, nil, false,
			fmt.Sprintf("warning p.md:12: this code block is more than %d KB, more than weeknotes highlights; it is shown without colours", MaxHighlightBytes>>10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.budget != nil {
				saved := highlight.StepBudget
				highlight.StepBudget = tt.budget
				defer func() { highlight.StepBudget = saved }()
			}
			cache := &mapCache{}
			r := New(Options{Highlights: cache})
			var first string
			for run := range 3 {
				out, diags := r.Render(Input{File: "p.md", Source: []byte(tt.body), FirstLine: 10})
				if run == 0 {
					first = out.HTML
				} else if out.HTML != first {
					t.Fatalf("run %d gave other HTML:\n%s\nthen\n%s", run, first, out.HTML)
				}
				got := ""
				for _, d := range diags {
					got += fmt.Sprintf("%s %s:%d: %s", d.Severity, d.File, d.Line, d.Message)
				}
				if got != tt.warning {
					t.Errorf("run %d: diagnostics %q, want %q", run, got, tt.warning)
				}
			}
			if isPlain := strings.Contains(first, plain); isPlain == tt.highlighted {
				t.Errorf("highlighted = %v, want %v:\n%.300s", !isPlain, tt.highlighted, first)
			}
			if kept := len(cache.m); (kept == 1) != tt.highlighted {
				t.Errorf("the cache keeps %d blocks; highlighted = %v", kept, tt.highlighted)
			}
		})
	}
}
