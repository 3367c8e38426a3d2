package publish

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeCloudFront is a local stand-in for the CloudFront API's
// CreateInvalidation: it records the paths of every request.
type fakeCloudFront struct {
	mu       sync.Mutex
	requests [][]string // paths of each invalidation, in order
	dists    []string
	fail     bool
}

func (f *fakeCloudFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// POST /2020-05-31/distribution/{Id}/invalidation
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method != http.MethodPost || len(parts) != 4 || parts[1] != "distribution" || parts[3] != "invalidation" {
		http.Error(w, "unexpected request "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="+testAccessKey+"/") {
		http.Error(w, "unsigned", http.StatusForbidden)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var batch struct {
		CallerReference string
		Paths           struct {
			Quantity int
			Items    []string `xml:"Items>Path"`
		}
	}
	if err := xml.Unmarshal(body, &batch); err != nil || batch.CallerReference == "" || batch.Paths.Quantity != len(batch.Paths.Items) {
		http.Error(w, fmt.Sprintf("bad batch %v: %s", err, body), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>`)
		return
	}
	f.requests = append(f.requests, batch.Paths.Items)
	f.dists = append(f.dists, parts[2])
	id := fmt.Sprintf("I%d", len(f.requests))
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Location", "https://cloudfront.amazonaws.com/2020-05-31/distribution/"+parts[2]+"/invalidation/"+id)
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>%s</Id><Status>InProgress</Status><CreateTime>2026-01-01T00:00:00Z</CreateTime><InvalidationBatch><CallerReference>%s</CallerReference><Paths><Quantity>0</Quantity></Paths></InvalidationBatch></Invalidation>`, id, batch.CallerReference)
}

func TestInvalidationPaths(t *testing.T) {
	tests := []struct {
		name    string
		changed []string
		limit   int
		want    []string
	}{
		{"exact", []string{"/feed.xml", "/2024/01/05/one/", "/"}, 10,
			[]string{"/", "/2024/01/05/one/", "/2024/01/05/one/index.html", "/feed.xml", "/index.html"}},
		{"nothing", nil, 10, []string{}},
		{"past the limit, the deepest folders that fit", []string{"/2024/01/05/a/", "/2024/01/12/b/", "/2023/12/01/c/", "/feed.xml"}, 3,
			[]string{"/2023/12/*", "/2024/01/*", "/feed.xml"}},
		{"past the limit, years", []string{"/2024/01/05/a/", "/2024/02/12/b/", "/2023/12/01/c/", "/feed.xml"}, 3,
			[]string{"/2023/*", "/2024/*", "/feed.xml"}},
		{"past every folder", []string{"/a", "/b", "/c/d"}, 2, []string{"/*"}},
	}
	for _, tt := range tests {
		got := InvalidationPaths(tt.changed, tt.limit)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseCDN(t *testing.T) {
	for _, bad := range []string{"cloudflare://zone", "cloudfront://", "cloudfront://E1/x", "::"} {
		if _, err := ParseCDN(bad); err == nil {
			t.Errorf("ParseCDN(%q) accepted", bad)
		}
	}
	c, err := ParseCDN("cloudfront://E2EXAMPLE")
	if err != nil || c.Distribution != "E2EXAMPLE" || c.String() != "cloudfront://E2EXAMPLE" {
		t.Errorf("ParseCDN: %+v, %v", c, err)
	}
}

// A publish invalidates exactly the paths it changed, in batches the
// service accepts; a dry run prints them and asks for nothing.
func TestPublishInvalidatesCloudFront(t *testing.T) {
	fake := &fakeCloudFront{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cdnURL := "cloudfront://E2EXAMPLE?endpoint=" + srv.URL

	source := t.TempDir()
	target := t.TempDir()
	site := filepath.Join(source, "site")
	writeSite(t, site, map[string]string{
		"index.html":                "<title>Home</title>",
		"2024/01/05/one/index.html": "<title>One</title>",
		"feed.xml":                  "<feed/>",
	})
	writeSite(t, source, map[string]string{"weeknotes.yaml": "publish:\n  live:\n    url: file://" + filepath.ToSlash(target) + "\n    cdn: " + cdnURL + "\n"})
	run := func(o RunOptions) (string, error) {
		var out bytes.Buffer
		o.Source, o.Workers, o.MaxDeletes, o.Stdout, o.Stderr = source, 2, -1, &out, io.Discard
		err := Run(context.Background(), o)
		return out.String(), err
	}

	out, err := run(RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "would invalidate in cloudfront://E2EXAMPLE (request 1, 5 paths):\n  /\n  /2024/01/05/one/\n  /2024/01/05/one/index.html\n  /feed.xml\n  /index.html\n"
	if !strings.Contains(out, want) || len(fake.requests) != 0 {
		t.Errorf("dry run printed:\n%s\nwant:\n%s\nrequests: %v", out, want, fake.requests)
	}

	out, err = run(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantPaths := []string{"/", "/2024/01/05/one/", "/2024/01/05/one/index.html", "/feed.xml", "/index.html"}
	if len(fake.requests) != 1 || !slices.Equal(fake.requests[0], wantPaths) || fake.dists[0] != "E2EXAMPLE" {
		t.Errorf("invalidations %v of %v, want one of %v", fake.requests, fake.dists, wantPaths)
	}
	if !strings.Contains(out, "Invalidated 5 paths in cloudfront://E2EXAMPLE (I1)") {
		t.Errorf("output:\n%s", out)
	}

	// One page changed: only its addresses are invalidated; --invalidate
	// stands for the configured cdn.
	writeSite(t, site, map[string]string{"2024/01/05/one/index.html": "<title>One, corrected</title>"})
	if _, err := run(RunOptions{Invalidate: cdnURL}); err != nil {
		t.Fatal(err)
	}
	if len(fake.requests) != 2 || !slices.Equal(fake.requests[1], []string{"/2024/01/05/one/", "/2024/01/05/one/index.html"}) {
		t.Errorf("second invalidation: %v", fake.requests)
	}

	// Nothing changed: nothing to invalidate.
	if _, err := run(RunOptions{}); err != nil || len(fake.requests) != 2 {
		t.Errorf("unchanged site: %v, requests %v", err, fake.requests)
	}

	// A refused invalidation fails the publish, saying the site is up.
	fake.fail = true
	writeSite(t, site, map[string]string{"feed.xml": "<feed>2</feed>"})
	if _, err := run(RunOptions{}); err == nil || !strings.Contains(err.Error(), "the site is published, but its CDN still serves the old copies") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("refused invalidation: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(target, "feed.xml")); string(data) != "<feed>2</feed>" {
		t.Errorf("feed not published: %q", data)
	}
}

// Many changed paths go in batches of at most the service's limit.
func TestCDNPlanBatches(t *testing.T) {
	c := &CDN{Distribution: "E1", limit: 10, batch: 4}
	var changed []string
	for i := range 9 {
		changed = append(changed, fmt.Sprintf("/p%d.html", i))
	}
	var sizes []int
	for _, b := range c.Plan(changed) {
		sizes = append(sizes, len(b))
	}
	if !slices.Equal(sizes, []int{4, 4, 1}) {
		t.Errorf("batches of %v", sizes)
	}
}
