package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/weeknotes/weeknotes/internal/config"

	"github.com/weeknotes/weeknotes/internal/mediatype"
)

// Headers are the HTTP headers an object is stored with, and so the headers
// the bucket (or the CDN in front of it) serves the file with.
type Headers struct {
	ContentType     string // e.g. "text/html; charset=utf-8"
	CacheControl    string // "" when the matching rule sets none
	ContentEncoding string // "gzip" when the object is stored compressed, else ""
}

// hash identifies the header set, so that a header change alone can be told
// from the object's metadata without comparing each header the way every
// storage service happens to normalise it.
func (h Headers) hash() string {
	sum := sha256.Sum256([]byte("weeknotes headers v1\x00" + h.ContentType + "\x00" + h.CacheControl + "\x00" + h.ContentEncoding))
	return hex.EncodeToString(sum[:16])
}

// DefaultRules returns the header rules applied to files that match none of
// the site's own: pages, feeds and the sitemap may be cached for five
// minutes, so that a new post shows up quickly; the theme's assets/ and the
// author's static/ files for a day; anything else for an hour. Nothing is
// gzipped unless a rule says so, because a bucket served without a CDN sends
// stored bytes as they are, even to clients that did not ask for gzip.
func DefaultRules() []config.HeaderRule {
	const fiveMinutes, oneHour, oneDay = "public, max-age=300", "public, max-age=3600", "public, max-age=86400"
	return []config.HeaderRule{
		mustRule("**.html", fiveMinutes),
		mustRule("**.htm", fiveMinutes),
		mustRule("**.xml", fiveMinutes),
		mustRule("**.atom", fiveMinutes),
		mustRule("**.rss", fiveMinutes),
		mustRule("assets/**", oneDay),
		mustRule("static/**", oneDay),
		mustRule("**", oneHour),
	}
}

// mustRule is a default rule, whose glob is known to be valid.
func mustRule(pattern, cacheControl string) config.HeaderRule {
	r, err := config.NewHeaderRule(pattern, cacheControl, false)
	if err != nil {
		panic(err)
	}
	return r
}

// Rules decide the headers of every published file: the site's own rules
// first, in order, then DefaultRules. The first rule whose glob matches the
// file's slash path wins.
type Rules struct {
	rules []config.HeaderRule
}

// NewRules returns the site's header rules followed by DefaultRules. The
// rules' globs were compiled, and bad ones reported on their line, where
// they were loaded (config.Load) or made (config.NewHeaderRule); a rule
// with no compiled glob is a mistake in the calling code, and panics.
func NewRules(rules []config.HeaderRule) *Rules {
	all := append(append([]config.HeaderRule(nil), rules...), DefaultRules()...)
	for _, r := range all {
		if r.Match == nil {
			panic(fmt.Sprintf("publish: header rule %q was not made by config.Load or config.NewHeaderRule", r.Glob))
		}
	}
	return &Rules{rules: all}
}

// defaultRules are DefaultRules alone.
var defaultRules = NewRules(nil)

// Headers returns the headers the file at key (a slash path relative to
// the built site) is published with.
func (r *Rules) Headers(key string) Headers {
	h := Headers{ContentType: ContentType(key)}
	for _, rule := range r.rules {
		if rule.Match.Match(key) {
			h.CacheControl = rule.CacheControl
			if rule.Gzip && mediatype.IsText(h.ContentType) {
				h.ContentEncoding = "gzip"
			}
			break
		}
	}
	return h
}

// ContentType returns the Content-Type a file is published with, from its
// name alone: text types carry charset=utf-8, feed.xml files are Atom, and
// unknown extensions are application/octet-stream.
func ContentType(key string) string {
	if t, ok := mediatype.ByName(key); ok {
		return t
	}
	return "application/octet-stream"
}
