package config

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/weeknotes/weeknotes/internal/diag"
)

func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"title: x\nurl: https://example.org/blog/\nbaseurl: /blog/\npaginate: 3\n",
		"author:\n  name: a\ntimezone: Europe/London\nheaders:\n  - glob: \"**.html\"\n    gzip: true\n",
		"paginate: ten\n",
		"publish: {a: b}\nposts_dir: ../x\n",
		"- a\n",
		"a: &x [*x]\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := Load(fstest.MapFS{"weeknotes.yaml": &fstest.MapFile{Data: []byte(text)}})
		if err != nil {
			var buildErr *diag.BuildError
			if !errors.As(err, &buildErr) || len(buildErr.Diagnostics) == 0 {
				t.Fatalf("error %v carries no diagnostics", err)
			}
			for _, d := range buildErr.Diagnostics {
				if d.File != "weeknotes.yaml" || d.Severity != diag.Error || d.Line < 0 {
					t.Fatalf("bad diagnostic %#v", d)
				}
			}
			return
		}
		switch {
		case cfg.Location == nil:
			t.Fatal("Location is nil")
		case strings.HasSuffix(cfg.URL, "/"):
			t.Fatalf("URL %q ends in a slash", cfg.URL)
		case cfg.BaseURL != "" && (!strings.HasPrefix(cfg.BaseURL, "/") || strings.HasSuffix(cfg.BaseURL, "/")):
			t.Fatalf("BaseURL %q is not \"\" or /x", cfg.BaseURL)
		case cfg.Paginate < 1 || cfg.Permalink == "" || cfg.Series == "" || cfg.Language == "":
			t.Fatalf("a default is missing: %+v", cfg)
		case cfg.PostsDir == "" || cfg.Params == nil || cfg.Publish == nil:
			t.Fatalf("folders or maps missing: %+v", cfg)
		}
	})
}
