package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"
)

// testRetry keeps failure tests quick.
var testRetry = Retry{Attempts: 3, Delay: 5 * time.Millisecond}

// sampleSite is a small built site with a file in every phase.
func sampleSite() map[string]string {
	page := func(title string) string {
		return "<!doctype html><title>" + title + "</title><h1>" + title + "</h1>\n" + strings.Repeat("<p>Notes of the week.</p>\n", 20)
	}
	return map[string]string{
		"index.html":                                page("Home"),
		"404.html":                                  page("Not found"),
		"page/2/index.html":                         page("Home, page 2"),
		"2021/01/10/first-week/index.html":          page("Week one"),
		"2021/01/17/second-week/index.html":         page("Week two"),
		"about/index.html":                          page("About"),
		"tags/index.html":                           page("Tags"),
		"tags/gardening/index.html":                 page("Gardening"),
		"series/weeknotes/index.html":               page("Weeknotes"),
		"archive/index.html":                        page("Archive"),
		"2021/index.html":                           page("2021"),
		"feed.xml":                                  `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>`,
		"series/weeknotes/feed.xml":                 `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>`,
		"sitemap.xml":                               `<?xml version="1.0"?><urlset></urlset>`,
		"robots.txt":                                "User-agent: *\nAllow: /\n",
		"assets/style.css":                          strings.Repeat("body { margin: 0 auto; max-width: 40em; }\n", 30),
		"static/images/garden.png":                  "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00\x01\x02", 100),
		"static/notes/reading list with spaces.txt": "A list of books.\n",
		"static/empty.txt":                          "",
	}
}

// writeSite writes files (slash paths to contents) under dir.
func writeSite(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for key, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newSite writes the sample site, as a build leaves it, to a new folder and
// returns the folder.
func newSite(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	writeSite(t, dir, sampleSite())
	writeSite(t, dir, map[string]string{BuildMarker: "written by the build"})
	return dir
}

// plan makes a plan, failing the test on error.
func plan(t testing.TB, dir string, bucket *blob.Bucket, opts PlanOptions) *Plan {
	t.Helper()
	if opts.Retry.Attempts == 0 {
		opts.Retry = testRetry
	}
	p, err := NewPlan(context.Background(), os.DirFS(dir), bucket, opts)
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	return p
}

// apply applies a plan with no delete limit, failing the test on error.
func apply(t testing.TB, p *Plan, bucket *blob.Bucket) *Report {
	t.Helper()
	report, err := p.Apply(context.Background(), bucket, ApplyOptions{MaxDeletes: -1, Retry: testRetry})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if report.StateErr != nil {
		t.Fatalf("Apply: state: %v", report.StateErr)
	}
	return report
}

// publishSite plans and applies in one go.
func publishSite(t testing.TB, dir string, bucket *blob.Bucket, opts PlanOptions) (*Plan, *Report) {
	t.Helper()
	p := plan(t, dir, bucket, opts)
	return p, apply(t, p, bucket)
}

// uploadReasons maps each planned upload to its reason.
func uploadReasons(p *Plan) map[string]Reason {
	m := map[string]Reason{}
	for _, u := range p.Uploads {
		m[u.Key] = u.Reason
	}
	return m
}

func deleteKeys(p *Plan) []string {
	var keys []string
	for _, d := range p.Deletes {
		keys = append(keys, d.Key)
	}
	return keys
}

// listKeys returns the keys in bucket, StateKey included, sorted.
func listKeys(t testing.TB, bucket *blob.Bucket) []string {
	t.Helper()
	var keys []string
	it := bucket.List(nil)
	for {
		o, err := it.Next(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		keys = append(keys, o.Key)
	}
	sort.Strings(keys)
	return keys
}

// readObject returns an object's bytes as the site had them, undoing gzip.
func readObject(t testing.TB, bucket *blob.Bucket, key string) ([]byte, *blob.Attributes) {
	t.Helper()
	ctx := context.Background()
	attrs, err := bucket.Attributes(ctx, key)
	if err != nil {
		t.Fatalf("attributes of %s: %v", key, err)
	}
	data, err := bucket.ReadAll(ctx, key)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if attrs.ContentEncoding == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: stored as gzip but is not: %v", key, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	return data, attrs
}

// assertMirrors checks that bucket holds exactly the files of dir, with
// their bytes, content types and content hashes.
func assertMirrors(t testing.TB, bucket *blob.Bucket, dir string) {
	t.Helper()
	want := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(key string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || key == BuildMarker {
			return err
		}
		want[key], err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(key)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, key := range listKeys(t, bucket) {
		if key != StateKey {
			got = append(got, key)
		}
	}
	var wantKeys []string
	for key := range want {
		wantKeys = append(wantKeys, key)
	}
	sort.Strings(wantKeys)
	if strings.Join(got, "\n") != strings.Join(wantKeys, "\n") {
		t.Fatalf("bucket holds\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(wantKeys, "\n  "))
	}
	for key, content := range want {
		data, attrs := readObject(t, bucket, key)
		if !bytes.Equal(data, content) {
			t.Errorf("%s: bucket has %d bytes that differ from the site's %d", key, len(data), len(content))
		}
		if attrs.ContentType != ContentType(key) {
			t.Errorf("%s: Content-Type %q, want %q", key, attrs.ContentType, ContentType(key))
		}
		sum := sha256.Sum256(content)
		if got := attrs.Metadata[MetaContentHash]; got != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: %s metadata %q, want the file's hash", key, MetaContentHash, got)
		}
	}
}

// withQuery adds a query parameter to a URL that may already have some.
func withQuery(rawURL, param string) string {
	if strings.Contains(rawURL, "?") {
		return rawURL + "&" + param
	}
	return rawURL + "?" + param
}
