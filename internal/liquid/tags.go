package liquid

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/parser"
	"github.com/osteele/liquid/render"
	"github.com/osteele/liquid/values"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// stateKey binds the render state among the template variables, where tags
// can reach it. Liquid identifiers cannot spell it, so no template can.
const stateKey = "\x00weeknotes"

// renderState is what the tags of one rendering share: where to report, and
// how to resolve. An include renders with a child state that knows where
// the include was called from.
type renderState struct {
	variant  *variant
	resolver Resolver
	resolved map[string]string // URLs of the body's literal post_url and link targets
	out      *bodyRender

	parent      *renderState
	includePath string // the include file this state renders, for messages
	includeLine int    // the line of the include tag in the parent
	depth       int
}

// report records a diagnostic at a line of the template this state
// renders. Lines inside includes become the line of the outermost include
// tag in the body, and the message says where in the include it was.
func (s *renderState) report(sev diag.Severity, line int, msg string) {
	where := ""
	for ; s.parent != nil; s = s.parent {
		loc := fmt.Sprintf("%s:%d", s.includePath, line)
		if line <= 0 {
			loc = s.includePath
		}
		if where == "" {
			where = " (in " + loc
		} else {
			where += ", included from " + loc
		}
		line = s.includeLine
	}
	if where != "" {
		msg += where + ")"
	}
	if line < s.out.first {
		line = 0
	}
	s.out.add(diag.Diagnostic{Severity: sev, File: s.out.in.File, Line: line, Message: msg})
}

// checkLimits is a checkpoint of the work limits, passed where rendering
// can repeat: loop iterations, includes, outputs. Once a limit is exceeded
// it reports it, once, at the line of the tag being rendered, and stops the
// rendering.
func (s *renderState) checkLimits(ctx render.Context) error {
	w := &s.out.work
	if w.over == "" {
		w.lastState, w.lastCtx = s, ctx
		return nil
	}
	if !w.reported {
		w.reported = true
		s.report(diag.Error, tagLine(ctx), w.over)
	}
	return errOverLimit
}

// isTopLevel reports whether the state renders the body itself rather than
// an include.
func (s *renderState) isTopLevel() bool { return s.parent == nil }

var errNoState = errors.New("liquid tag rendered outside weeknotes")

func stateOf(ctx render.Context) (*renderState, error) {
	st, ok := ctx.Get(stateKey).(*renderState)
	if !ok {
		return nil, errNoState
	}
	return st, nil
}

// tagLine returns the line of the tag being rendered. The library keeps
// source locations private, but the errors it makes carry them.
func tagLine(ctx render.Context) int {
	return ctx.Errorf("").LineNumber()
}

// sourceError is the error type of the library's parser and renderer.
type sourceError interface {
	error
	Cause() error
	Path() string
	LineNumber() int
}

// messageOf returns the message of a library error without the library's
// "Liquid error (line N): … in path" framing, which diagnostics carry in
// their own fields.
func messageOf(err error) string {
	if msg, ok := tooLarge(err); ok {
		return msg
	}
	msg := err.Error()
	var se sourceError
	if errors.As(err, &se) {
		msg = se.Error()
		if rest, ok := strings.CutPrefix(msg, "Liquid error"); ok {
			if _, after, found := strings.Cut(rest, ": "); found {
				msg = after
			}
			if se.Path() != "" {
				msg = strings.TrimSuffix(msg, " in "+se.Path())
			}
		}
	}
	// Statement parsers prefix the source with a selector that means
	// nothing to an author.
	msg = statementSelector.ReplaceAllString(msg, `"`)
	if m := unmatchedEnd.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("{%% %s %%} without a matching {%% %s %%}", m[1], m[2])
		if m[3] != "" {
			msg += "; the open block is " + m[3]
		}
	}
	if rest, ok := strings.CutPrefix(msg, "undefined tag "); ok {
		msg = "unknown tag " + rest
	}
	if rest, ok := strings.CutPrefix(msg, "undefined filter "); ok {
		msg = "unknown filter " + rest
	}
	return msg
}

var (
	statementSelector = regexp.MustCompile(`"(?:%assign |\{%cycle |%loop |\{%when )`)
	unmatchedEnd      = regexp.MustCompile(`^(end(\w+)) not inside (?:; immediate parent is (\w+))?$`)
)

// undefinedFilter returns the filter name when err comes from applying a
// filter that does not exist.
func undefinedFilter(err error) (string, bool) {
	for depth := 0; err != nil && depth < 32; depth++ {
		if uf, ok := err.(expressions.UndefinedFilter); ok {
			return string(uf), true
		}
		next := errors.Unwrap(err)
		if c, ok := err.(interface{ Cause() error }); ok && c.Cause() != nil {
			next = c.Cause()
		}
		err = next
	}
	return "", false
}

// includeFailure carries an error out of an include. It deliberately is not
// a library source error, so that the library locates it at the include tag
// instead of keeping the include's own path and line.
type includeFailure struct{ err error }

func (f includeFailure) Error() string { return f.err.Error() }
func (f includeFailure) Unwrap() error { return f.err }

// loopStepTag is the tag that compile puts first in every loop's body. Its
// name cannot collide with a tag an author would write.
const loopStepTag = "__weeknotes_loop"

func (e *Engine) addTags(cfg *render.Config) {
	cfg.AddTag("post_url", e.targetTag("post_url"))
	cfg.AddTag("link", e.targetTag("link"))
	cfg.AddTag("include", e.includeTag("include"))
	cfg.AddTag("include_relative", e.includeTag("include_relative"))
	cfg.AddTag(outputTag, e.outputTagCompiler)
	cfg.AddTag(loopStepTag, e.loopStepCompiler)
	cfg.AddBlock("highlight").Compiler(highlightCompiler)
	cfg.AddBlock(captureTag).Compiler(e.captureCompiler)
	e.addTemplateTags(cfg)
}

// loopStepCompiler compiles the tag that counts one iteration of the loop
// it is first in. Its arguments are the loop's tag name, and it is located
// at the loop's tag (see limitWork).
func (e *Engine) loopStepCompiler(string) (func(io.Writer, render.Context) error, error) {
	return func(_ io.Writer, ctx render.Context) error {
		st, err := stateOf(ctx)
		if err != nil {
			return err
		}
		r := st.out
		if r.work.iterations++; r.work.iterations > e.limits.iterations {
			r.exceed(fmt.Sprintf("%s: more than %d loop iterations in this post; is a range or list larger than intended?", ctx.TagArgs(), e.limits.iterations))
		}
		return st.checkLimits(ctx)
	}, nil
}

// targetTag compiles {% post_url name %} and {% link path %}. Literal
// targets in the body were checked before rendering (see
// resolveStaticTargets); the rest are checked as they render.
func (e *Engine) targetTag(name string) render.TagCompiler {
	return func(args string) (func(io.Writer, render.Context) error, error) {
		args = strings.TrimSpace(args)
		if args == "" {
			if name == "link" {
				return nil, errors.New("link: missing path; write {% link static/images/a.png %}")
			}
			return nil, errors.New("post_url: missing post name; write {% post_url 2021-01-10-slug %}")
		}
		dynamic := strings.Contains(args, "{{")
		return func(w io.Writer, ctx render.Context) error {
			st, err := stateOf(ctx)
			if err != nil {
				return err
			}
			target := args
			if dynamic {
				expanded, err := ctx.ExpandTagArg()
				if err != nil {
					return err
				}
				target = strings.TrimSpace(expanded)
			} else if st.isTopLevel() {
				_, err := io.WriteString(w, st.resolved[targetKey(name, args)])
				return err
			}
			url, ok, msg := resolveTarget(st.resolver, name, target)
			if !ok {
				st.report(diag.Error, tagLine(ctx), msg)
				return nil
			}
			_, err = io.WriteString(w, url)
			return err
		}, nil
	}
}

// maxCachedOutputs bounds the cache of parsed output expressions.
const maxCachedOutputs = 4096

// outputExpr is a parsed {{ expression }}. The same few expressions recur
// in post after post, and parsing them is most of compiling a body.
type outputExpr struct {
	expr     expressions.Expression
	base     string                 // the variable before the filters, when it is to be checked
	baseExpr expressions.Expression // its value, when filters follow it
	err      error
}

func parseOutput(args string) *outputExpr {
	expr, err := parseExpression(args)
	if err != nil {
		return &outputExpr{err: err}
	}
	out := &outputExpr{expr: expr}
	base, filterNames := splitPipeline(args)
	if !isVariablePath(base) || slices.Contains(filterNames, "default") {
		return out
	}
	if len(filterNames) > 0 {
		if out.baseExpr, err = parseExpression(base); err != nil {
			return out
		}
	}
	out.base = base
	return out
}

func (e *Engine) output(args string) *outputExpr {
	if v, ok := e.outputs.Load(args); ok {
		return v.(*outputExpr)
	}
	out := parseOutput(args)
	if e.outputCount.Load() < maxCachedOutputs {
		if _, loaded := e.outputs.LoadOrStore(args, out); !loaded {
			e.outputCount.Add(1)
		}
	}
	return out
}

// outputTagCompiler compiles the tag that scanSource puts in place of
// {{ expression }}. It renders as the library's object would, and warns when
// the variable being output is undefined.
func (e *Engine) outputTagCompiler(args string) (func(io.Writer, render.Context) error, error) {
	parsed := e.output(args)
	if parsed.err != nil {
		return nil, parsed.err
	}
	expr, baseExpr, base, checked := parsed.expr, parsed.baseExpr, parsed.base, parsed.base != ""
	return func(w io.Writer, ctx render.Context) error {
		value, err := ctx.Evaluate(expr)
		if err != nil {
			if _, ok := undefinedFilter(err); ok {
				return err // Render retries with the filter passing through
			}
			st, serr := stateOf(ctx)
			if serr != nil {
				return err
			}
			if msg, ok := tooLarge(err); ok {
				// Stop: the same output in a loop would only fail again.
				st.out.exceed(msg)
				return st.checkLimits(ctx)
			}
			st.report(diag.Error, tagLine(ctx), messageOf(err))
			return nil
		}
		st, err := stateOf(ctx)
		if err != nil {
			return err
		}
		if s, ok := value.(string); ok && len(s) > st.out.work.maxHeld {
			// A value can outgrow the limit without passing through the
			// output, doubling in a capture inside a loop.
			st.out.exceed(fmt.Sprintf("the value of %q is more than %s long; does a loop or capture repeat more than intended?", args, byteSize(e.limits.output)))
		}
		if err := st.checkLimits(ctx); err != nil {
			return err
		}
		if checked {
			baseValue := value
			if baseExpr != nil {
				if baseValue, err = ctx.Evaluate(baseExpr); err != nil {
					baseValue = true // reported through the whole expression, if at all
				}
			}
			if baseValue == nil {
				st.report(diag.Warning, tagLine(ctx), fmt.Sprintf("undefined variable %q", base))
			}
		}
		return writeValue(w, value)
	}, nil
}

// parseExpression parses a Liquid expression, turning the lexer's panic on
// an out-of-range number into an error.
func parseExpression(src string) (expr expressions.Expression, err error) {
	defer func() {
		if p := recover(); p != nil {
			expr, err = nil, fmt.Errorf("syntax error in %q: %v", src, p)
		}
	}()
	return expressions.Parse(src)
}

// writeValue writes a value the way the library writes {{ objects }}.
func writeValue(w io.Writer, value any) error {
	value = values.ToLiquid(value)
	switch v := value.(type) {
	case nil:
		return nil
	case string:
		_, err := io.WriteString(w, v)
		return err
	case time.Time:
		_, err := io.WriteString(w, v.Format("2006-01-02 15:04:05 -0700"))
		return err
	case []byte:
		_, err := w.Write(v)
		return err
	}
	rv := reflect.ValueOf(value)
	switch rv.Kind() {
	case reflect.Array, reflect.Slice:
		for i := range rv.Len() {
			if err := writeValue(w, rv.Index(i).Interface()); err != nil {
				return err
			}
		}
		return nil
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return writeValue(w, rv.Elem().Interface())
	default:
		_, err := fmt.Fprint(w, value)
		return err
	}
}

// highlightSyntax is Jekyll's: a language, then options such as linenos or
// mark_lines="1 2".
var highlightSyntax = regexp.MustCompile(`^([a-zA-Z0-9.+#_-]+)((?:\s+\w+(?:=(?:\w+|"(?:[0-9]+\s)*[0-9]+"))?)*)$`)

var highlightOption = regexp.MustCompile(`(\w+)(?:=(\w+|"[^"]*"))?`)

// fenceLayout is where a highlight block's fence sits in the Markdown
// around the tags. Jekyll outputs HTML there, which Markdown leaves alone
// wherever it is; a fence has to start its own line, inside the same list
// item or block quote as the tag, to be one.
type fenceLayout struct {
	breakBefore bool   // text comes before the highlight tag on its line
	breakAfter  bool   // text comes after the endhighlight tag on its line
	indent      string // what continues the tag's containers on later lines: spaces, tabs and ">"
}

// fenceLayoutMark starts the layout that scanSource adds to a highlight
// tag's arguments. An author cannot type it.
const fenceLayoutMark = "\x00"

// encode returns the layout as scanSource adds it to the arguments: the mark,
// "b" or "-", "a" or "-", and the indent in brackets (which keep its
// spaces from being trimmed as the arguments' end).
func (l *fenceLayout) encode() string {
	flag := func(on bool, c string) string {
		if on {
			return c
		}
		return "-"
	}
	return fenceLayoutMark + flag(l.breakBefore, "b") + flag(l.breakAfter, "a") + "[" + l.indent + "]"
}

// cutFenceLayout splits a highlight tag's arguments into the author's and
// the layout that scanSource added, if any.
func cutFenceLayout(args string) (string, fenceLayout) {
	i := strings.LastIndex(args, fenceLayoutMark)
	if i < 0 {
		return args, fenceLayout{}
	}
	enc := args[i+len(fenceLayoutMark):]
	if len(enc) < 4 || enc[2] != '[' || !strings.HasSuffix(enc, "]") {
		return args, fenceLayout{}
	}
	return args[:i], fenceLayout{breakBefore: enc[0] == 'b', breakAfter: enc[1] == 'a', indent: enc[3 : len(enc)-1]}
}

// fence returns the fenced code block for a highlight block whose body
// rendered as inner, with info after the opening fence. The code's lines
// lose as much of the indent as they start with, as a fence's content
// lines lose the fence's indentation in Markdown, and get all of it back:
// the block stays in the tag's list item or block quote.
func (l fenceLayout) fence(info, inner string) string {
	code := strings.TrimLeft(inner, "\r\n")
	if l.indent != "" {
		lines := strings.Split(code, "\n")
		for i, line := range lines {
			// A first line on the tag's own line is not indented.
			if i > 0 || len(code) < len(inner) {
				n := 0
				for n < len(line) && n < len(l.indent) && line[n] == l.indent[n] {
					n++
				}
				lines[i] = line[n:]
			}
		}
		code = strings.Join(lines, "\n")
	}
	code = strings.Trim(code, "\r\n")
	fence := strings.Repeat("`", max(3, longestRun(code, '`')+1))
	var b strings.Builder
	if l.breakBefore {
		b.WriteString("\n" + l.indent)
	}
	b.WriteString(fence + info + "\n")
	for line := range strings.SplitSeq(code, "\n") {
		if line == "" {
			b.WriteString(strings.TrimRight(l.indent, " \t"))
		} else {
			b.WriteString(l.indent + line)
		}
		b.WriteByte('\n')
	}
	b.WriteString(l.indent + fence)
	if l.breakAfter {
		b.WriteString("\n" + l.indent)
	}
	return b.String()
}

// highlightCompiler compiles {% highlight lang [linenos] %}…{% endhighlight %}
// into a fenced code block, so that the Markdown stage highlights it like
// any other. The block's body is Liquid, as in Jekyll.
func highlightCompiler(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
	args, layout := cutFenceLayout(node.Args)
	args = strings.TrimSpace(args)
	m := highlightSyntax.FindStringSubmatch(args)
	if m == nil {
		return nil, fmt.Errorf("highlight: invalid arguments %q; write {%% highlight LANGUAGE [linenos] %%}", args)
	}
	info := m[1]
	var attrs []string
	for _, opt := range highlightOption.FindAllStringSubmatch(m[2], -1) {
		key, value := opt[1], strings.Trim(opt[2], `"`)
		switch key {
		case "linenos":
			if value == "" || value == "table" || value == "inline" {
				attrs = append(attrs, "linenos="+cmp.Or(value, "table"))
			}
		case "mark_lines", "hl_lines":
			if lines := strings.Fields(value); len(lines) > 0 {
				attrs = append(attrs, "hl_lines=["+strings.Join(lines, ",")+"]")
			}
		}
	}
	if len(attrs) > 0 {
		info += " {" + strings.Join(attrs, " ") + "}"
	}
	return func(w io.Writer, ctx render.Context) error {
		code, err := innerString(ctx)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, layout.fence(info, code))
		return err
	}, nil
}

func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// includeParam matches one key=value of Jekyll's include syntax; a value is
// a quoted string or a variable.
const includeParam = `([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.\[\]-]+))`

var (
	includeParamPattern  = regexp.MustCompile(includeParam)
	includeParamsPattern = regexp.MustCompile(`^(?:\s*` + includeParam + `)*\s*$`)
)

// includeCall is a parsed {% include file key=value %} or
// {% include_relative file key=value %}.
type includeCall struct {
	tag    string // which of the two, or a tag template's name
	file   string
	params []includeArg

	template bool           // a tag template (see tagtemplates.go), read from Options.Tags
	extra    map[string]any // include variables besides params: a tag template's args
}

type includeArg struct {
	key   string
	str   string                 // a quoted value
	value expressions.Expression // a variable value, when not nil
}

// unescapeQuote undoes the one escape Jekyll's include parameters have: a
// backslash before the quote that encloses the value. Other backslashes
// stay, as Jekyll keeps them.
func unescapeQuote(inner string, quote byte) string {
	return strings.ReplaceAll(inner, `\`+string(quote), string(quote))
}

func parseInclude(tag, args string) (includeCall, error) {
	args = strings.TrimSpace(args)
	file, rest := args, ""
	if i := strings.IndexAny(args, " \t\r\n"); i >= 0 {
		file, rest = args[:i], args[i:]
	}
	file = strings.Trim(file, `"'`)
	if file == "" {
		example := "file.html"
		if tag == "include_relative" {
			example = "file.md"
		}
		return includeCall{}, fmt.Errorf("%s: missing file name; write {%% %s %s key=value %%}", tag, tag, example)
	}
	if !includeParamsPattern.MatchString(rest) {
		return includeCall{}, fmt.Errorf("%s: invalid parameters %q; write key=\"text\" or key=variable", tag, strings.TrimSpace(rest))
	}
	call := includeCall{tag: tag, file: file}
	for _, m := range includeParamPattern.FindAllStringSubmatch(rest, -1) {
		arg := includeArg{key: m[1]}
		switch {
		case m[4] != "":
			expr, err := parseExpression(m[4])
			if err != nil {
				return includeCall{}, fmt.Errorf("%s: parameter %s: %w", tag, m[1], err)
			}
			arg.value = expr
		case m[3] != "":
			arg.str = unescapeQuote(m[3], '\'')
		default:
			arg.str = unescapeQuote(m[2], '"')
		}
		call.params = append(call.params, arg)
	}
	return call, nil
}

// maxIncludeDepth stops an include that includes itself.
const maxIncludeDepth = 10

// includeTag compiles {% include file.html key=value %}, which renders a
// file from Options.Includes, and {% include_relative file.md key=value %},
// which renders a file from the post's folder in Options.Source; either
// with the parameters as include.key.
func (e *Engine) includeTag(tag string) render.TagCompiler {
	return func(args string) (func(io.Writer, render.Context) error, error) {
		dynamic := strings.Contains(args, "{{")
		var static includeCall
		if !dynamic {
			var err error
			if static, err = parseInclude(tag, args); err != nil {
				return nil, err
			}
		}
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
				if call, err = parseInclude(tag, expanded); err != nil {
					st.report(diag.Error, tagLine(ctx), err.Error())
					return nil
				}
			}
			return e.renderInclude(w, ctx, st, call)
		}, nil
	}
}

func (e *Engine) renderInclude(w io.Writer, ctx render.Context, st *renderState, call includeCall) error {
	r := st.out
	if r.work.includes++; r.work.includes > e.limits.includes {
		r.exceed(fmt.Sprintf("%s %q: more than %d includes in this post; do includes or loops repeat more than intended?", call.tag, call.file, e.limits.includes))
	}
	if err := st.checkLimits(ctx); err != nil {
		return err
	}
	line := tagLine(ctx)
	if st.depth >= maxIncludeDepth {
		// Report at the include tag in the body: the chain of locations
		// would only repeat itself. Stop, as for the limits, or an include
		// that includes itself twice reports it a thousand times.
		top := st
		for ; top.parent != nil; top = top.parent {
			line = top.includeLine
		}
		r.exceed(fmt.Sprintf("%s %q: includes nested more than %d deep; does it include itself?", call.tag, call.file, maxIncludeDepth))
		r.work.reported = true
		top.report(diag.Error, line, r.work.over)
		return errOverLimit
	}
	inc, msg := e.findInclude(r, call)
	if inc == nil {
		st.report(diag.Error, line, msg)
		return nil
	}
	child := &renderState{
		variant: st.variant, resolver: st.resolver, out: r,
		parent: st, includePath: inc.path, includeLine: line, depth: st.depth + 1,
	}
	if inc.err != nil {
		child.report(diag.Error, inc.errLine, inc.err.Error())
		return nil
	}
	params := make(map[string]any, len(call.params)+len(call.extra))
	for k, v := range call.extra {
		params[k] = v
	}
	for _, p := range call.params {
		if p.value == nil {
			params[p.key] = p.str
			continue
		}
		v, err := ctx.Evaluate(p.value)
		if err != nil {
			return err
		}
		params[p.key] = v
	}
	bindings := make(map[string]any, len(ctx.Bindings())+2)
	for k, v := range ctx.Bindings() {
		bindings[k] = v
	}
	bindings["include"] = params
	bindings[stateKey] = child
	buf := &limitedBuffer{r: r}
	rerr := render.Render(inc.root, buf, bindings, st.variant.cfg)
	// The output moves from this buffer to the caller's: count it once.
	r.work.held -= buf.buf.Len()
	if r.work.over != "" {
		// Stop the caller too. A limit exceeded by the include's output is
		// reported here, at the include tag, unless a checkpoint in the
		// include reported it already.
		return st.checkLimits(ctx)
	}
	if rerr != nil {
		if _, ok := undefinedFilter(rerr); ok {
			return includeFailure{rerr}
		}
		errLine := 0
		if rerr.Path() == inc.path {
			errLine = rerr.LineNumber()
		}
		child.report(diag.Error, errLine, messageOf(rerr))
		return nil
	}
	_, err := w.Write(buf.buf.Bytes())
	return err
}

// findInclude returns the file that call includes, or nil and the message
// to report.
func (e *Engine) findInclude(r *bodyRender, call includeCall) (*includeEntry, string) {
	if call.template {
		if inc := e.tagTemplate(call.file); !inc.missing {
			return inc, ""
		}
		return nil, fmt.Sprintf("%s: no file %s", call.tag, path.Join(e.opts.TagsDir, call.file))
	}
	if call.tag == "include" {
		if inc := e.include(call.file); !inc.missing {
			return inc, ""
		}
		msg := fmt.Sprintf("include: no file %q", call.file)
		if e.opts.IncludesDir != "" {
			msg += " in " + e.opts.IncludesDir
		}
		return nil, msg
	}
	// As in Jekyll, the file is found from the post, even when the tag is
	// in an include, and ".." may not lead out of the post's folder.
	dir := path.Dir(r.in.File)
	if path.IsAbs(call.file) || slices.Contains(strings.Split(call.file, "/"), "..") {
		return nil, fmt.Sprintf("include_relative: %q is not in the post's folder %s; name a file in it or below it, without \"..\"", call.file, dir)
	}
	name := path.Join(dir, call.file)
	inc, ok := r.relative[name]
	if !ok {
		inc = &includeEntry{}
		e.loadInclude(inc, call.tag, e.opts.Source, name, name)
		if r.relative == nil {
			r.relative = map[string]*includeEntry{}
		}
		r.relative[name] = inc
		if r.in.Included != nil {
			r.in.Included(name)
		}
	}
	if inc.missing {
		return nil, fmt.Sprintf("include_relative: no file %q in %s", call.file, dir)
	}
	return inc, ""
}

// includeEntry is an include file, compiled once per Engine (or, for
// include_relative, once per Render).
type includeEntry struct {
	once    sync.Once
	path    string // for messages
	missing bool
	root    render.Node
	err     error // reading or compiling failed
	errLine int
}

func (e *Engine) include(name string) *includeEntry {
	v, _ := e.includes.LoadOrStore(name, &includeEntry{})
	inc := v.(*includeEntry)
	inc.once.Do(func() {
		display := name
		if e.opts.IncludesDir != "" {
			display = path.Join(e.opts.IncludesDir, name)
		}
		e.loadInclude(inc, "include", e.opts.Includes, name, display)
	})
	return inc
}

// loadInclude reads and compiles the file name of fsys for tag, calling it
// display in messages.
func (e *Engine) loadInclude(inc *includeEntry, tag string, fsys fs.FS, name, display string) {
	defer func() {
		// See Render: the library panics on a few malformed inputs.
		if p := recover(); p != nil {
			inc.root, inc.err, inc.errLine = nil, fmt.Errorf("the Liquid engine could not process this file: %v", p), 0
		}
	}()
	inc.path = display
	if fsys == nil || !fs.ValidPath(name) {
		inc.missing = true
		return
	}
	src, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		inc.missing = true
		return
	}
	if err != nil {
		inc.err = fmt.Errorf("%s: reading %s: %w", tag, display, err)
		return
	}
	sc := scanSource(string(src), 1, true)
	for _, t := range sc.tags {
		if !e.isTag(t.name) {
			inc.err, inc.errLine = errors.New(e.unknownTag(t.name)), t.line
			return
		}
	}
	root, perr := e.compile(sc.source, parser.SourceLoc{Pathname: display, LineNo: 1})
	if perr != nil {
		inc.err, inc.errLine = errors.New(messageOf(perr)), perr.LineNumber()
		return
	}
	inc.root = root
}
