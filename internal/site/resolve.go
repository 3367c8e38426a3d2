package site

import (
	"path"
	"sort"
	"strings"
	"sync"
)

// postIndex finds posts by the names authors write in {% post_url %} and
// {% link %}. Jekyll matches post_url by file name first, then by date and
// slug, so both keys are indexed.
type postIndex struct {
	byName     map[string]*postState // "2021-01-10-slug" and "2021/2021-01-10-slug"
	byDateSlug map[string]*postState // "2021-01-10-slug" made from the post's date and slug
	byPath     map[string]*postState // source path, for {% link %}
	staticURL  func(p string) (string, bool)

	namesOnce sync.Once
	posts     []*postState
	names     []string // every name, sorted, for suggestions; made on first use
}

func newPostIndex(posts []*postState, staticURL func(string) (string, bool)) *postIndex {
	ix := &postIndex{
		byName:     make(map[string]*postState, 2*len(posts)),
		byDateSlug: make(map[string]*postState, len(posts)),
		byPath:     make(map[string]*postState, len(posts)),
		staticURL:  staticURL,
	}
	for _, ps := range posts {
		p := ps.post
		ix.byName[p.Name] = ps
		ix.byName[p.RelName] = ps
		if p.HasDate {
			ix.byDateSlug[p.DateString()+"-"+p.Slug] = ps
		}
		ix.byPath[p.Path] = ps
	}
	ix.posts = posts
	return ix
}

func (ix *postIndex) lookup(name string) *postState {
	name = strings.TrimSpace(name)
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".md"), ".markdown")
	if ps := ix.byName[name]; ps != nil {
		return ps
	}
	if ps := ix.byDateSlug[path.Base(name)]; ps != nil {
		return ps
	}
	return nil
}

// suggest returns up to three existing post names closest to name, so that
// a typo in a post_url is one glance from fixed.
func (ix *postIndex) suggest(name string) []string {
	base := path.Base(name)
	type cand struct {
		name string
		dist int
	}
	ix.namesOnce.Do(func() {
		for _, ps := range ix.posts {
			ix.names = append(ix.names, ps.post.Name)
		}
		sort.Strings(ix.names)
	})
	var cands []cand
	limit := len(base)/3 + 2
	for _, n := range ix.names {
		if abs(len(n)-len(base)) > limit {
			continue
		}
		if d := levenshtein(base, n, limit); d <= limit {
			cands = append(cands, cand{n, d})
		}
	}
	// A post with the same slug on another date is the usual mistake.
	if len(cands) == 0 && len(base) > 11 {
		slug := base[11:]
		for _, n := range ix.names {
			if len(n) > 11 && n[11:] == slug {
				cands = append(cands, cand{n, 99})
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].name < cands[j].name
	})
	var out []string
	for i := 0; i < len(cands) && i < 3; i++ {
		out = append(out, cands[i].name)
	}
	return out
}

// levenshtein is the edit distance of a and b, giving up early (returning a
// value above limit) once it cannot be within limit.
func levenshtein(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// resolver answers one post's Liquid link questions and records which names
// it asked for, so that an incremental build knows to re-render the post
// when one of its targets appears, moves or disappears.
type resolver struct {
	ix    *postIndex
	mu    sync.Mutex
	asked map[string]string // name → URL given ("" when missing)
}

func (r *resolver) record(name, url string) {
	r.mu.Lock()
	if r.asked == nil {
		r.asked = make(map[string]string)
	}
	r.asked[name] = url
	r.mu.Unlock()
}

// PostURL implements liquid.Resolver.
func (r *resolver) PostURL(name string) (string, bool, []string) {
	ps := r.ix.lookup(name)
	if ps == nil || !ps.included {
		r.record("post:"+name, "")
		return "", false, r.ix.suggest(name)
	}
	r.record("post:"+name, ps.url)
	return ps.url, true, nil
}

// LinkURL implements liquid.Resolver.
func (r *resolver) LinkURL(p string) (string, bool) {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if ps := r.ix.byPath[p]; ps != nil && ps.included {
		r.record("link:"+p, ps.url)
		return ps.url, true
	}
	if u, ok := r.ix.staticURL(p); ok {
		r.record("link:"+p, u)
		return u, true
	}
	r.record("link:"+p, "")
	return "", false
}

// stillResolves reports whether every name a post asked for last time
// resolves to the same URL now.
func (ix *postIndex) stillResolves(asked map[string]string) bool {
	if len(asked) == 0 {
		return true
	}
	r := &resolver{ix: ix}
	for key, was := range asked {
		var now string
		switch {
		case strings.HasPrefix(key, "post:"):
			now, _, _ = r.PostURL(strings.TrimPrefix(key, "post:"))
		case strings.HasPrefix(key, "link:"):
			now, _ = r.LinkURL(strings.TrimPrefix(key, "link:"))
		}
		if now != was {
			return false
		}
	}
	return true
}
