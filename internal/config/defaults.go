package config

import (
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultSet is one entry of Jekyll's defaults: front matter values given
// to every file in its scope, under the file's own front matter.
type DefaultSet struct {
	Path    string         // scope path: a prefix of the file's site path, or a glob; "" for every file
	Type    string         // scope type: "posts", "pages", "drafts"; "" for every type
	HasType bool           // the scope names a type (it then wins over one that does not)
	Values  map[string]any // the values
	Line    int            // where the set starts in the configuration file
}

// DefaultValues returns the front matter defaults of a file, as Jekyll's
// FrontmatterDefaults#all does: the values of every set whose scope holds
// the file, a more specific scope's (longer path; a type given) winning
// key by key over a less specific one's, maps merged deeply. path is the
// file's slash path relative to the site root; typ is "posts" or "pages".
func (c *Config) DefaultValues(file, typ string) map[string]any {
	var out map[string]any
	var old *DefaultSet
	for i := range c.Defaults {
		set := &c.Defaults[i]
		if !set.applies(file, typ) {
			continue
		}
		if out == nil {
			out = map[string]any{}
		}
		if old == nil || set.precedes(old) {
			out = deepMerge(out, set.Values)
			old = set
		} else {
			out = deepMerge(set.Values, out)
		}
	}
	return out
}

func (s *DefaultSet) applies(file, typ string) bool {
	if s.HasType && s.Type != typ {
		return false
	}
	scope := sanitizeScope(s.Path)
	switch {
	case scope == "":
		return true
	case strings.Contains(scope, "*"):
		// Jekyll globs the scope against the site's files and asks whether
		// the file's path starts with one of them; a folder of the file's
		// path matching the glob is the same thing.
		parts := strings.Split(file, "/")
		for k := 1; k <= len(parts); k++ {
			if ok, _ := path.Match(scope, strings.Join(parts[:k], "/")); ok {
				return true
			}
		}
		return false
	}
	return strings.HasPrefix(file, scope)
}

// precedes is Jekyll's has_precedence?: a longer scope path wins; between
// equal paths, one with a type wins over one without.
func (s *DefaultSet) precedes(old *DefaultSet) bool {
	newPath, oldPath := sanitizeScope(s.Path), sanitizeScope(old.Path)
	if len(newPath) != len(oldPath) {
		return len(newPath) >= len(oldPath)
	}
	return s.HasType || !old.HasType
}

// sanitizeScope drops a leading slash and a trailing one, as Jekyll does.
func sanitizeScope(p string) string {
	if strings.HasPrefix(p, "/") {
		p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	}
	return p
}

// deepMerge returns base with over's keys laid over it, maps merged key by
// key (Jekyll's Utils.deep_merge_hashes). Neither argument is changed.
func deepMerge(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if om, ok := v.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = deepMerge(bm, om)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// defaults reads the defaults key: a list of {scope: {path, type}, values}.
// A set Jekyll would not use (no values map) is a warning, as in Jekyll.
func (d *decoder) defaults(value *yaml.Node) {
	if value.Kind != yaml.SequenceNode {
		d.warnf(value.Line, "defaults: want a list of {scope, values}, got %s; left out, as Jekyll leaves it out", describe(value))
		return
	}
	for _, item := range value.Content {
		var raw struct {
			Scope  map[string]any `yaml:"scope"`
			Values map[string]any `yaml:"values"`
		}
		if item.Kind != yaml.MappingNode || item.Decode(&raw) != nil || raw.Values == nil {
			d.warnf(item.Line, "defaults: a set needs values: (a map of front matter keys), and may have a scope: with path and type; left out, as Jekyll leaves it out")
			continue
		}
		set := DefaultSet{Values: raw.Values, Line: item.Line}
		if p, ok := raw.Scope["path"].(string); ok {
			set.Path = p
		}
		if t, ok := raw.Scope["type"]; ok && t != nil {
			set.Type, set.HasType = scopeType(t), true
		}
		d.cfg.Defaults = append(d.cfg.Defaults, set)
	}
}

// scopeType names a scope's type, Jekyll's deprecated singulars made plural.
func scopeType(t any) string {
	s, _ := t.(string)
	switch s {
	case "page", "post", "draft":
		return s + "s"
	}
	return s
}
