package liquid

import (
	"testing"
)

func TestJekyllFilters(t *testing.T) {
	runRenderCases(t, []renderCase{
		{name: "relative_url", body: "{{ '/images/a.png' | relative_url }} {{ 'about/' | relative_url }}", want: "/blog/images/a.png /blog/about/"},
		{name: "relative_url keeps absolute URLs", body: "{{ 'https://x.org/a' | relative_url }}", want: "https://x.org/a"},
		{name: "absolute_url", body: "{{ '/feed.xml' | absolute_url }} {{ page.url | absolute_url }}", want: "https://example.org/blog/feed.xml https://example.org/blog/blog/2021/01/17/weeknotes-s01e02/"},
		{name: "date_to_string", body: "{{ page.date | date_to_string }}|{{ page.date | date_to_string: 'ordinal' }}|{{ page.date | date_to_string: 'ordinal', 'US' }}", want: "17 Jan 2021|17th Jan 2021|Jan 17th, 2021"},
		{name: "date_to_string from text", body: "{{ '2021-01-02' | date_to_string: 'ordinal' }}", want: "2nd Jan 2021"},
		{name: "date_to_long_string", body: "{{ page.date | date_to_long_string }}", want: "17 January 2021"},
		{name: "date_to_xmlschema", body: "{{ page.date | date_to_xmlschema }}", want: "2021-01-17T09:30:00+00:00"},
		{name: "date_to_rfc822", body: "{{ page.date | date_to_rfc822 }}", want: "Sun, 17 Jan 2021 09:30:00 +0000"},
		{name: "xml_escape", body: `{{ "Tom & Jerry's <show>" | xml_escape }}`, want: "Tom &amp; Jerry&#39;s &lt;show&gt;"},
		{name: "cgi_escape", body: "{{ 'a b&c=d' | cgi_escape }}", want: "a+b%26c%3Dd"},
		{name: "uri_escape", body: "{{ '/my file/é?q=1' | uri_escape }}", want: "/my%20file/%C3%A9?q=1"},
		{name: "slugify default", body: "{{ 'The _config.yml file!' | slugify }}", want: "the-config-yml-file"},
		{name: "slugify keeps letters of any script", body: "{{ 'Café über 東京' | slugify }}", want: "café-über-東京"},
		{name: "slugify modes", body: "{{ 'The _config.yml file?' | slugify: 'pretty' }} {{ 'The _config.yml file?' | slugify: 'raw' }} {{ 'Café 東京 1' | slugify: 'ascii' }} {{ 'Café Ñandú' | slugify: 'latin' }} {{ 'A B' | slugify: 'none' }}",
			want: "the-_config.yml-file the-_config.yml-file? caf-1 cafe-nandu a b"},
		{name: "slugify latin transliterates as Jekyll does", body: "{{ 'Straße Ørsted' | slugify: 'latin' }}", want: "strasse-orsted"},
		{name: "markdownify and smartify pass through", body: "{{ '*a* \"b\"' | markdownify }} {{ '\"q\"' | smartify }}", want: `*a* "b" "q"`},
		{name: "jsonify", body: "{{ page.tags | jsonify }}", want: `["life","work"]`},
		{name: "number_of_words", body: "{% capture s %}one two  three\nfour{% endcapture %}{{ s | number_of_words }}", want: "4"},
		{name: "normalize_whitespace", body: "{% capture s %} a \n b\t c {% endcapture %}{{ s | normalize_whitespace }}", want: "a b c"},
		{name: "array_to_sentence_string", body: "{{ page.tags | array_to_sentence_string }}|{{ page.tags | array_to_sentence_string: 'or' }}|{% assign three = 'a,b,c' | split: ',' %}{{ three | array_to_sentence_string }}",
			want: "life and work|life or work|a, b, and c"},
		{name: "where", body: "{% assign ps = site.posts | where: 'series', 'Weeknotes' %}{% for p in ps %}{{ p.title }};{% endfor %}{% assign ts = site.posts | where: 'tags', 'go' %}{{ ts.size }}",
			want: "S01E01;S01E02;1"},
		{name: "to_integer", body: "{{ '42' | to_integer | plus: 1 }} {{ true | to_integer }}", want: "43 1"},
		{name: "standard filters remain", body: "{{ 'a,b' | split: ',' | join: '+' | upcase }} {{ 3 | times: 4 }}", want: "A+B 12"},
	}, withSite(map[string]any{
		"url": "https://example.org", "baseurl": "/blog/",
		"posts": []any{
			map[string]any{"title": "S01E01", "series": "Weeknotes", "tags": []any{"life"}},
			map[string]any{"title": "Other", "series": "Talks", "tags": []any{"go"}},
			map[string]any{"title": "S01E02", "series": "Weeknotes"},
		},
	}))
}

func TestURLFilters(t *testing.T) {
	tests := []struct {
		siteURL, baseURL, path string
		relative, absolute     string
	}{
		{"https://example.org", "", "/a/", "/a/", "https://example.org/a/"},
		{"https://example.org/", "/blog", "a/", "/blog/a/", "https://example.org/blog/a/"},
		{"https://example.org", "/blog/", "", "/blog", "https://example.org/blog"},
		{"https://example.org", "", "", "", "https://example.org/"},
		{"", "/blog", "/x", "/blog/x", "/blog/x"},
		{"https://example.org", "/blog", "mailto:a@b.c", "mailto:a@b.c", "mailto:a@b.c"},
		{"https://example.org", "/blog", "//cdn.example/x.js", "//cdn.example/x.js", "//cdn.example/x.js"},
	}
	for _, tc := range tests {
		if got := relativeURL(tc.baseURL, tc.path); got != tc.relative {
			t.Errorf("relativeURL(%q, %q) = %q, want %q", tc.baseURL, tc.path, got, tc.relative)
		}
		if got := absoluteURL(tc.siteURL, tc.baseURL, tc.path); got != tc.absolute {
			t.Errorf("absoluteURL(%q, %q, %q) = %q, want %q", tc.siteURL, tc.baseURL, tc.path, got, tc.absolute)
		}
	}
}

func TestOrdinalSuffix(t *testing.T) {
	want := map[int]string{1: "st", 2: "nd", 3: "rd", 4: "th", 11: "th", 12: "th", 13: "th", 21: "st", 22: "nd", 23: "rd", 30: "th", 31: "st"}
	for day, suffix := range want {
		if got := ordinalSuffix(day); got != suffix {
			t.Errorf("ordinalSuffix(%d) = %q, want %q", day, got, suffix)
		}
	}
}
