package jekylldiff

import (
	"strings"

	"golang.org/x/net/html"
)

// typography maps the characters kramdown's SmartyPants-like pass writes
// to what the author typed, so that text compares the same whether or not
// a renderer makes quotes and dashes typographic.
var typography = strings.NewReplacer(
	"\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`,
	"\u2026", "...", "\u2013", "--", "\u2014", "---", "\u00a0", " ",
	"\u00ab", "<<", "\u00bb", ">>",
)

// Text returns the text of an HTML fragment as a reader sees it: tags
// dropped, entities decoded, typographic quotes and dashes written plainly,
// and every run of white space one space. Block-level markup the two
// renderers write differently (ids on headings, line breaks between tags)
// so leaves no trace.
func Text(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(typography.Replace(b.String())), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			// A tag separates words: "<p>a</p><p>b</p>" is "a b".
			b.WriteByte(' ')
		}
	}
}

// Hrefs returns the href of every link and the src of every image, script
// and frame of an HTML fragment, in document order.
func Hrefs(fragment string) []string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var out []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		for {
			key, val, more := z.TagAttr()
			if k := string(key); k == "href" || k == "src" {
				out = append(out, string(val))
			}
			if !more {
				break
			}
		}
	}
}
