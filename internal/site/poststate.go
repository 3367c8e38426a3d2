package site

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"math"
	"reflect"
	"sort"
	"sync"
	"time"

	"github.com/weeknotes/weeknotes/internal/config"
	"github.com/weeknotes/weeknotes/internal/content"
	"github.com/weeknotes/weeknotes/internal/diag"
)

// The parsed posts, kept beside the build state in posts-<key>.state: what
// content.Load made of every post (all but its body) and what it said
// about it, so that the next build takes each post whose source is
// unchanged as it is, without reading and parsing it again (a third of
// what an edit build spent on the 5,000-post corpus). A post is kept only
// when every value of its front matter is of a kind this file stores
// exactly (text, numbers, booleans, dates, lists and maps of those);
// anything else is parsed again every time. The body is read when the
// post's body must be rendered again (see readBody).

const postsMagic = "weeknotes posts state 1\n"

// Kinds of front matter values in the posts file.
const (
	valNil = iota
	valFalse
	valTrue
	valString
	valInt
	valInt64
	valUint64
	valFloat
	valTime
	valList
	valMap
)

// Time zones of dates in the posts file.
const (
	zoneUTC = iota
	zoneLocal
	zoneSite
	zoneFixed
)

// errNotStored says that a value is of a kind the posts file does not store.
var errNotStored = errors.New("a value the posts file does not store")

// postEncoder writes posts; each post is first written to buf, so that one
// with a value of another kind is left out whole.
type postEncoder struct {
	site *time.Location // the site's time zone, stored by name alone
	buf  bytes.Buffer
	s    *stateWriter
}

// encodePosts writes every post of states that can be stored, by path,
// and returns the file's checksum.
func encodePosts(w *bufio.Writer, states []*postState, site *time.Location) (uint64, error) {
	e := &postEncoder{site: site}
	e.s = newStateWriter(bufio.NewWriter(&e.buf))
	out := newStateWriter(w)
	out.raw([]byte(postsMagic))
	var entries [][]byte
	for _, ps := range states {
		if ps.post == nil || ps.post.DateFromModTime {
			continue // dated by the file's time, which the fingerprint does not hold
		}
		e.buf.Reset()
		e.s.w.Reset(&e.buf) // nothing of a post left out before
		if e.post(ps.post, ps.parseDiags) != nil {
			continue
		}
		entries = append(entries, bytes.Clone(e.buf.Bytes()))
	}
	out.uvarint(uint64(len(entries)))
	for _, b := range entries {
		out.raw(b)
	}
	return out.finish()
}

// post writes one post, without its body, and what parsing it said.
func (e *postEncoder) post(p *content.Post, ds []diag.Diagnostic) error {
	s := e.s
	for _, v := range []string{p.Path, p.RelName, p.Name, p.Title, p.TitleSource, p.Slug, p.SlugSource,
		p.Excerpt, p.Description, p.Subtitle, p.Author, p.Layout, p.Permalink, p.SeriesName} {
		s.str(v)
	}
	for _, v := range []bool{p.HasDate, p.DateFromModTime, p.Draft, p.Published, p.HTML, p.Liquid, p.Jekyll} {
		s.uvarint(boolBit(v))
	}
	for _, v := range []int{p.URLLine, p.Season, p.Episode, p.BodyLine} {
		s.u64(uint64(int64(v)))
	}
	s.u64(p.Hash)
	if err := e.time(p.Date); err != nil {
		return err
	}
	e.strings(p.Tags)
	e.strings(p.Categories)
	if err := e.value(p.Params); err != nil {
		return err
	}
	s.diags(ds)
	return s.w.Flush()
}

func boolBit(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

// strings writes a list of strings, telling nil from empty.
func (e *postEncoder) strings(l []string) {
	if l == nil {
		e.s.uvarint(0)
		return
	}
	e.s.uvarint(uint64(len(l)) + 1)
	for _, v := range l {
		e.s.str(v)
	}
}

// time writes a date with its zone: UTC, the local zone, the site's, or a
// fixed offset as a date written with one has.
func (e *postEncoder) time(t time.Time) error {
	s := e.s
	s.u64(uint64(t.Unix()))
	s.uvarint(uint64(t.Nanosecond()))
	loc := t.Location()
	switch {
	case loc == time.UTC:
		s.uvarint(zoneUTC)
	case loc == time.Local:
		s.uvarint(zoneLocal)
	case e.site != nil && loc == e.site:
		s.uvarint(zoneSite)
	default:
		name, offset := t.Zone()
		if !reflect.DeepEqual(loc, time.FixedZone(name, offset)) {
			return errNotStored
		}
		s.uvarint(zoneFixed)
		s.str(name)
		s.u64(uint64(int64(offset)))
	}
	return nil
}

// value writes one front matter value of the kinds the file stores.
func (e *postEncoder) value(v any) error {
	s := e.s
	switch v := v.(type) {
	case nil:
		s.uvarint(valNil)
	case bool:
		s.uvarint(valFalse + boolBit(v))
	case string:
		s.uvarint(valString)
		s.str(v)
	case int:
		s.uvarint(valInt)
		s.u64(uint64(int64(v)))
	case int64:
		s.uvarint(valInt64)
		s.u64(uint64(v))
	case uint64:
		s.uvarint(valUint64)
		s.u64(v)
	case float64:
		s.uvarint(valFloat)
		s.u64(math.Float64bits(v))
	case time.Time:
		s.uvarint(valTime)
		return e.time(v)
	case []any:
		s.uvarint(valList)
		return e.list(v)
	case map[string]any:
		s.uvarint(valMap)
		return e.mapping(v)
	default:
		return errNotStored
	}
	return nil
}

func (e *postEncoder) list(l []any) error {
	if l == nil {
		e.s.uvarint(0)
		return nil
	}
	e.s.uvarint(uint64(len(l)) + 1)
	for _, v := range l {
		if err := e.value(v); err != nil {
			return err
		}
	}
	return nil
}

func (e *postEncoder) mapping(m map[string]any) error {
	if m == nil {
		e.s.uvarint(0)
		return nil
	}
	e.s.uvarint(uint64(len(m)) + 1)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.s.str(k)
		if err := e.value(m[k]); err != nil {
			return err
		}
	}
	return nil
}

// savedPost is one post of the posts file.
type savedPost struct {
	post  *content.Post // without its body
	diags []diag.Diagnostic
}

// decodePosts reads a posts file whose checksum must be want.
func decodePosts(data []byte, want uint64, site *time.Location) (map[string]*savedPost, error) {
	r, sum, err := openState(data, postsMagic)
	if err != nil {
		return nil, err
	}
	if sum != want {
		return nil, errors.New("not the posts of the same build")
	}
	d := &postDecoder{r: r, site: site}
	n := r.count()
	posts := make(map[string]*savedPost, n)
	for range n {
		sp := d.post()
		if r.short || d.bad {
			return nil, errStateDamaged
		}
		posts[sp.post.Path] = sp
	}
	if len(r.rest) != 0 {
		return nil, errStateDamaged
	}
	return posts, nil
}

// postDecoder reads what postEncoder wrote.
type postDecoder struct {
	r    *stateReader
	site *time.Location
	bad  bool // a kind or zone the file cannot hold
}

// maxDepth bounds how deep a damaged file can make the decoder go.
const maxDepth = 64

func (d *postDecoder) post() *savedPost {
	r := d.r
	p := &content.Post{}
	for _, f := range []*string{&p.Path, &p.RelName, &p.Name, &p.Title, &p.TitleSource, &p.Slug, &p.SlugSource,
		&p.Excerpt, &p.Description, &p.Subtitle, &p.Author, &p.Layout, &p.Permalink, &p.SeriesName} {
		*f = r.str()
	}
	for _, f := range []*bool{&p.HasDate, &p.DateFromModTime, &p.Draft, &p.Published, &p.HTML, &p.Liquid, &p.Jekyll} {
		*f = r.number() == 1
	}
	for _, f := range []*int{&p.URLLine, &p.Season, &p.Episode, &p.BodyLine} {
		*f = int(int64(r.u64()))
	}
	p.Hash = r.u64()
	p.Date = d.time()
	p.Tags = d.strings()
	p.Categories = d.strings()
	if m, ok := d.value(0).(map[string]any); ok {
		p.Params = m
	}
	return &savedPost{post: p, diags: r.diags()}
}

func (d *postDecoder) strings() []string {
	n := d.r.count()
	if n == 0 {
		return nil
	}
	l := make([]string, 0, min(n-1, len(d.r.rest)))
	for range n - 1 {
		l = append(l, d.r.str())
	}
	return l
}

func (d *postDecoder) time() time.Time {
	r := d.r
	sec, nsec := int64(r.u64()), int64(r.number())
	t := time.Unix(sec, nsec)
	switch r.number() {
	case zoneUTC:
		return t.UTC()
	case zoneLocal:
		return t.In(time.Local)
	case zoneSite:
		if d.site == nil {
			d.bad = true
			return t.UTC()
		}
		return t.In(d.site)
	case zoneFixed:
		name := r.str()
		return t.In(time.FixedZone(name, int(int64(r.u64()))))
	}
	d.bad = true
	return t
}

func (d *postDecoder) value(depth int) any {
	r := d.r
	if depth > maxDepth {
		d.bad = true
		return nil
	}
	switch kind := r.number(); kind {
	case valNil:
		return nil
	case valFalse, valTrue:
		return kind == valTrue
	case valString:
		return r.str()
	case valInt:
		return int(int64(r.u64()))
	case valInt64:
		return int64(r.u64())
	case valUint64:
		return r.u64()
	case valFloat:
		return math.Float64frombits(r.u64())
	case valTime:
		return d.time()
	case valList:
		n := r.count()
		if n == 0 {
			return []any(nil)
		}
		l := make([]any, 0, min(n-1, len(r.rest)))
		for range n - 1 {
			l = append(l, d.value(depth+1))
		}
		return l
	case valMap:
		n := r.count()
		if n == 0 {
			return map[string]any(nil)
		}
		m := make(map[string]any, min(n-1, len(r.rest)))
		for range n - 1 {
			k := r.str()
			m[k] = d.value(depth + 1)
		}
		return m
	}
	d.bad = true
	return nil
}

// savedPosts returns, for the first build of a Builder whose saved state
// has parsed posts and was made with the same configuration, the posts
// whose sources the scan found unchanged, and the set of paths it gave
// (filled as it gives them); nil otherwise.
func (b *Builder) savedPosts(r *run, cfg *config.Config) (func(string) (*content.Post, []diag.Diagnostic, bool), map[string]bool) {
	w := b.warm
	if w == nil || r == nil || w.state.Posts == 0 || w.state.Config != configPrint(cfg) {
		return nil, nil
	}
	data, err := readStateFile(b.opts.CacheDir, b.postsName())
	if err != nil {
		return nil, nil
	}
	saved, err := decodePosts(data, w.state.Posts, cfg.Location)
	if err != nil {
		return nil, nil
	}
	given := make(map[string]bool, len(saved))
	var mu sync.Mutex
	return func(path string) (*content.Post, []diag.Diagnostic, bool) {
		sp := saved[path]
		in, ok := r.inputs[path]
		if sp == nil || !ok || in.Hash != sp.post.Hash {
			return nil, nil, false
		}
		mu.Lock()
		given[path] = true
		mu.Unlock()
		return sp.post, sp.diags, true
	}, given
}

// readBody reads the body of a post taken from the saved state, which
// must be rendered again. Should the source have changed since the scan,
// the body is the new one; the next build, seeing the change, parses the
// post anew.
func (b *Builder) readBody(ps *postState) []diag.Diagnostic {
	ps.bodyUnread = false
	p := ps.post
	src, err := fs.ReadFile(b.fsys, p.Path)
	if err != nil {
		return []diag.Diagnostic{diag.Errorf(p.Path, 0, "cannot read: %v", err)}
	}
	fresh, _ := b.parsePost(p.Path, src)
	if fresh != nil {
		p.Body, p.BodyLine, p.Hash = fresh.Body, fresh.BodyLine, fresh.Hash
	}
	return nil
}
