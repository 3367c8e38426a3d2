package mediatype

import "testing"

func TestByName(t *testing.T) {
	tests := []struct {
		key, want string
		ok        bool
	}{
		{"2021/01/10/x/index.html", "text/html; charset=utf-8", true},
		{"assets/STYLE.CSS", "text/css; charset=utf-8", true},
		{"feed.xml", "application/atom+xml; charset=utf-8", true},
		{"series/weeknotes/feed.xml", "application/atom+xml; charset=utf-8", true},
		{"sitemap.xml", "application/xml; charset=utf-8", true},
		{"static/images/a.png", "image/png", true},
		{"archive.unknownext", "", false},
	}
	for _, tt := range tests {
		got, ok := ByName(tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ByName(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
	if !IsText("text/html; charset=utf-8") || IsText("image/png") {
		t.Error("IsText misclassifies")
	}
	if !IsFeedName("feed.xml") || IsFeedName("index.html") {
		t.Error("IsFeedName misclassifies")
	}
}
