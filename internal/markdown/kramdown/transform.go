package kramdown

import (
	"bytes"
	"sort"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// transformer applies what the parsers collected once the whole body is
// read: attribute lists move onto their elements (so a definition may come
// after its use, as in kramdown), and defined abbreviations are marked in
// the text.
type transformer struct{}

// Transform implements parser.ASTTransformer.
func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	defs, _ := pc.Get(definitionsKey).(map[string]AttributeList)
	var blocks []*BlockIAL
	var spans []*SpanIAL
	var drop []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *BlockIAL:
			blocks = append(blocks, n)
		case *SpanIAL:
			spans = append(spans, n)
		case *AbbreviationDefinition:
			drop = append(drop, n)
		case *ExtensionBlock:
			if n.Name == "options" {
				drop = append(drop, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range blocks {
		target := blockTarget(n)
		switch {
		case isTOC(n.List, target):
			toc := &TOC{Ordered: target.(*ast.List).IsOrdered()}
			target.Parent().ReplaceChild(target.Parent(), target, toc)
		case target != nil:
			apply(target, n.List, defs)
		}
	}
	for _, n := range blocks {
		n.Parent().RemoveChild(n.Parent(), n)
	}
	for _, n := range drop {
		n.Parent().RemoveChild(n.Parent(), n)
	}
	for _, n := range spans {
		applySpan(n, defs)
	}
	if abbrs, _ := pc.Get(abbreviationsKey).(map[string]string); len(abbrs) > 0 {
		markAbbreviations(doc, reader.Source(), abbrs)
	}
}

// blockTarget is the element a block attribute list belongs to: the block
// just before it when no blank line comes between, otherwise the next
// block, as in kramdown. Lists stacked on one another go to the same block.
func blockTarget(n *BlockIAL) ast.Node {
	if !n.blankBefore {
		prev := n.PreviousSibling()
		for prev != nil && prev.Kind() == KindBlockIAL && !prev.(*BlockIAL).blankBefore {
			prev = prev.PreviousSibling()
		}
		if prev != nil && prev.Kind() != KindBlockIAL {
			return prev
		}
	}
	next := n.NextSibling()
	for next != nil && next.Kind() == KindBlockIAL {
		next = next.NextSibling()
	}
	return next
}

// apply sets the list's attributes on node: first those of the
// definitions it names, then its own.
func apply(node ast.Node, l AttributeList, defs map[string]AttributeList) {
	var all AttributeList
	for _, ref := range l.Refs {
		if def, ok := defs[ref]; ok {
			all.merge(def)
		}
	}
	all.merge(l)
	for _, a := range all.Attrs {
		if a.Name == "class" {
			if old, ok := node.AttributeString("class"); ok {
				if b, ok := old.([]byte); ok && len(b) > 0 {
					node.SetAttributeString("class", []byte(string(b)+" "+a.Value))
					continue
				}
			}
		}
		node.SetAttributeString(a.Name, []byte(a.Value))
	}
}

// applySpan gives a span list's attributes to the element right before
// it, or turns the list back into the text it was.
func applySpan(n *SpanIAL, defs map[string]AttributeList) {
	parent := n.Parent()
	if prev := n.PreviousSibling(); prev != nil {
		switch prev.Kind() {
		case ast.KindEmphasis, ast.KindLink, ast.KindImage, ast.KindCodeSpan, ast.KindAutoLink:
			apply(prev, n.List, defs)
			parent.RemoveChild(parent, n)
			return
		}
	}
	parent.ReplaceChild(parent, n, ast.NewTextSegment(n.Segment))
}

// KindAbbreviation is the kind of Abbreviation.
var KindAbbreviation = ast.NewNodeKind("KramdownAbbreviation")

// Abbreviation is a defined abbreviation in the text, written as <abbr>.
type Abbreviation struct {
	ast.BaseInline
	Title string
}

// Kind implements ast.Node.
func (n *Abbreviation) Kind() ast.NodeKind { return KindAbbreviation }

// Dump implements ast.Node.
func (n *Abbreviation) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Title": n.Title}, nil)
}

// maxPhraseAbbreviations bounds the abbreviations that are not a single
// word ("C++", "e.g."), which are looked for one by one; single words are
// found with one map lookup a word, however many are defined.
const maxPhraseAbbreviations = 100

// abbreviations are a body's defined abbreviations, ready to look for.
type abbreviations struct {
	titles  map[string]string
	phrases []string // the names that are not single words, longest first
}

func newAbbreviations(titles map[string]string) *abbreviations {
	a := &abbreviations{titles: titles}
	for name := range titles {
		if !isWord([]byte(name)) && len(a.phrases) < maxPhraseAbbreviations {
			a.phrases = append(a.phrases, name)
		}
	}
	// Longest first, so that "e.g.," is found before "e.g."; then by name,
	// so that the output does not depend on map order.
	sort.Slice(a.phrases, func(i, j int) bool {
		if len(a.phrases[i]) != len(a.phrases[j]) {
			return len(a.phrases[i]) > len(a.phrases[j])
		}
		return a.phrases[i] < a.phrases[j]
	})
	return a
}

func isWord(b []byte) bool {
	for _, c := range b {
		if !isWordByte(c) {
			return false
		}
	}
	return len(b) > 0
}

// markAbbreviations wraps every whole-word use of a defined abbreviation in
// the body's text (not in code) in an Abbreviation.
func markAbbreviations(doc ast.Node, source []byte, titles map[string]string) {
	abbrs := newAbbreviations(titles)
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindCodeSpan, ast.KindCodeBlock, ast.KindFencedCodeBlock, ast.KindHTMLBlock, ast.KindRawHTML:
			return ast.WalkSkipChildren, nil
		case ast.KindText:
			if t := n.(*ast.Text); !t.IsRaw() {
				texts = append(texts, t)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		abbrs.split(t, source)
	}
}

// split splits t around each abbreviation in it.
func (a *abbreviations) split(t *ast.Text, source []byte) {
	parent := t.Parent()
	seg := t.Segment
	for {
		value := seg.Value(source)
		at, name := a.find(value)
		if at < 0 {
			break
		}
		if at > 0 {
			parent.InsertBefore(parent, t, ast.NewTextSegment(seg.WithStop(seg.Start+at)))
		}
		abbr := &Abbreviation{Title: a.titles[name]}
		abbr.AppendChild(abbr, ast.NewTextSegment(text.NewSegment(seg.Start+at, seg.Start+at+len(name))))
		parent.InsertBefore(parent, t, abbr)
		seg = seg.WithStart(seg.Start + at + len(name))
	}
	if seg.Start == t.Segment.Start {
		return
	}
	if seg.Len() == 0 && !t.SoftLineBreak() && !t.HardLineBreak() {
		parent.RemoveChild(parent, t)
		return
	}
	t.Segment = seg
}

// find finds the first whole-word use of an abbreviation in value.
func (a *abbreviations) find(value []byte) (at int, name string) {
	at = -1
	for i := 0; i < len(value); {
		if !isWordByte(value[i]) {
			i++
			continue
		}
		end := i + 1
		for end < len(value) && isWordByte(value[end]) {
			end++
		}
		if _, ok := a.titles[string(value[i:end])]; ok {
			at, name = i, string(value[i:end])
			break
		}
		i = end
	}
	for _, n := range a.phrases {
		limit := value
		if at >= 0 {
			limit = value[:at]
		}
		for from := 0; from < len(limit); {
			i := bytes.Index(value[from:], []byte(n))
			if i < 0 || from+i >= len(limit) {
				break
			}
			i += from
			if wordBoundary(value, i, i+len(n)) {
				at, name = i, n
				break
			}
			from = i + 1
		}
	}
	return at, name
}

// wordBoundary reports whether value[start:end] is not part of a longer word.
func wordBoundary(value []byte, start, end int) bool {
	if start > 0 && isWordByte(value[start-1]) && isWordByte(value[start]) {
		return false
	}
	return !(end < len(value) && isWordByte(value[end]) && isWordByte(value[end-1]))
}
