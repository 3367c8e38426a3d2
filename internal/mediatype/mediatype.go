// Package mediatype knows the Content-Type of every kind of file a site is
// made of. The preview server and publish share it so that a page is served
// the same way on localhost as from the bucket, and it deliberately does not
// consult the operating system's MIME table: publish hashes the type into
// each object's headers, so it must not depend on the machine.
package mediatype

import (
	"path"
	"strings"
)

// UTF8 is the parameter every text type is served with, so that
// browsers never guess the encoding of a page.
const UTF8 = "; charset=utf-8"

// byExtension maps lower-case extensions to types.
var byExtension = map[string]string{
	".html":        "text/html" + UTF8,
	".htm":         "text/html" + UTF8,
	".css":         "text/css" + UTF8,
	".js":          "text/javascript" + UTF8,
	".mjs":         "text/javascript" + UTF8,
	".json":        "application/json" + UTF8,
	".map":         "application/json" + UTF8,
	".jsonld":      "application/ld+json" + UTF8,
	".webmanifest": "application/manifest+json" + UTF8,
	".xml":         "application/xml" + UTF8,
	".xsl":         "application/xslt+xml" + UTF8,
	".atom":        "application/atom+xml" + UTF8,
	".rss":         "application/rss+xml" + UTF8,
	".txt":         "text/plain" + UTF8,
	".md":          "text/markdown" + UTF8,
	".csv":         "text/csv" + UTF8,
	".ics":         "text/calendar" + UTF8,
	".vtt":         "text/vtt" + UTF8,
	".svg":         "image/svg+xml" + UTF8,
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".bmp":         "image/bmp",
	".tif":         "image/tiff",
	".tiff":        "image/tiff",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".eot":         "application/vnd.ms-fontobject",
	".pdf":         "application/pdf",
	".epub":        "application/epub+zip",
	".zip":         "application/zip",
	".gz":          "application/gzip",
	".wasm":        "application/wasm",
	".mp3":         "audio/mpeg",
	".m4a":         "audio/mp4",
	".ogg":         "audio/ogg",
	".opus":        "audio/ogg",
	".wav":         "audio/wav",
	".mp4":         "video/mp4",
	".m4v":         "video/mp4",
	".webm":        "video/webm",
	".mov":         "video/quicktime",
}

// feedNames are file names that hold Atom or RSS whatever their extension
// says, so that feed readers and browsers recognise them.
var feedNames = map[string]string{
	"feed.xml": "application/atom+xml" + UTF8,
	"atom.xml": "application/atom+xml" + UTF8,
	"rss.xml":  "application/rss+xml" + UTF8,
}

// ByExtension returns the type of files with extension ext (".html").
func ByExtension(ext string) (string, bool) {
	t, ok := byExtension[strings.ToLower(ext)]
	return t, ok
}

// ByName returns the type of the file at key: feed.xml files are Atom
// (feedNames), everything else goes by its extension.
func ByName(key string) (string, bool) {
	name := path.Base(key)
	if t, ok := feedNames[strings.ToLower(name)]; ok {
		return t, true
	}
	return ByExtension(path.Ext(name))
}

// IsText reports whether a type is text, with a charset: the only kind
// worth compressing, since images, fonts and media are compressed already.
func IsText(contentType string) bool {
	return strings.HasSuffix(contentType, UTF8)
}

// IsFeedName reports whether a file name (lower case, no folder) is one
// that feed readers expect a feed at.
func IsFeedName(name string) bool {
	_, ok := feedNames[name]
	return ok
}
