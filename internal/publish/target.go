package publish

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"gocloud.dev/blob"
	// The storage services a site can be published to, each reading its
	// credentials from that cloud's usual environment.
	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/s3blob"
)

// Target is where a site is published: a gocloud.dev/blob URL such as
// s3://bucket?region=eu-west-2, gs://bucket, azblob://container or
// file:///srv/www, optionally limited to a folder of the bucket.
type Target struct {
	url    *url.URL
	Prefix string // the folder published to, "" for the whole bucket, else ending in "/"
}

// ParseTarget checks a target URL and normalises it: the folder may be given
// as ?prefix=blog or as a path, s3://bucket/blog/, and always ends in "/",
// so that "blog" never also matches "blog-old/". A file:// target's folder is
// created when missing, its temporary files are written beside the final
// ones so that they can be renamed into place on any file system, and no
// metadata sidecar files are written.
func ParseTarget(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, fmt.Errorf("publish target %q: %w", raw, err)
	}
	if u.Scheme == "" || !blob.DefaultURLMux().ValidBucketScheme(u.Scheme) {
		return Target{}, fmt.Errorf("publish target %q: want a URL such as s3://bucket, gs://bucket, azblob://container or file:///path", raw)
	}
	q := u.Query()
	prefix := q.Get("prefix")
	if u.Scheme != "file" {
		if u.Host == "" {
			return Target{}, fmt.Errorf("publish target %q: no bucket name", raw)
		}
		if p := strings.Trim(u.Path, "/"); p != "" {
			if prefix != "" {
				return Target{}, fmt.Errorf("publish target %q: give the folder either as a path or as ?prefix=, not both", raw)
			}
			prefix = p
		}
		u.Path, u.RawPath = "", ""
	}
	prefix = strings.Trim(prefix, "/")
	for _, segment := range strings.Split(prefix, "/") {
		if segment == "." || segment == ".." {
			return Target{}, fmt.Errorf("publish target %q: the folder %q may not contain %q", raw, prefix, segment)
		}
	}
	if prefix != "" {
		prefix += "/"
		q.Set("prefix", prefix)
	} else {
		q.Del("prefix")
	}
	if u.Scheme == "file" {
		for _, param := range []string{"create_dir", "no_tmp_dir"} {
			if !q.Has(param) {
				q.Set(param, "true")
			}
		}
		// No .attrs sidecar beside every file: the folder holds the site
		// as a web server should serve it. What publish needs to know of
		// each file is in StateKey.
		if !q.Has("metadata") {
			q.Set("metadata", "skip")
		}
	}
	u.RawQuery = q.Encode()
	return Target{url: u, Prefix: prefix}, nil
}

// String returns the target without its query parameters, for messages:
// "s3://bucket/blog/".
func (t Target) String() string {
	if t.url == nil {
		return ""
	}
	if t.url.Scheme == "file" {
		return "file://" + t.url.Host + t.url.Path
	}
	return t.url.Scheme + "://" + t.url.Host + "/" + t.Prefix
}

// Open opens the bucket, limited to the target's folder.
func (t Target) Open(ctx context.Context) (*blob.Bucket, error) {
	if t.url == nil {
		return nil, fmt.Errorf("open publish target: no URL")
	}
	bucket, err := blob.OpenBucket(ctx, t.url.String())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", t, err)
	}
	return bucket, nil
}
