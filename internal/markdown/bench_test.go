package markdown

import (
	"fmt"
	"strings"
	"testing"
)

// benchmarkPost builds a typical weeknote of about 6 KB: headings, short
// paragraphs with links and emphasis, a list, a quotation and images, and
// optionally a code block.
func benchmarkPost(withCode bool) string {
	var b strings.Builder
	b.WriteString("This week was mostly about the *migration*, with a detour into [incident reviews](https://example.org/reviews) and a little planning.\n\n")
	for section := 1; b.Len() < 5600; section++ {
		fmt.Fprintf(&b, "## Section %d\n\n", section)
		b.WriteString("We paired on the deploy pipeline on Monday and found that the cache was\n")
		b.WriteString("warming twice. Fixing it took **an afternoon**, and the build now finishes\n")
		b.WriteString("in half the time, which everyone noticed by Wednesday.\n\n")
		b.WriteString("- reviewed three pull requests\n- wrote the [runbook](/runbook/) for the queue\n- booked the retro\n\n")
		b.WriteString("> Slow is smooth and smooth is fast.\n\n")
		fmt.Fprintf(&b, "![A chart of build times, week %d](/static/images/known.png)\n\n", section)
		if withCode && section == 2 {
			b.WriteString("```go\nfunc warm(ctx context.Context, keys []string) error {\n\tfor _, k := range keys {\n\t\tif err := cache.Load(ctx, k); err != nil {\n\t\t\treturn fmt.Errorf(\"warming %s: %w\", k, err)\n\t\t}\n\t}\n\treturn nil\n}\n```\n\n")
		}
	}
	return b.String()
}

func BenchmarkRender(b *testing.B) {
	for _, withCode := range []bool{false, true} {
		name := "prose"
		if withCode {
			name = "with-code"
		}
		b.Run(name, func(b *testing.B) {
			r := New(Options{Image: testImage})
			in := Input{File: "p.md", Source: []byte(benchmarkPost(withCode)), FirstLine: 1}
			b.SetBytes(int64(len(in.Source)))
			b.ReportAllocs()
			for b.Loop() {
				r.Render(in)
			}
		})
	}
}
