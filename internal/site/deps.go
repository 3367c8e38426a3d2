package site

import (
	"fmt"
	"html/template"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
)

// Which pages a change affects: a page is kept from the last build when
// nothing it shows has changed, and what it shows is what its template set
// can read of its Page. analyseDeps walks the set's parse trees once per
// theme and returns every path of fields an execution could follow from
// the page (.Post.Newer.Title, .Site.Tags[].URL, …) as a tree; a page's
// fingerprint then hashes the values at those paths and nothing else (see
// depNode.hash). A post page of the default theme reads its own post, its
// neighbours' titles and URLs and a few facts of the whole site, so a new
// post re-renders its neighbour, the lists that show it and the indexes,
// not every post page.
//
// The analysis over-approximates: it follows every branch of every if,
// with and range, every template and partial a template may call, and
// every value a variable may hold. Where it cannot follow (a function it
// does not know, a partial named by a variable, recursion that walks ever
// deeper paths) it gives up, and the set's pages are fingerprinted with
// everything every page could show, as before.

// maxDepDepth bounds the length of a path: a template that calls itself on
// .Newer would otherwise make ever longer ones.
const maxDepDepth = 24

// maxDepSteps bounds the analysis of one set. The default theme takes
// about 3,000.
const maxDepSteps = 200_000

// depElem is the path step from a list or map to its elements.
const depElem = "[]"

// depNode is one path of fields from the page, and the paths that go on
// from it.
type depNode struct {
	id    int
	depth int
	kids  map[string]*depNode
	names []string   // keys of kids, sorted, once frozen: the order of hashing
	order []*depNode // kids in the order of names

	// used says the value itself may be used (printed, compared, ranged
	// over, passed on), not only a field of it read: a map that is only
	// looked into is hashed by the keys looked up.
	used bool
	// tested says the value is tested by an if, which needs only whether
	// it is empty; used, where both are set, wins.
	tested bool

	// owner and field say which field this node is of its parent when the
	// parent is of the struct type the model declares: filled once, by
	// indexFields, and only read while hashing.
	owner reflect.Type
	field int

	// On a node whose value is a post (split): which of the kids are the
	// post's own fields and which lead to other records. See fieldSums.
	split   bool
	own     []int
	records []int
}

// child returns the node for the step name from n, making it the first
// time.
func (n *depNode) child(a *depAnalysis, name string) *depNode {
	if k := n.kids[name]; k != nil {
		return k
	}
	if n.depth >= maxDepDepth {
		a.fail("a path of more than %d fields", maxDepDepth)
		return n
	}
	if n.kids == nil {
		n.kids = map[string]*depNode{}
	}
	a.nodes++
	k := &depNode{id: a.nodes, depth: n.depth + 1}
	n.kids[name] = k
	return k
}

// freeze sorts every node's steps, so that hashing follows one order.
func (n *depNode) freeze() {
	n.names = n.names[:0]
	for name, k := range n.kids {
		n.names = append(n.names, name)
		k.freeze()
	}
	slices.Sort(n.names)
	n.order = n.order[:0]
	for _, name := range n.names {
		n.order = append(n.order, n.kids[name])
	}
}

// paths lists every path of the tree, for tests and messages.
func (n *depNode) paths() []string {
	var out []string
	var walk func(prefix string, n *depNode)
	walk = func(prefix string, n *depNode) {
		out = append(out, prefix)
		for _, name := range n.names {
			sep := "."
			if name == depElem {
				sep = ""
			}
			walk(prefix+sep+name, n.kids[name])
		}
	}
	for _, name := range n.names {
		walk("."+name, n.kids[name])
	}
	return out
}

// depVal is what a template value may be: a set of paths from the page.
// A value that is no part of the page (a string a function made, a number
// in the template) is the empty set.
type depVal []*depNode

func (v depVal) union(w depVal) depVal {
	out := slices.Clone(v)
	for _, n := range w {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// maxDepVal bounds how many paths one value may be, which keeps unions,
// quadratic in it, cheap: the default theme's values are one path or two.
const maxDepVal = 64

// bound gives up when v has grown past maxDepVal paths.
func (a *depAnalysis) bound(v depVal) depVal {
	if len(v) > maxDepVal {
		a.fail("a value that may be any of more than %d fields", maxDepVal)
		return v[:maxDepVal]
	}
	return v
}

// key identifies the set, for remembering which templates were walked with
// which dot.
func (v depVal) key() string {
	ids := make([]int, len(v))
	for i, n := range v {
		ids[i] = n.id
	}
	slices.Sort(ids)
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.Itoa(id))
		b.WriteByte(',')
	}
	return b.String()
}

// depVars are the variables of one template execution, each with every
// value it may hold.
type depVars map[string]depVal

// scalarFuncs are the functions whose results are no part of the page:
// strings, numbers and booleans made from their arguments, which the
// analysis has already followed.
var scalarFuncs = map[string]bool{
	"not": true, "eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true, "len": true,
	"print": true, "printf": true, "println": true, "html": true, "js": true, "urlquery": true,
	"relURL": true, "absURL": true, "date": true, "isoDate": true, "humanDate": true,
	"replace": true, "hasPrefix": true, "plural": true,
}

// depAnalysis is one run of analyseDeps.
type depAnalysis struct {
	set    *template.Template
	root   *depNode
	nodes  int
	steps  int
	depth  int             // templates being walked, one inside another
	walked map[string]bool // template name and dot key: walked already
	failed string          // why the analysis gave up; "" while it has not
}

// analyseDeps returns the paths the set's base.html may read from its
// page, or nil and the reason it cannot tell.
func analyseDeps(set *template.Template) (*depNode, string) {
	a := &depAnalysis{set: set, root: &depNode{}, walked: map[string]bool{}}
	a.callTemplate("base.html", depVal{a.root})
	if a.failed != "" {
		return nil, a.failed
	}
	a.root.freeze()
	a.root.indexFields(reflect.TypeFor[Page]())
	return a.root, ""
}

func (a *depAnalysis) fail(format string, args ...any) {
	if a.failed == "" {
		a.failed = fmt.Sprintf(format, args...)
	}
}

// callTemplate walks the named template with dot, once for each dot. A
// template's variables may carry values from one turn of a loop to the
// next, so its body is walked until they stop growing.
func (a *depAnalysis) callTemplate(name string, dot depVal) {
	t := a.set.Lookup(name)
	if t == nil || t.Tree == nil || a.failed != "" {
		return // executing it fails, and a failed page is never kept
	}
	key := name + "|" + dot.key()
	if a.walked[key] {
		return
	}
	a.walked[key] = true
	if a.depth++; a.depth > 64 {
		a.fail("templates nested more than 64 deep")
		return
	}
	defer func() { a.depth-- }()
	vars := depVars{"$": dot}
	for range 8 {
		before := varsSize(vars)
		a.walk(t.Tree.Root, dot, vars)
		if varsSize(vars) == before || a.failed != "" {
			return
		}
	}
	a.fail("the variables of %s do not settle", name)
}

func varsSize(vars depVars) int {
	n := len(vars)
	for _, v := range vars {
		n += len(v)
	}
	return n
}

// walk follows one node of a template's tree.
func (a *depAnalysis) walk(node parse.Node, dot depVal, vars depVars) {
	if a.steps++; a.steps > maxDepSteps {
		a.fail("more than %d steps", maxDepSteps)
	}
	if a.failed != "" {
		return
	}
	switch n := node.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				a.walk(c, dot, vars)
			}
		}
	case *parse.ActionNode:
		a.pipe(n.Pipe, dot, vars)
	case *parse.IfNode:
		if !a.testOnly(n.Pipe, dot, vars) {
			a.pipe(n.Pipe, dot, vars)
		}
		a.walk(n.List, dot, vars)
		a.walk(n.ElseList, dot, vars)
	case *parse.WithNode:
		v := a.pipe(n.Pipe, dot, vars)
		a.walk(n.List, v, vars)
		a.walk(n.ElseList, dot, vars)
	case *parse.RangeNode:
		a.rangeNode(n, dot, vars)
	case *parse.TemplateNode:
		var v depVal
		if n.Pipe != nil {
			v = a.pipe(n.Pipe, dot, vars)
		}
		a.callTemplate(n.Name, v)
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	default:
		a.fail("a template node of type %T", node)
	}
}

// rangeNode walks a range: inside, dot and the last variable are the
// elements; the first of two variables is the index or key.
func (a *depAnalysis) rangeNode(n *parse.RangeNode, dot depVal, vars depVars) {
	v := a.commands(n.Pipe, dot, vars)
	elems := a.elem(v)
	switch decl := n.Pipe.Decl; len(decl) {
	case 1:
		vars[decl[0].Ident[0]] = a.bound(vars[decl[0].Ident[0]].union(elems))
	case 2:
		vars[decl[1].Ident[0]] = a.bound(vars[decl[1].Ident[0]].union(elems))
	}
	a.walk(n.List, elems, vars)
	a.walk(n.ElseList, dot, vars)
}

// pipe follows a pipeline and binds its variables.
func (a *depAnalysis) pipe(p *parse.PipeNode, dot depVal, vars depVars) depVal {
	v := a.commands(p, dot, vars)
	for _, d := range p.Decl {
		vars[d.Ident[0]] = a.bound(vars[d.Ident[0]].union(v))
	}
	return v
}

// commands follows a pipeline's commands, each given the last's value.
func (a *depAnalysis) commands(p *parse.PipeNode, dot depVal, vars depVars) depVal {
	var v depVal
	for i, c := range p.Cmds {
		v = a.command(c, dot, vars, v, i > 0)
	}
	return v
}

// command follows one command: a field, a function call or a value.
func (a *depAnalysis) command(c *parse.CommandNode, dot depVal, vars depVars, piped depVal, hasPiped bool) depVal {
	if fn, ok := c.Args[0].(*parse.IdentifierNode); ok {
		args := make([]depVal, 0, len(c.Args))
		for _, arg := range c.Args[1:] {
			args = append(args, a.arg(arg, dot, vars))
		}
		if hasPiped {
			args = append(args, piped)
		}
		return a.call(fn.Ident, args, c.Args[1:])
	}
	for _, arg := range c.Args[1:] {
		a.arg(arg, dot, vars) // a method's arguments
	}
	return a.arg(c.Args[0], dot, vars)
}

// arg follows one operand.
func (a *depAnalysis) arg(node parse.Node, dot depVal, vars depVars) depVal {
	switch n := node.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return a.access(dot, n.Ident)
	case *parse.VariableNode:
		return a.access(vars[n.Ident[0]], n.Ident[1:])
	case *parse.ChainNode:
		return a.access(a.arg(n.Node, dot, vars), n.Field)
	case *parse.PipeNode:
		return a.pipe(n, dot, vars)
	case *parse.IdentifierNode:
		return a.call(n.Ident, nil, nil)
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
		return nil
	}
	a.fail("an operand of type %T", node)
	return nil
}

// call follows a function call.
func (a *depAnalysis) call(name string, args []depVal, argNodes []parse.Node) depVal {
	switch {
	case scalarFuncs[name] || strings.HasPrefix(name, "_html_template_"):
		return nil
	case name == "and" || name == "or":
		var v depVal
		for _, arg := range args {
			v = v.union(arg)
		}
		return a.bound(v)
	case name == "index" && len(args) > 0:
		v := args[0]
		for range args[1:] {
			v = a.elem(v)
		}
		return v
	case name == "slice" && len(args) > 0:
		return args[0]
	case name == "partialCached" && len(argNodes) > 0:
		partial, ok := argNodes[0].(*parse.StringNode)
		if !ok {
			a.fail("partialCached with a name that is not a string in quotes")
			return nil
		}
		var ctx depVal
		if len(args) > 1 {
			ctx = args[1]
		}
		a.callTemplate(partial.Text, ctx)
		return nil
	}
	a.fail("the function %s", name)
	return nil
}

// access follows fields from every path of v.
func (a *depAnalysis) access(v depVal, fields []string) depVal {
	if len(fields) == 0 {
		return v
	}
	out := make(depVal, 0, len(v))
	for _, n := range v {
		for _, f := range fields {
			n = n.child(a, f)
		}
		n.used = true
		out = out.union(depVal{n})
	}
	return a.bound(out)
}

// testOnly follows the pipeline of an if that is one field or variable
// ({{if .Site.Tags}}), whose value is only tested: the fields it ends at
// are marked tested, not used, so that a list there is hashed by whether
// it is empty. A new tag then leaves every page that only asks whether
// there are tags as it was. It reports false, following nothing, for any
// other pipeline.
func (a *depAnalysis) testOnly(p *parse.PipeNode, dot depVal, vars depVars) bool {
	if len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	var from depVal
	var fields []string
	switch arg := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		from, fields = dot, arg.Ident
	case *parse.VariableNode:
		from, fields = vars[arg.Ident[0]], arg.Ident[1:]
	default:
		return false
	}
	if len(fields) == 0 {
		return false
	}
	for _, n := range from {
		for _, f := range fields {
			n = n.child(a, f)
		}
		n.tested = true
	}
	return true
}

// elem is the elements of every list or map of v.
func (a *depAnalysis) elem(v depVal) depVal {
	out := make(depVal, 0, len(v))
	for _, n := range v {
		n.used = true // ranged over: every entry, and a map's keys
		kid := n.child(a, depElem)
		kid.used = true
		out = out.union(depVal{kid})
	}
	return a.bound(out)
}
