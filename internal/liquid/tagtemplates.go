package liquid

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/osteele/liquid/render"
)

// Tag templates stand in for the Liquid tags of Jekyll plugins, which
// weeknotes cannot run: a file youtube.html in Options.Tags defines
// {% youtube dQw4w9WgXcQ %}. The file renders as an include does, with
// the tag's arguments as include variables:
//
//	include.args    every positional argument, in order (a list of text)
//	include.arg1 …  the same one by one
//	include.key     a key=value argument ("…", '…' or a word)
//	include.markup  the whole argument text as written
//
// Arguments are text, as a plugin receives them: {% youtube page.video %}
// passes the words "page.video"; write {% youtube {{ page.video }} %} for
// the variable's value. Tags the engine already has (Liquid's and
// Jekyll's) cannot be redefined.

// tagTemplateName matches the file names that can define a tag.
var tagTemplateName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\.html$`)

// tagTemplates lists the tags that Options.Tags defines, sorted.
func tagTemplates(fsys fs.FS) []string {
	if fsys == nil {
		return nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && tagTemplateName.MatchString(e.Name()) {
			names = append(names, strings.TrimSuffix(e.Name(), ".html"))
		}
	}
	sort.Strings(names)
	return names
}

// addTemplateTags defines each tag template whose name is not a tag already.
func (e *Engine) addTemplateTags(cfg *render.Config) {
	for _, name := range e.templateTags {
		if _, ok := cfg.FindTagDefinition(name); ok {
			continue
		}
		if _, ok := cfg.BlockSyntax(name); ok {
			continue
		}
		cfg.AddTag(name, e.templateTag(name))
	}
}

// templateTag compiles {% name arguments %}.
func (e *Engine) templateTag(name string) render.TagCompiler {
	return func(args string) (func(io.Writer, render.Context) error, error) {
		dynamic := strings.Contains(args, "{{")
		static := parseTagArgs(name, args)
		return func(w io.Writer, ctx render.Context) error {
			st, err := stateOf(ctx)
			if err != nil {
				return err
			}
			call := static
			if dynamic {
				expanded, err := ctx.ExpandTagArg()
				if err != nil {
					return err
				}
				call = parseTagArgs(name, expanded)
			}
			return e.renderInclude(w, ctx, st, call)
		}, nil
	}
}

// tagArg matches one argument: key=value, or a positional value; a value
// is quoted ("…" or '…', with backslash escapes) or runs to the next space.
var tagArg = regexp.MustCompile(`(?:([A-Za-z_][\w-]*)\s*=\s*)?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\S+)`)

// parseTagArgs reads a tag template's arguments, as text. It accepts
// anything: a plugin tag's arguments have no fixed syntax.
func parseTagArgs(name, args string) includeCall {
	call := includeCall{tag: name, file: name + ".html", template: true}
	positional := []any{}
	extra := map[string]any{"markup": strings.TrimSpace(args)}
	for _, m := range tagArg.FindAllStringSubmatch(args, -1) {
		value := unquoteArg(m[2])
		if m[1] == "" {
			positional = append(positional, value)
			extra["arg"+strconv.Itoa(len(positional))] = value
			continue
		}
		call.params = append(call.params, includeArg{key: m[1], str: value})
	}
	extra["args"] = positional
	call.extra = extra
	return call
}

// unquoteArg removes a value's quotes and unescapes them as an include
// parameter's are (see unescapeQuote), so that a value reads the same in
// either tag.
func unquoteArg(v string) string {
	if len(v) < 2 || (v[0] != '"' && v[0] != '\'') || v[len(v)-1] != v[0] {
		return v
	}
	return unescapeQuote(v[1:len(v)-1], v[0])
}

// tagTemplate returns the compiled file of a tag template.
func (e *Engine) tagTemplate(file string) *includeEntry {
	v, _ := e.tagFiles.LoadOrStore(file, &includeEntry{})
	inc := v.(*includeEntry)
	inc.once.Do(func() {
		e.loadInclude(inc, strings.TrimSuffix(file, ".html"), e.opts.Tags, file, path.Join(e.opts.TagsDir, file))
	})
	return inc
}

// unknownTag is the message for a tag the engine does not have; with a
// folder for tag templates, it says where to define one.
func (e *Engine) unknownTag(name string) string {
	if e.opts.TagsDir == "" || !tagTemplateName.MatchString(name+".html") {
		return fmt.Sprintf("unknown tag %q", name)
	}
	return fmt.Sprintf("unknown tag %q; define it in %s", name, path.Join(e.opts.TagsDir, name+".html"))
}
