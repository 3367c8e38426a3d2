package markdown

import (
	"bytes"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"
)

func TestStyleSheet(t *testing.T) {
	css, err := StyleSheet("github", "github-dark")
	if err != nil {
		t.Fatal(err)
	}
	light, dark, ok := strings.Cut(string(css), "@media (prefers-color-scheme: dark) {")
	if !ok {
		t.Fatalf("no dark media query in:\n%s", css)
	}
	lightKeyword := styles.Get("github").Get(chroma.Keyword).Colour.String()
	darkKeyword := styles.Get("github-dark").Get(chroma.Keyword).Colour.String()
	if lightKeyword == darkKeyword {
		t.Fatal("test needs styles whose keyword colours differ")
	}
	if !strings.Contains(light, ".chroma .k { color: "+lightKeyword) {
		t.Errorf("light rules lack the keyword colour %s:\n%s", lightKeyword, light)
	}
	if !strings.Contains(dark, ".chroma .k { color: "+darkKeyword) {
		t.Errorf("dark rules lack the keyword colour %s:\n%s", darkKeyword, dark)
	}
	if strings.Contains(dark, lightKeyword) {
		t.Errorf("dark rules mention the light keyword colour %s", lightKeyword)
	}
	// github colours punctuation near-black and github-dark leaves it to the
	// default text colour, so dark mode must undo the light rule.
	if !strings.Contains(dark, ".chroma .p { color: inherit }") {
		t.Errorf("dark rules do not reset the light punctuation colour:\n%s", dark)
	}
	if !strings.HasSuffix(dark, "}\n") {
		t.Error("media query not closed")
	}
	if strings.Contains(string(css), "style=") {
		t.Error("stylesheet contains inline style attributes")
	}

	again, err := StyleSheet("github", "github-dark")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(css, again) {
		t.Error("two calls produced different bytes")
	}
}

func TestStyleSheetVariants(t *testing.T) {
	tests := []struct {
		name, light, dark string
		wantErr           string
		wantMedia         bool
	}{
		{name: "light only", light: "github", wantMedia: false},
		{name: "names are case-insensitive", light: "GitHub", dark: "GitHub-Dark", wantMedia: true},
		{name: "unknown light", light: "no-such-style", dark: "github-dark", wantErr: `unknown highlight style "no-such-style"`},
		{name: "unknown dark", light: "github", dark: "no-such-style", wantErr: `unknown highlight style "no-such-style"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			css, err := StyleSheet(tt.light, tt.dark)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(css, []byte("prefers-color-scheme: dark")); got != tt.wantMedia {
				t.Errorf("dark media query present = %v, want %v", got, tt.wantMedia)
			}
			if !bytes.Contains(css, []byte(".chroma .k {")) {
				t.Error("no keyword rule")
			}
		})
	}
}

// TestEmbeddedStylesAreChromas holds the copies of chroma's styles to the
// chroma in go.mod: after an upgrade that changes them, copy them again.
func TestEmbeddedStylesAreChromas(t *testing.T) {
	names := styleNames()
	if len(names) == 0 {
		t.Fatal("no styles embedded")
	}
	for _, name := range names {
		ours, err := lookupStyle(name)
		if err != nil {
			t.Fatal(err)
		}
		theirs, ok := styles.Registry[name]
		if !ok {
			t.Fatalf("chroma has no style %q", name)
		}
		for tt := range chroma.StandardTypes {
			if a, b := ours.Get(tt), theirs.Get(tt); a.String() != b.String() {
				t.Errorf("%s: %s is %q here, %q in chroma: copy styles/%s.xml from chroma again", name, tt, a, b, name)
			}
		}
	}
	if _, err := lookupStyle("no-such-style"); err == nil || !strings.Contains(err.Error(), "github-dark") {
		t.Errorf("unknown style: %v, want an error listing the known ones", err)
	}
}
