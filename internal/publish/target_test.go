package publish

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		raw        string
		wantString string
		wantPrefix string
		wantQuery  []string // parameters the opened URL must carry
		wantErr    string
	}{
		{raw: "s3://my-bucket?region=eu-west-2", wantString: "s3://my-bucket/", wantQuery: []string{"region=eu-west-2"}},
		{raw: "s3://my-bucket?region=eu-west-2&prefix=blog", wantString: "s3://my-bucket/blog/", wantPrefix: "blog/", wantQuery: []string{"prefix=blog%2F"}},
		{raw: "s3://my-bucket/notes/weekly/?region=eu-west-2", wantString: "s3://my-bucket/notes/weekly/", wantPrefix: "notes/weekly/"},
		{raw: "gs://bucket?prefix=/site/", wantString: "gs://bucket/site/", wantPrefix: "site/"},
		{raw: "azblob://container", wantString: "azblob://container/"},
		{raw: "file:///srv/www", wantString: "file:///srv/www", wantQuery: []string{"create_dir=true", "metadata=skip", "no_tmp_dir=true"}},
		{raw: "file:///srv/www?no_tmp_dir=", wantString: "file:///srv/www", wantQuery: []string{"no_tmp_dir=&"}},
		{raw: "my-bucket", wantErr: "want a URL"},
		{raw: "ftp://host/x", wantErr: "want a URL"},
		{raw: "s3://", wantErr: "no bucket name"},
		{raw: "s3://b/blog?prefix=blog", wantErr: "not both"},
		{raw: "s3://b?prefix=a/../b", wantErr: `may not contain ".."`},
		{raw: "s3://b\x7f", wantErr: "invalid control character"},
	}
	for _, tt := range tests {
		target, err := ParseTarget(tt.raw)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseTarget(%q): error %v, want one saying %q", tt.raw, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTarget(%q): %v", tt.raw, err)
			continue
		}
		if target.String() != tt.wantString || target.Prefix != tt.wantPrefix {
			t.Errorf("ParseTarget(%q) = %q with prefix %q, want %q with prefix %q", tt.raw, target, target.Prefix, tt.wantString, tt.wantPrefix)
		}
		query := target.url.RawQuery + "&"
		for _, want := range tt.wantQuery {
			if !strings.Contains(query, want) {
				t.Errorf("ParseTarget(%q) opens %q, which lacks %q", tt.raw, target.url, want)
			}
		}
	}
}

func TestFileTargetCreatesItsFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "www", "blog")
	bucket, _ := openTarget(t, "file://"+filepath.ToSlash(dir))
	site := newSite(t)
	publishSite(t, site, bucket, PlanOptions{})
	if _, err := os.Stat(filepath.Join(dir, "2021", "01", "10", "first-week", "index.html")); err != nil {
		t.Errorf("the page is not in the target folder: %v", err)
	}
	if ok, err := bucket.IsAccessible(context.Background()); !ok || err != nil {
		t.Errorf("bucket not accessible: %v", err)
	}
}

// A file:// target holds exactly the site, as a web server pointed at it
// serves it: no metadata sidecar beside any file, only publish's state,
// which README says to keep from being served. A second publish of the
// same site changes nothing, and one whose state is lost still ends with
// the same folder.
func TestFileTargetIsExactlyTheSite(t *testing.T) {
	dir := newSite(t)
	root := t.TempDir()
	want := append(sortedSiteKeys(), StateKey)
	sort.Strings(want)
	for i, step := range []string{"first publish", "again, unchanged", "with the state lost"} {
		if i == 2 {
			if err := os.Remove(filepath.Join(root, StateKey)); err != nil {
				t.Fatal(err)
			}
		}
		bucket, _ := openTarget(t, "file://"+filepath.ToSlash(root))
		p, _ := publishSite(t, dir, bucket, PlanOptions{})
		if i == 1 && len(p.Uploads)+len(p.Deletes) != 0 {
			t.Errorf("%s: planned %d uploads and %d deletes", step, len(p.Uploads), len(p.Deletes))
		}
		var got []string
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			got = append(got, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the folder holds\n%q\nwant\n%q", step, got, want)
		}
	}
}

func sortedSiteKeys() []string {
	var keys []string
	for k := range sampleSite() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
