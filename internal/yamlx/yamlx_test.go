package yamlx

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
)

func TestDecodeMapping(t *testing.T) {
	const notMapping = "want key: value lines"
	kept := map[string]any{"kept": true} // what *values holds before
	tests := []struct {
		name       string
		src        string
		wantValues map[string]any
		wantKeys   []string // "key@line=value" for each pair, value as written
		wantErr    *Error
	}{
		{
			name:       "mapping, keys in the order written",
			src:        "b: 1\n\na: two\nlist: [x]\n",
			wantValues: map[string]any{"kept": true, "b": 1, "a": "two", "list": []any{"x"}},
			wantKeys:   []string{"b@1=1", "a@3=two", "list@4="},
		},
		{
			name:       "an alias is the value it names",
			src:        "title: &t 2021\ndescription: *t\n",
			wantValues: map[string]any{"kept": true, "title": 2021, "description": 2021},
			wantKeys:   []string{"title@1=2021", "description@2=2021"},
		},
		{name: "empty", src: "", wantValues: kept},
		{name: "only comments", src: "# nothing yet\n", wantValues: kept},
		{name: "null", src: "~\n", wantValues: kept},
		{name: "a list", src: "\n- a\n- b\n", wantValues: kept, wantErr: &Error{2, notMapping}},
		{name: "a lone value", src: "just text\n", wantValues: kept, wantErr: &Error{1, notMapping}},
		{
			name: "syntax", src: "a: 1\nb: c: d\n", wantValues: kept,
			wantErr: &Error{2, "invalid YAML: mapping values are not allowed in this context"},
		},
		{
			name: "duplicate key", src: "a: 1\nb: 2\na: 3\n", wantValues: kept,
			wantErr: &Error{3, `invalid YAML: mapping key "a" already defined at line 1`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]any{"kept": true}
			pairs, err := DecodeMapping([]byte(tt.src), &values, notMapping)
			var gotErr *Error
			if err != nil && !errors.As(err, &gotErr) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if !reflect.DeepEqual(gotErr, tt.wantErr) {
				t.Errorf("error = %#v; want %#v", gotErr, tt.wantErr)
			}
			if !reflect.DeepEqual(values, tt.wantValues) {
				t.Errorf("values = %#v; want %#v", values, tt.wantValues)
			}
			var keys []string
			for _, p := range pairs {
				keys = append(keys, p.Key.Value+"@"+strconv.Itoa(p.Key.Line)+"="+p.Value.Value)
			}
			if !reflect.DeepEqual(keys, tt.wantKeys) {
				t.Errorf("pairs = %q; want %q", keys, tt.wantKeys)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{3, "invalid YAML: boom"}, "line 3: invalid YAML: boom"},
		{&Error{0, "invalid YAML: boom"}, "invalid YAML: boom"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q; want %q", tt.err, got, tt.want)
		}
	}
}
