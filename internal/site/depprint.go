package site

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"
)

// hash writes to h the values at n's paths from v: what a page whose
// template set has the paths n shows. Every value reached is hashed as a
// template may use it (printed, tested, compared, counted): a string or
// number as itself; a map whole where it is used, by the keys looked up
// where it is only looked into; a list by its length and the identity of
// its elements where it is used, by whether it is empty where an if only
// tests it; a pointer to one of the site's records by nil-ness and
// identity (the post it is, the tag), its fields only as far as the paths
// go on.
func (n *depNode) hash(h *hasher, v reflect.Value) {
	v = indirectInterface(v)
	if !v.IsValid() {
		h.u64(0)
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			h.u64(0)
			return
		}
		h.u64(1)
		h.str(identity(v))
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if !isRecord(v.Type()) {
			deepHash(h, v, 0) // time.Time: its methods read all of it
			return
		}
	case reflect.Slice, reflect.Array:
		if !n.used {
			// Only tested, or only gone through: whether it is empty.
			// Ranging over it or using it otherwise marks it used.
			h.u64(uint64(min(v.Len(), 1)))
			break
		}
		h.u64(uint64(v.Len()))
		for i := range v.Len() {
			shallowHash(h, v.Index(i))
		}
	case reflect.Map:
		if n.used || v.Type().Key().Kind() != reflect.String {
			deepHash(h, v, 0)
			return
		}
		h.u64(uint64(min(v.Len(), 1))) // whether it is empty, for an if
		for i, name := range n.names {
			n.order[i].hash(h, v.MapIndex(reflect.ValueOf(name).Convert(v.Type().Key())))
		}
		return
	default:
		deepHash(h, v, 0)
		return // a string or number has no fields
	}
	if v.Type() == postDataType && n.split && v.CanAddr() {
		if pd := v.Addr().Interface().(*PostData); pd.state != nil && pd.state.fields != nil {
			h.u64(pd.state.fields.sum(n, pd, v))
			for _, i := range n.records {
				n.order[i].hashStep(h, v, n.names[i])
			}
			return
		}
	}
	for i, name := range n.names {
		n.order[i].hashStep(h, v, name)
	}
}

// fieldSums keeps, for one post, the hash of the fields each node reads of
// it that are the post's own (its title, dates, body, front matter: not
// the posts, tags and episodes it points to), from one build to the next:
// a preview rebuild fingerprints 5,500 pages, and a post page reads some
// thirty fields of its post, which are the same until the post or its
// rendering changes. The key says which rendering of which source under
// which theme and configuration the sums are of.
type fieldSums struct {
	mu   sync.Mutex
	key  uint64
	sums map[*depNode]uint64
}

// sum returns the hash of the own fields n reads of pd (v), computing it
// when the post changed since it was kept.
func (f *fieldSums) sum(n *depNode, pd *PostData, v reflect.Value) uint64 {
	key := pd.state.fieldsKey
	f.mu.Lock()
	if f.key != key {
		f.key, f.sums = key, nil
	}
	sum, ok := f.sums[n]
	f.mu.Unlock()
	if ok {
		return sum
	}
	h := pooledHasher()
	for _, i := range n.own {
		n.order[i].hashStep(h, v, n.names[i])
	}
	sum = h.sum()
	h.release()
	f.mu.Lock()
	if f.key == key {
		if f.sums == nil {
			f.sums = map[*depNode]uint64{}
		}
		f.sums[n] = sum
	}
	f.mu.Unlock()
	return sum
}

// ownFieldsKey identifies everything a post's own fields are made from:
// its source, its rendering, whether it is in the future (which time
// changes) and the build's theme, configuration and options. Every field
// of PostData that is not a pointer to another record is one of these.
func ownFieldsKey(pd *PostData, fixed uint64) uint64 {
	ps := pd.state
	h := pooledHasher()
	defer h.release()
	h.u64(fixed)
	h.str(ps.post.Path)
	h.u64(ps.post.Hash)
	h.u64(ps.renderedOf)
	h.u64(ps.contentHash)
	h.u64(ps.excerptHash) // the plain text and word count come from the same rendering
	if pd.Future {
		h.u64(1)
	}
	if pd.Draft {
		h.u64(2)
	}
	return h.sum()
}

// hashStep hashes what the path from v through the step name reaches.
func (n *depNode) hashStep(h *hasher, v reflect.Value, name string) {
	// The step's name is not written: the tree fixes the order of the
	// values, and each is written so that where it ends is known (lengths
	// first, a mark for nil), so no two pages' values run together alike.
	if name == depElem {
		if v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
			for i := range v.Len() {
				n.hash(h, v.Index(i))
			}
		}
		return
	}
	if v.Kind() != reflect.Struct {
		return
	}
	if v.Type() == postDataType && v.CanAddr() {
		// A post's body and excerpt were hashed when rendered: 38 MB of
		// bodies in a 5,000-post site need not be hashed again.
		switch ps := v.Addr().Interface().(*PostData).state; {
		case ps != nil && name == "Content":
			h.u64(ps.contentHash)
			return
		case ps != nil && name == "Excerpt":
			h.u64(ps.excerptHash)
			return
		}
	}
	if v.Type() == n.owner {
		n.hash(h, v.Field(n.field))
		return
	}
	f, ok := v.Type().FieldByName(name)
	if !ok || !f.IsExported() {
		return // no such field: the template fails, and failed pages are never kept
	}
	n.hash(h, v.FieldByIndex(f.Index))
}

var postDataType = reflect.TypeFor[PostData]()

// indexFields records, for each node reached through a field of a struct
// type the model declares, that field's index: looking fields up by name
// on every page cost more than the rest of the hashing. Values held in
// interfaces (front matter) are looked up as they come.
func (n *depNode) indexFields(t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == postDataType {
		n.splitPost()
	}
	for _, name := range n.names {
		kid := n.kids[name]
		switch {
		case name == depElem && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			kid.indexFields(t.Elem())
		case t.Kind() == reflect.Struct:
			f, ok := t.FieldByName(name)
			if !ok || !f.IsExported() {
				continue
			}
			if len(f.Index) == 1 {
				kid.owner, kid.field = t, f.Index[0]
			}
			kid.indexFields(f.Type)
		}
	}
}

// isRecord reports whether t is one of the records of the site model
// (Page, PostData, …), whose fields templates reach one by one, rather
// than a value such as time.Time.
func isRecord(t reflect.Type) bool {
	// A switch of comparisons: a map keyed by type cost a tenth of the
	// hashing, as often as it is asked.
	switch t {
	case pageType, siteDataType, postDataType, pageDataType, tagDataType, yearDataType,
		seriesDataType, seasonDataType, episodeDataType, paginatorType:
		return true
	}
	return false
}

var (
	pageType        = reflect.TypeFor[Page]()
	siteDataType    = reflect.TypeFor[SiteData]()
	pageDataType    = reflect.TypeFor[PageData]()
	tagDataType     = reflect.TypeFor[TagData]()
	yearDataType    = reflect.TypeFor[YearData]()
	seriesDataType  = reflect.TypeFor[SeriesData]()
	seasonDataType  = reflect.TypeFor[SeasonData]()
	episodeDataType = reflect.TypeFor[EpisodeData]()
	paginatorType   = reflect.TypeFor[Paginator]()
)

// identity names the record a pointer points to, for templates that
// compare two (eq $first .): the post it is, the tag, the series.
func identity(v reflect.Value) string {
	switch r := v.Interface().(type) {
	case *PostData:
		return r.Source
	case *TagData:
		return r.Slug
	case *SeriesData:
		return r.Slug
	case *EpisodeData:
		if r.Post != nil {
			return r.Post.Source
		}
	case *YearData:
		return strconv.Itoa(r.Year)
	case *SeasonData:
		return strconv.Itoa(r.Number)
	case *PageData:
		return r.URL
	}
	return ""
}

func indirectInterface(v reflect.Value) reflect.Value {
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	return v
}

// shallowHash hashes one element of a list: a record by identity, any
// other value whole.
func shallowHash(h *hasher, v reflect.Value) {
	v = indirectInterface(v)
	if v.IsValid() && v.Kind() == reflect.Pointer && isRecord(v.Type().Elem()) {
		if v.IsNil() {
			h.u64(0)
			return
		}
		h.u64(1)
		h.str(identity(v))
		return
	}
	deepHash(h, v, 0)
}

// maxDeepHash bounds the nesting deepHash follows. Front matter and
// configuration values are trees a few levels deep; the YAML reader
// refuses alias bombs, so this only guards against a cycle.
const maxDeepHash = 64

// deepHash hashes a value and everything in it, as fmt would print it,
// in a fixed order: map keys sorted.
func deepHash(h *hasher, v reflect.Value, depth int) {
	v = indirectInterface(v)
	if depth > maxDeepHash {
		h.str("…")
		return
	}
	if !v.IsValid() {
		h.u64(0)
		return
	}
	h.u64(uint64(v.Kind()))
	switch v.Kind() {
	case reflect.String:
		h.str(v.String())
	case reflect.Bool:
		if v.Bool() {
			h.u64(1)
		} else {
			h.u64(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		h.u64(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		h.u64(v.Uint())
	case reflect.Float32, reflect.Float64:
		h.u64(math.Float64bits(v.Float()))
	case reflect.Slice, reflect.Array:
		h.u64(uint64(v.Len()))
		for i := range v.Len() {
			deepHash(h, v.Index(i), depth+1)
		}
	case reflect.Map:
		deepHashMap(h, v, depth)
	case reflect.Pointer:
		if v.IsNil() {
			h.u64(0)
		} else if isRecord(v.Type().Elem()) {
			h.str(identity(v))
		} else {
			deepHash(h, v.Elem(), depth+1)
		}
	case reflect.Struct:
		deepHashStruct(h, v, depth)
	default:
		h.str(v.Type().String()) // funcs and channels: templates cannot show them
	}
}

// deepHashMap hashes a map's entries in the order of their keys as fmt
// prints them.
func deepHashMap(h *hasher, v reflect.Value, depth int) {
	keys := v.MapKeys()
	texts := make([]string, len(keys))
	order := make([]int, len(keys))
	for i, k := range keys {
		texts[i], order[i] = fmt.Sprint(k.Interface()), i
	}
	slices.SortFunc(order, func(i, j int) int {
		switch {
		case texts[i] < texts[j]:
			return -1
		case texts[i] > texts[j]:
			return 1
		}
		return 0
	})
	h.u64(uint64(len(keys)))
	for _, i := range order {
		h.str(texts[i])
		deepHash(h, v.MapIndex(keys[i]), depth+1)
	}
}

// deepHashStruct hashes a struct that is not one of the site's records:
// a time as the instant and zone it prints, anything else field by field.
func deepHashStruct(h *hasher, v reflect.Value, depth int) {
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case time.Time:
			// The instant and the zone it is shown in: what any layout
			// prints. Formatting it here cost more than the rest.
			name, offset := x.Zone()
			h.u64(uint64(x.UnixNano()))
			h.str(name)
			h.u64(uint64(offset))
			return
		}
	}
	if isRecord(v.Type()) {
		return // reached whole, as an element printed with fmt: its fields are pointers
	}
	for i := range v.NumField() {
		if v.Type().Field(i).IsExported() {
			deepHash(h, v.Field(i), depth+1)
		}
	}
}

// splitPost sorts the fields n reads of a post into the post's own and
// those that lead to other records (Newer, Tags, Episode), for
// fieldSums.
func (n *depNode) splitPost() {
	n.split = true
	n.own, n.records = nil, nil
	for i, name := range n.names {
		f, ok := postDataType.FieldByName(name)
		if !ok || !f.IsExported() {
			continue // the template fails there: nothing to keep
		}
		if leadsToRecords(f.Type) {
			n.records = append(n.records, i)
		} else {
			n.own = append(n.own, i)
		}
	}
}

// leadsToRecords reports whether a field of type t holds other records of
// the model: a pointer to one, or a list of them.
func leadsToRecords(t reflect.Type) bool {
	if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return t.Kind() == reflect.Pointer && isRecord(t.Elem())
}
