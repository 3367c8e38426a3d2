package site

import (
	"fmt"
	"html/template"
	"reflect"
	"strings"
	"sync"
)

// maxPartialDepth bounds partials rendered within partials. A partial
// that renders itself would otherwise recurse until the stack ran out:
// each partialCached call starts a new execution, which text/template's
// own depth limit does not see.
const maxPartialDepth = 100

// maxVariants is how many variant keys partialCached takes. Four is more
// than a theme needs to tell apart the versions of a banner or a footer;
// a fixed-size key makes the lookup on every page cost no allocation.
const maxVariants = 4

// partialKey identifies one cached rendering: the template's name and the
// variant values the calling template passed. Their count is part of it,
// so that a nil variant is not the same as none.
type partialKey struct {
	name     string
	n        int
	variants [maxVariants]any
}

// partialCache keeps what partialCached rendered during one build. Hugo's
// function of the same name, with the same rule: the output depends only
// on the template's name and the variants, so the context is not part of
// the key and the theme passes as variants whatever its output varies
// with. The default theme's banner and footer are the same on every post
// page; rendered once, they save about a sixth of a post page's template
// time.
type partialCache struct {
	m sync.Map // partialKey → template.HTML
	// uncached names the partials rendered afresh on every call: see
	// sitePartialsCachedByDefaults.
	uncached map[string]bool
}

// reset forgets every rendering: the next build's site may differ.
func (c *partialCache) reset() { c.m.Clear() }

// funcFor returns the partialCached function for one template set. It
// executes the named template of that set, which is the clone the calling
// goroutine is rendering with (see setPool), so it takes no lock.
func (c *partialCache) funcFor(set *template.Template) func(name string, context any, variants ...any) (template.HTML, error) {
	// The set is one goroutine's (see setPool), and so is depth.
	depth := 0
	render := func(name string, context any) (template.HTML, error) {
		if depth >= maxPartialDepth {
			return "", fmt.Errorf("partialCached %q: partials nested %d deep; does one render itself?", name, depth)
		}
		depth++
		defer func() { depth-- }()
		var b strings.Builder
		if err := set.ExecuteTemplate(&b, name, context); err != nil {
			return "", err
		}
		return template.HTML(b.String()), nil
	}
	return func(name string, context any, variants ...any) (template.HTML, error) {
		if c.uncached[name] {
			return render(name, context)
		}
		key := partialKey{name: name, n: len(variants)}
		if len(variants) > maxVariants {
			return "", fmt.Errorf("partialCached %q: at most %d variants, got %d", name, maxVariants, len(variants))
		}
		for i, v := range variants {
			if v != nil && !reflect.TypeOf(v).Comparable() {
				return "", fmt.Errorf("partialCached %q: variant %d is a %T, which cannot be a key; pass a string, a number or a pointer", name, i+1, v)
			}
			key.variants[i] = v
		}
		if html, ok := c.m.Load(key); ok {
			return html.(template.HTML), nil
		}
		html, err := render(name, context)
		if err != nil {
			return "", err
		}
		// Two goroutines may render the same key at once. The first
		// rendering stored is the one every page gets, so that all pages
		// agree even when a partial's output depends on more than its key.
		kept, _ := c.m.LoadOrStore(key, html)
		return kept.(template.HTML), nil
	}
}

// unboundPartialCached stands in for partialCached while templates are
// parsed: the parser needs every function's name, and each rendering clone
// then binds its own (see setPool.get).
func unboundPartialCached(name string, _ any, _ ...any) (template.HTML, error) {
	return "", fmt.Errorf("partialCached %q: called outside a page rendering", name)
}
