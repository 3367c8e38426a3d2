package config

import (
	"reflect"
	"testing"
	"testing/fstest"
)

func TestDefaultValues(t *testing.T) {
	cfg, err := Load(fstest.MapFS{"_config.yml": file(`defaults:
  - scope: {path: "", type: posts}
    values: {layout: post, author: {name: A, email: a@x}}
  - scope: {path: "_posts/2022"}
    values: {author: {name: B}, mood: busy}
  - scope: {path: "_posts/2022", type: posts}
    values: {mood: typed}
  - scope: {path: "_posts/*/special"}
    values: {special: true}
  - scope: {type: page}
    values: {layout: page}
  - values: nope
`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Problems) != 1 || cfg.Problems[0].Line != 12 {
		t.Errorf("problems = %v, want one warning at line 12 about the set without a values map", cfg.Problems)
	}
	for _, tt := range []struct {
		file, typ string
		want      map[string]any
	}{
		{"_posts/2021-01-01-x.md", "posts", map[string]any{"layout": "post", "author": map[string]any{"name": "A", "email": "a@x"}}},
		{"_posts/2022/2022-01-01-x.md", "posts", map[string]any{"layout": "post", "author": map[string]any{"name": "B", "email": "a@x"}, "mood": "typed"}},
		{"_posts/2022/special/2022-01-01-x.md", "posts", map[string]any{"layout": "post", "author": map[string]any{"name": "B", "email": "a@x"}, "mood": "typed", "special": true}},
		{"about.md", "pages", map[string]any{"layout": "page"}},
		{"_posts/2022/x.md", "drafts", map[string]any{"author": map[string]any{"name": "B"}, "mood": "busy"}},
	} {
		if got := cfg.DefaultValues(tt.file, tt.typ); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DefaultValues(%s, %s) = %v, want %v", tt.file, tt.typ, got, tt.want)
		}
	}
}
