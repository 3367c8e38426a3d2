package content

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadData(t *testing.T) {
	fsys := fstest.MapFS{
		"_data/nav.yml":          {Data: []byte("- title: Home\n  url: /\n")},
		"_data/team/people.json": {Data: []byte(`{"lead": "Ada"}`)},
		"_data/prices.tsv":       {Data: []byte("item\tprice\ntea\t2\n")},
		"_data/notes.txt":        {Data: []byte("not data")},
		"_data/.hidden.yml":      {Data: []byte("x: 1")},
	}
	data, ds := LoadData(fsys, "_data")
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	want := map[string]any{
		"nav":    []any{map[string]any{"title": "Home", "url": "/"}},
		"team":   map[string]any{"people": map[string]any{"lead": "Ada"}},
		"prices": []any{map[string]any{"item": "tea", "price": "2"}},
	}
	if !reflect.DeepEqual(data, want) {
		t.Errorf("LoadData = %v, want %v", data, want)
	}
	_, ds = LoadData(fstest.MapFS{"_data/bad.yml": {Data: []byte("a: [\n")}}, "_data")
	if len(ds) != 1 || ds[0].File != "_data/bad.yml" || !strings.Contains(ds[0].Message, "invalid YAML") {
		t.Errorf("a broken file: %v, want one error naming it", ds)
	}
}
