package content

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/yamlx"
)

// LoadData reads Jekyll's data files: every .yml, .yaml, .json, .csv and
// .tsv file under dir (Jekyll's _data, or data_dir) becomes site.data.name,
// a subfolder a map of its own (_data/team/people.yml is
// site.data.team.people). A CSV or TSV file is a list of rows, each a map
// from the header row's names. A file that does not parse is an error, as
// it is in Jekyll.
func LoadData(fsys fs.FS, dir string) (map[string]any, []diag.Diagnostic) {
	data := map[string]any{}
	var ds []diag.Diagnostic
	if dir == "" {
		return data, nil
	}
	if _, err := fs.Stat(fsys, dir); err != nil {
		return data, nil
	}
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			ds = append(ds, diag.Errorf(p, 0, "cannot read: %v", pathless(err)))
			return nil
		}
		name := d.Name()
		if p != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		ext := strings.ToLower(path.Ext(name))
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			ds = append(ds, diag.Errorf(p, 0, "cannot read: %v", pathless(err)))
			return nil
		}
		value, ok, d2 := decodeData(p, ext, src)
		if d2 != nil {
			ds = append(ds, *d2)
		}
		if ok {
			setData(data, strings.TrimPrefix(strings.TrimSuffix(p, path.Ext(p)), dir+"/"), value)
		}
		return nil
	})
	return data, ds
}

// decodeData reads one data file. ok is false for a file that is not data.
func decodeData(p, ext string, src []byte) (any, bool, *diag.Diagnostic) {
	var v any
	switch ext {
	case ".yml", ".yaml":
		if err := yaml.Unmarshal(src, &v); err != nil {
			line, msg := yamlx.Split(err)
			d := diag.Errorf(p, line, "invalid YAML: %s", msg)
			return nil, false, &d
		}
	case ".json":
		if err := json.Unmarshal(src, &v); err != nil {
			d := diag.Errorf(p, 0, "invalid JSON: %v", err)
			return nil, false, &d
		}
	case ".csv", ".tsv":
		r := csv.NewReader(bytes.NewReader(src))
		if ext == ".tsv" {
			r.Comma = '\t'
		}
		rows, err := r.ReadAll()
		if err != nil {
			d := diag.Errorf(p, 0, "invalid %s: %v", strings.ToUpper(ext[1:]), err)
			return nil, false, &d
		}
		v = csvRows(rows)
	default:
		return nil, false, nil
	}
	return normaliseData(v), true, nil
}

// csvRows turns rows under a header row into maps, as Jekyll's CSV reader
// with headers does.
func csvRows(rows [][]string) []any {
	if len(rows) == 0 {
		return []any{}
	}
	out := make([]any, 0, len(rows)-1)
	for _, row := range rows[1:] {
		m := make(map[string]any, len(rows[0]))
		for i, h := range rows[0] {
			if i < len(row) {
				m[h] = row[i]
			}
		}
		out = append(out, m)
	}
	return out
}

// normaliseData makes YAML's map[any]any-free values uniform: every map
// keyed by string, as Liquid reads them.
func normaliseData(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = normaliseData(x)
		}
		return v
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[rubyString(k)] = normaliseData(x)
		}
		return m
	case []any:
		for i, x := range v {
			v[i] = normaliseData(x)
		}
	}
	return v
}

// setData puts value at a slash path in data, making maps on the way.
func setData(data map[string]any, rel string, value any) {
	parts := strings.Split(rel, "/")
	for _, part := range parts[:len(parts)-1] {
		next, ok := data[part].(map[string]any)
		if !ok {
			next = map[string]any{}
			data[part] = next
		}
		data = next
	}
	data[parts[len(parts)-1]] = value
}
