package yamlx

import (
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSplitFromYAML(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		into     any
		wantLine int
		wantMsg  string
	}{
		{"syntax", "a: 1\nb: c: d\n", &map[string]any{}, 2, "mapping values are not allowed in this context"},
		{"unterminated quote", "a: 1\ntitle: \"x\n", &map[string]any{}, 2, "found unexpected end of stream"},
		{"tab indentation", "a:\n\tb: 1\n", &map[string]any{}, 2, "found character that cannot start any token"},
		{"wrong type", "title: x\npaginate: ten\n", &struct {
			Paginate int `yaml:"paginate"`
		}{}, 2, "cannot unmarshal !!str `ten` into int"},
		{"duplicate key", "a: 1\nb: 2\na: 3\n", &map[string]any{}, 3, `mapping key "a" already defined at line 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := yaml.Unmarshal([]byte(tt.src), tt.into)
			if err == nil {
				t.Fatal("yaml.Unmarshal succeeded; the case needs input it rejects")
			}
			line, msg := Split(err)
			if line != tt.wantLine || msg != tt.wantMsg {
				t.Errorf("Split(%q) = %d, %q; want %d, %q", err, line, msg, tt.wantLine, tt.wantMsg)
			}
		})
	}
}

func TestSplitWithoutLine(t *testing.T) {
	tests := []struct {
		err      error
		wantLine int
		wantMsg  string
	}{
		{errors.New("yaml: input error: boom"), 0, "input error: boom"},
		{errors.New("yaml: line x: odd"), 0, "line x: odd"},
		{errors.New("yaml: line 0: odd"), 0, "line 0: odd"},
		{errors.New("line 4"), 0, "line 4"},
		{&yaml.TypeError{}, 0, "unmarshal errors:"},
	}
	for _, tt := range tests {
		line, msg := Split(tt.err)
		if line != tt.wantLine || msg != tt.wantMsg {
			t.Errorf("Split(%q) = %d, %q; want %d, %q", tt.err, line, msg, tt.wantLine, tt.wantMsg)
		}
	}
}
