package liquid

import (
	"os"
	"path"
	"slices"
	"testing"
)

// TestHostileBodies renders the bodies in testdata/hostile with the
// default limits: each must stop with one error at the line that went
// over, never run on or take the memory of the machine.
func TestHostileBodies(t *testing.T) {
	const dir = "testdata/hostile"
	const tooLong = "the result is more than 10 MB long; does a loop repeat more than intended?"
	const outputTooLong = "the Liquid output is more than 10 MB longer than the post; does a loop or include repeat more than intended?"
	cases := []struct {
		file  string
		diags []string
	}{
		{"append-doubling.md", []string{"error append-doubling.md:3: append: " + tooLong}},
		{"prepend-doubling.md", []string{"error prepend-doubling.md:2: prepend: " + tooLong}},
		{"replace-doubling.md", []string{"error replace-doubling.md:3: replace: " + tooLong}},
		{"concat-doubling.md", []string{"error concat-doubling.md:2: concat: " + tooLong}},
		{"capture-doubling.md", []string{"error capture-doubling.md:2: " + outputTooLong}},
		{"capture-of-includes.md", []string{"error capture-of-includes.md:2: " + outputTooLong}},
		{"captures-add-up.md", []string{"error captures-add-up.md:1: the Liquid rendering wrote more than 100 MB, counting captures and includes; does a loop or include repeat more than intended?"}},
		{"huge-range.md", []string{"error huge-range.md:2: join: " + tooLong}},
		{"unclosed-object.md", []string{`error unclosed-object.md:2: "{{" is not closed; close it with "}}", or keep it as text inside {% raw %}…{% endraw %}`}},
		{"unclosed-raw.md", []string{`error unclosed-raw.md:2: {% raw %} is not closed; close it with {% endraw %}`}},
	}
	e := New(Options{Source: os.DirFS(dir)})
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(path.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			out, diags := e.Render(Input{File: tc.file, Body: body, FirstLine: 1})
			if got := describe(diags); !slices.Equal(got, tc.diags) {
				t.Errorf("diagnostics:\n got %q\nwant %q", got, tc.diags)
			}
			if out != nil {
				t.Errorf("output of %d bytes, want none", len(out))
			}
		})
	}
}
