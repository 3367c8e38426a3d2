package content

import (
	"strings"
	"testing"
)

func TestCheckEncoding(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"clean ASCII", "plain text\n", ""},
		{"clean UTF-8 with accents and quotes", "café “quoted” … Ørsted — ok\n", ""},
		{"ellipsis", "one\ntwo\nâ€¦ well\n", `warning 3: "â€¦" looks like mis-decoded UTF-8 for "…"`},
		{"apostrophe", "it\u00e2\u20ac\u2122s\n", `warning 1: "â€™" looks like mis-decoded UTF-8 for "’"`},
		{"opening quote", "\u00e2\u20ac\u0153hi\n", `warning 1: "â€œ" looks like mis-decoded UTF-8 for "“"`},
		{"Latin-1 read as such", "caf\u00c3\u00a9\n", `warning 1: "Ã©" looks like mis-decoded UTF-8 for "é"`},
		{"C1 control character from Latin-1", "\u00e2\u20ac\u009d\n", `warning 1: "â€\u009d" looks like mis-decoded UTF-8 for "”"`},
		{"several on one line", "\u00c3\u00a9 and \u00c3\u00a8 and â€¦\n", `warning 1: "Ã©" looks like mis-decoded UTF-8 for "é" (and 2 more on this line)`},
		{"Ã followed by ordinary text is not mis-decoding", "SÃO PAULO, Ãgua\n", ""},
		{"invalid bytes", "ok\nbad \xff here\nand \xfe\n", "warning 2: invalid UTF-8 on this line and 1 more; save the file as UTF-8"},
		{"one invalid line", "caf\xe9\n", "warning 1: invalid UTF-8 on this line; save the file as UTF-8"},
		{"truncated sequence at the end", "x\xe2\x80", "warning 1: invalid UTF-8 on this line; save the file as UTF-8"},
		{"lead character at the end", "x\u00e2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := messages(checkEncoding("f.md", []byte(tt.src))); got != tt.want {
				t.Errorf("checkEncoding(%q):\n%s\nwant\n%s", tt.src, got, tt.want)
			}
		})
	}
}

func TestCheckEncodingCapsWarnings(t *testing.T) {
	src := strings.Repeat("â€¦\n", maxMojibakeLines+3)
	ds := checkEncoding("f.md", []byte(src))
	if len(ds) != maxMojibakeLines+1 {
		t.Fatalf("got %d warnings, want %d:\n%s", len(ds), maxMojibakeLines+1, messages(ds))
	}
	if got, want := ds[len(ds)-1].Message, "3 more lines look like mis-decoded UTF-8"; got != want {
		t.Errorf("last warning %q, want %q", got, want)
	}
	if got := ds[maxMojibakeLines-1].Message; strings.Contains(got, "more on this line") {
		t.Errorf("last line warning %q counts lines that were not reported", got)
	}
}

func TestParseReportsEncodingWithFileLines(t *testing.T) {
	src := "\ufeff---\ntitle: Caf\u00c3\u00a9\n---\n\nBody â€¦\n"
	p, ds := parsePost("2021-01-10-x.md", src, nil)
	want := `warning 2: "Ã©" looks like mis-decoded UTF-8 for "é"` + "\n" +
		`warning 5: "â€¦" looks like mis-decoded UTF-8 for "…"`
	if got := messages(ds); got != want {
		t.Errorf("diagnostics:\n%s\nwant\n%s", got, want)
	}
	if p.Title != "Caf\u00c3\u00a9" || !strings.Contains(string(p.Body), "â€¦") {
		t.Errorf("text was changed: Title %q, Body %q", p.Title, p.Body)
	}
}
