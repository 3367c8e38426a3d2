package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/weeknotes/weeknotes/internal/config"
)

// TestPublishLifecycle publishes a site again and again as an author would
// change it, checking each time that exactly the right files are uploaded
// or deleted, for the right reason, and that the bucket then mirrors the site.
func TestPublishLifecycle(t *testing.T) {
	html := func(reason Reason) map[string]Reason {
		m := map[string]Reason{}
		for key := range sampleSite() {
			if strings.HasSuffix(key, ".html") && key != "tags/gardening/index.html" {
				m[key] = reason
			}
		}
		return m
	}
	shortHTML := []config.HeaderRule{testRule(t, "**.html", "public, max-age=60", false)}
	gzipAssets := append(slices.Clone(shortHTML), testRule(t, "/assets/**", "public, max-age=31536000, immutable", true))

	steps := []struct {
		name        string
		change      func(t *testing.T, dir string)
		rules       []config.HeaderRule
		want        map[string]Reason
		wantDeletes []string
		check       func(t *testing.T, attrs func(key string) (cacheControl, encoding string))
	}{
		{
			name: "first publish uploads everything",
			want: func() map[string]Reason {
				m := map[string]Reason{}
				for key := range sampleSite() {
					m[key] = ReasonNew
				}
				return m
			}(),
		},
		{
			name: "nothing changed uploads nothing",
			want: map[string]Reason{},
		},
		{
			name: "a rebuild with the same bytes uploads nothing",
			change: func(t *testing.T, dir string) {
				writeSite(t, dir, sampleSite()) // new modification times, same content
			},
			want: map[string]Reason{},
		},
		{
			name: "one page edited",
			change: func(t *testing.T, dir string) {
				writeSite(t, dir, map[string]string{"2021/01/17/second-week/index.html": "<h1>Week two, corrected</h1>"})
			},
			want: map[string]Reason{"2021/01/17/second-week/index.html": ReasonContentChanged},
		},
		{
			name: "a file removed is deleted",
			change: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "tags", "gardening", "index.html")); err != nil {
					t.Fatal(err)
				}
			},
			want:        map[string]Reason{},
			wantDeletes: []string{"tags/gardening/index.html"},
		},
		{
			name:  "a header rule changed re-uploads the files it covers",
			rules: shortHTML,
			want:  html(ReasonHeadersChanged),
			check: func(t *testing.T, attrs func(string) (string, string)) {
				if cc, _ := attrs("index.html"); cc != "public, max-age=60" {
					t.Errorf("index.html Cache-Control %q, want the new rule's", cc)
				}
				if cc, _ := attrs("assets/style.css"); cc != "public, max-age=86400" {
					t.Errorf("assets/style.css Cache-Control %q, want the default's", cc)
				}
			},
		},
		{
			name:  "gzip on text assets only",
			rules: gzipAssets,
			want:  map[string]Reason{"assets/style.css": ReasonHeadersChanged},
			check: func(t *testing.T, attrs func(string) (string, string)) {
				if cc, enc := attrs("assets/style.css"); enc != "gzip" || cc != "public, max-age=31536000, immutable" {
					t.Errorf("assets/style.css stored with Cache-Control %q, Content-Encoding %q", cc, enc)
				}
			},
		},
		{
			name:  "the same rules again upload nothing",
			rules: gzipAssets,
			want:  map[string]Reason{},
		},
		{
			name: "a new post and an edited gzipped asset",
			change: func(t *testing.T, dir string) {
				writeSite(t, dir, map[string]string{
					"2021/01/24/third-week/index.html": "<h1>Week three</h1>",
					"assets/style.css":                 "body { margin: 1em; }\n",
				})
			},
			rules: gzipAssets,
			want: map[string]Reason{
				"2021/01/24/third-week/index.html": ReasonNew,
				"assets/style.css":                 ReasonContentChanged,
			},
		},
		{
			name:  "forced",
			rules: gzipAssets,
			want: func() map[string]Reason {
				m := map[string]Reason{"2021/01/24/third-week/index.html": ReasonForced}
				for key := range sampleSite() {
					if key != "tags/gardening/index.html" {
						m[key] = ReasonForced
					}
				}
				return m
			}(),
		},
	}

	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			bucket, _ := openTarget(t, b.newTarget(t))
			dir := newSite(t)
			for _, step := range steps {
				if t.Failed() {
					return // later steps build on earlier ones
				}
				if step.change != nil {
					step.change(t, dir)
				}
				p := plan(t, dir, bucket, PlanOptions{Rules: NewRules(step.rules), Force: step.name == "forced"})
				if got := uploadReasons(p); !reflect.DeepEqual(got, step.want) {
					t.Errorf("%s: uploads %v, want %v", step.name, got, step.want)
				}
				if got := deleteKeys(p); !slices.Equal(got, step.wantDeletes) {
					t.Errorf("%s: deletes %v, want %v", step.name, got, step.wantDeletes)
				}
				if step.name != "first publish uploads everything" && step.name != "forced" && p.MetadataReads != 0 {
					t.Errorf("%s: read the metadata of %d objects one by one; the publish state should have described them", step.name, p.MetadataReads)
				}
				report := apply(t, p, bucket)
				if report.Uploaded != len(step.want) || report.Deleted != len(step.wantDeletes) {
					t.Errorf("%s: report %+v", step.name, report)
				}
				assertMirrors(t, bucket, dir)
				if step.check != nil {
					step.check(t, func(key string) (string, string) {
						_, attrs := readObject(t, bucket, key)
						return attrs.CacheControl, attrs.ContentEncoding
					})
				}
			}
		})
	}
}

// TestApplyOrdersPhases checks that every phase finishes before the next
// starts, and that each file goes up in its phase.
func TestApplyOrdersPhases(t *testing.T) {
	bucket, _ := openTarget(t, backends()[0].newTarget(t))
	dir := newSite(t)
	p := plan(t, dir, bucket, PlanOptions{})
	var mu sync.Mutex
	var events []Progress
	_, err := p.Apply(context.Background(), bucket, ApplyOptions{Workers: 4, MaxDeletes: -1, Progress: func(pr Progress) {
		mu.Lock()
		events = append(events, pr)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	current, ended := Phase(-1), Phase(-1)
	var order []Phase
	for _, e := range events {
		switch e.Event {
		case EventPhaseStart:
			if current != ended || e.Phase <= current {
				t.Fatalf("phase %s started while %s was running or after it", e.Phase, current)
			}
			current = e.Phase
			order = append(order, e.Phase)
		case EventDone:
			if e.Phase != current || current == ended || PhaseOf(e.Key) != e.Phase {
				t.Errorf("%s finished in phase %s (running: %s)", e.Key, e.Phase, current)
			}
		case EventPhaseEnd:
			if e.Done != e.Total {
				t.Errorf("phase %s ended with %d of %d files done", e.Phase, e.Done, e.Total)
			}
			ended = current
		}
	}
	if want := []Phase{PhaseAssets, PhasePosts, PhaseIndexes, PhaseFeeds}; !slices.Equal(order, want) {
		t.Errorf("phases ran in order %v, want %v", order, want)
	}
}

// TestPublishStateFallback checks that the publish state is only a shortcut:
// missing, corrupt or outdated, it gives way to each object's own metadata.
func TestPublishStateFallback(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			bucket, _ := openTarget(t, b.newTarget(t))
			dir := newSite(t)
			files := len(sampleSite())
			publishSite(t, dir, bucket, PlanOptions{})

			if err := bucket.Delete(ctx, StateKey); err != nil {
				t.Fatal(err)
			}
			p := plan(t, dir, bucket, PlanOptions{})
			if len(p.Uploads) != 0 || p.MetadataReads != files {
				t.Fatalf("without state: %d uploads and %d metadata reads, want 0 and %d", len(p.Uploads), p.MetadataReads, files)
			}
			if report := apply(t, p, bucket); report.Uploaded != 0 {
				t.Fatalf("without state: uploaded %d files", report.Uploaded)
			}
			if p := plan(t, dir, bucket, PlanOptions{}); p.MetadataReads != 0 {
				t.Fatalf("the state was not written again: %d metadata reads", p.MetadataReads)
			}

			if err := bucket.WriteAll(ctx, StateKey, []byte("not gzip"), nil); err != nil {
				t.Fatal(err)
			}
			p = plan(t, dir, bucket, PlanOptions{})
			if len(p.Uploads) != 0 || p.MetadataReads != files || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], StateKey) {
				t.Fatalf("corrupt state: %d uploads, %d metadata reads, warnings %q", len(p.Uploads), p.MetadataReads, p.Warnings)
			}
			apply(t, p, bucket)

			// Another tool replaces one object: only that one is read, and
			// it is uploaded again because nothing says what it holds.
			if err := bucket.WriteAll(ctx, "about/index.html", []byte("<p>edited in the console</p>"), nil); err != nil {
				t.Fatal(err)
			}
			p = plan(t, dir, bucket, PlanOptions{})
			if got, want := uploadReasons(p), map[string]Reason{"about/index.html": ReasonUntracked}; !reflect.DeepEqual(got, want) || p.MetadataReads != 1 {
				t.Fatalf("replaced object: uploads %v after %d metadata reads, want %v after 1", got, p.MetadataReads, want)
			}
			apply(t, p, bucket)
			assertMirrors(t, bucket, dir)
		})
	}
}

// TestReadMissingMetadata checks the object-by-object reads that stand in
// for a missing publish state: an object gone since the listing is
// forgotten, so that its file is uploaded as new, but any other failed read
// fails the plan, naming every object that could not be read, instead of
// planning as if those objects held nothing publish wrote.
func TestReadMissingMetadata(t *testing.T) {
	tests := []struct {
		name string
		// change is made to the published target, kept in root, after it
		// was listed and before the metadata is read.
		change    func(t *testing.T, root string, bucket *blob.Bucket)
		cancel    bool
		wantErr   []string // what the error must name; nil means no error
		wantGone  []string // keys forgotten
		wantReads int
	}{
		{
			name:      "every object readable",
			wantReads: len(sampleSite()),
		},
		{
			name: "an object gone since the listing",
			change: func(t *testing.T, _ string, bucket *blob.Bucket) {
				if err := bucket.Delete(context.Background(), "about/index.html"); err != nil {
					t.Fatal(err)
				}
			},
			wantGone:  []string{"about/index.html"},
			wantReads: len(sampleSite()),
		},
		{
			name: "unreadable metadata",
			change: func(t *testing.T, root string, _ *blob.Bucket) {
				// The file backend keeps an object's metadata beside it;
				// damaged, it makes reading the attributes fail.
				for _, key := range []string{"about/index.html", "feed.xml"} {
					if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(key))+".attrs", []byte("{damaged"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			},
			wantErr: []string{"read the metadata of about/index.html", "read the metadata of feed.xml"},
		},
		{
			name:    "interrupted",
			cancel:  true,
			wantErr: []string{context.Canceled.Error()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			bucket, _ := openTarget(t, "file://"+filepath.ToSlash(root)+"?metadata=")
			dir := newSite(t)
			publishSite(t, dir, bucket, PlanOptions{})

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			files, err := walkLocal(ctx, os.DirFS(dir), defaultRules)
			if err != nil {
				t.Fatal(err)
			}
			view, err := listRemote(ctx, bucket, false, testRetry)
			if err != nil {
				t.Fatal(err)
			}
			if tt.change != nil {
				tt.change(t, root, bucket)
			}
			if tt.cancel {
				cancel()
			}
			reads, err := view.readMissingMetadata(ctx, bucket, files, 4, testRetry)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("no error after %d reads; a plan would be made on unknown metadata", reads)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if reads != tt.wantReads {
				t.Errorf("%d metadata reads, want %d", reads, tt.wantReads)
			}
			for _, key := range tt.wantGone {
				if _, ok := view.objects[key]; ok {
					t.Errorf("%s is gone but still known", key)
				}
			}
			for _, f := range files {
				obj, ok := view.objects[f.key]
				if !ok {
					if !slices.Contains(tt.wantGone, f.key) {
						t.Errorf("%s was forgotten", f.key)
					}
					continue
				}
				if want := (stateEntry{Fingerprint: obj.fingerprint, SHA256: f.sha256, Headers: f.headers.hash()}); !obj.resolved || obj.entry != want {
					t.Errorf("%s: resolved %v as %+v, want %+v", f.key, obj.resolved, obj.entry, want)
				}
			}
		})
	}
}

// TestPublishMultipartNotUploadedAgain checks that a file large enough to go
// up in parts, whose ETag is no MD5 of its content, is recognised as
// unchanged by its stored hash, with and without the publish state.
func TestPublishMultipartNotUploadedAgain(t *testing.T) {
	requireS3(t)
	bucket, _ := openTarget(t, sharedS3.newBucket(t))
	dir := newSite(t)
	big := make([]byte, 20<<20)
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(big)
	writeSite(t, dir, map[string]string{"static/audio/episode.mp3": string(big)})

	publishSite(t, dir, bucket, PlanOptions{})
	objects, err := listObjects(context.Background(), bucket, testRetry)
	if err != nil {
		t.Fatal(err)
	}
	if fp := objects["static/audio/episode.mp3"].fingerprint; !strings.Contains(fp, "-") {
		t.Fatalf("the 20 MiB file was not uploaded in parts (fingerprint %q has no multipart ETag)", fp)
	}

	for _, withState := range []bool{true, false} {
		if !withState {
			if err := bucket.Delete(context.Background(), StateKey); err != nil {
				t.Fatal(err)
			}
		}
		p := plan(t, dir, bucket, PlanOptions{})
		if len(p.Uploads) != 0 {
			t.Errorf("with state %v: uploads %v, want none", withState, uploadReasons(p))
		}
	}
}

// TestApplyRefusesTooManyDeletes checks the guard against publishing the
// wrong folder: nothing at all is changed when it trips.
func TestApplyRefusesTooManyDeletes(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			bucket, _ := openTarget(t, b.newTarget(t))
			dir := newSite(t)
			publishSite(t, dir, bucket, PlanOptions{})
			before := listKeys(t, bucket)

			for _, key := range []string{"about/index.html", "tags/gardening/index.html", "robots.txt"} {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(key))); err != nil {
					t.Fatal(err)
				}
			}
			writeSite(t, dir, map[string]string{"index.html": "<h1>Home, edited</h1>"})

			tests := []struct {
				max     int
				refused bool
			}{
				{max: 2, refused: true},
				{max: 0},
				{max: 3},
			}
			for _, tt := range tests {
				if tt.max == 0 {
					// --max-deletes 0 means never delete: the rest is published,
					// the three objects stay.
					report, err := plan(t, dir, bucket, PlanOptions{}).Apply(context.Background(), bucket, ApplyOptions{MaxDeletes: 0, Retry: testRetry})
					if err != nil || report.Deleted != 0 || report.Kept != 3 || report.Uploaded != 1 {
						t.Fatalf("max 0: %v, report %+v; want 1 upload and 3 kept", err, report)
					}
					if after := listKeys(t, bucket); !slices.Equal(after, before) {
						t.Errorf("max 0: the bucket's keys changed: %v", after)
					}
					if !strings.Contains(report.Summary(), "3 no longer in the site kept") {
						t.Errorf("max 0: summary %q", report.Summary())
					}
					continue
				}
				p := plan(t, dir, bucket, PlanOptions{})
				report, err := p.Apply(context.Background(), bucket, ApplyOptions{MaxDeletes: tt.max, Retry: testRetry})
				var tooMany *TooManyDeletesError
				if got := errors.As(err, &tooMany); got != tt.refused {
					t.Fatalf("max %d: error %v, want refused=%v", tt.max, err, tt.refused)
				}
				if !tt.refused {
					continue
				}
				if tooMany.Deletes != 3 || tooMany.Max != tt.max || report.Uploaded != 0 {
					t.Errorf("max %d: %+v, report %+v", tt.max, tooMany, report)
				}
				if after := listKeys(t, bucket); !slices.Equal(after, before) {
					t.Errorf("max %d: the bucket changed although the publish was refused", tt.max)
				}
				if data, _ := readObject(t, bucket, "index.html"); bytes.Contains(data, []byte("edited")) {
					t.Errorf("max %d: index.html was uploaded although the publish was refused", tt.max)
				}
			}
			assertMirrors(t, bucket, dir)
		})
	}
}

// TestPublishPrefixLeavesTheRestAlone publishes into a folder of a bucket
// that holds other things, including names that begin like the folder.
func TestPublishPrefixLeavesTheRestAlone(t *testing.T) {
	ctx := context.Background()
	outside := map[string]string{
		"index.html":          "the bucket's own home page",
		"blog-old/index.html": "an older blog",
		"blogroll.html":       "links",
		"other/page.html":     "another site",
	}
	for _, b := range backends() {
		for _, form := range []string{"query", "path"} {
			t.Run(b.name+"/"+form, func(t *testing.T) {
				rawURL := b.newTarget(t)
				whole, _ := openTarget(t, rawURL)
				for key, content := range outside {
					if err := whole.WriteAll(ctx, key, []byte(content), nil); err != nil {
						t.Fatal(err)
					}
				}
				prefixed := withQuery(rawURL, "prefix=blog")
				if form == "path" {
					if b.name == "file" {
						t.Skip("a file:// URL's path is the folder itself")
					}
					bucketURL, query, _ := strings.Cut(rawURL, "?")
					prefixed = bucketURL + "/blog?" + query
				}
				bucket, target := openTarget(t, prefixed)
				if target.Prefix != "blog/" {
					t.Fatalf("prefix %q, want blog/", target.Prefix)
				}
				dir := newSite(t)
				publishSite(t, dir, bucket, PlanOptions{})
				if err := os.Remove(filepath.Join(dir, "about", "index.html")); err != nil {
					t.Fatal(err)
				}
				p, _ := publishSite(t, dir, bucket, PlanOptions{})
				if got := deleteKeys(p); !slices.Equal(got, []string{"about/index.html"}) {
					t.Errorf("deletes %v, want only about/index.html", got)
				}
				assertMirrors(t, bucket, dir)
				for key, content := range outside {
					data, err := whole.ReadAll(ctx, key)
					if err != nil || string(data) != content {
						t.Errorf("%s outside the prefix: %q, %v; want it untouched", key, data, err)
					}
				}
				if ok, _ := whole.Exists(ctx, "blog/"+StateKey); !ok {
					t.Errorf("the publish state is not inside the prefix")
				}
			})
		}
	}
}

// TestPublishFailureThenRerun stops the S3 server in the middle of a
// publish, checks that the failure is reported file by file and that later
// phases were held back, then runs again against the restarted server.
func TestPublishFailureThenRerun(t *testing.T) {
	requireS3(t)
	data := t.TempDir()
	srv, err := startVersitygw(data)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.stop() }()
	if err := os.Mkdir(filepath.Join(data, "site"), 0o755); err != nil {
		t.Fatal(err)
	}

	dir := newSite(t)
	posts := map[string]string{}
	for i := range 60 {
		posts[fmt.Sprintf("2022/02/%02d/post-%d/index.html", i%28+1, i)] = fmt.Sprintf("<h1>Post %d</h1>", i)
	}
	writeSite(t, dir, posts)

	bucket := srv.openWithoutClientRetries(t, "site")
	p := plan(t, dir, bucket, PlanOptions{})
	var once sync.Once
	postsDone := 0
	report, err := p.Apply(context.Background(), bucket, ApplyOptions{
		Workers: 4, MaxDeletes: -1, Retry: Retry{Attempts: 2, Delay: 5 * time.Millisecond},
		Progress: func(pr Progress) {
			if pr.Event == EventDone && pr.Phase == PhasePosts {
				if postsDone++; postsDone == 10 {
					once.Do(srv.kill)
				}
			}
		},
	})
	var applyErr *ApplyError
	if !errors.As(err, &applyErr) {
		t.Fatalf("Apply with the server gone: %v, want an *ApplyError", err)
	}
	if len(report.Failures) == 0 || len(applyErr.Failures) != len(report.Failures) || report.NotAttempted == 0 {
		t.Fatalf("report %+v", report)
	}
	for _, f := range report.Failures {
		if PhaseOf(f.Key) != PhasePosts || !strings.Contains(err.Error(), f.Key) {
			t.Errorf("failure %v: want a post page, named in the error", f)
		}
	}
	for _, key := range report.Changed {
		if phase := PhaseOf(key); phase > PhasePosts {
			t.Errorf("%s (%s) was uploaded after a post failed", key, phase)
		}
	}
	if report.StateErr != nil {
		t.Errorf("the state was written after a failure: %v", report.StateErr)
	}

	srv, err = startVersitygw(data)
	if err != nil {
		t.Fatal(err)
	}
	bucket, _ = openTarget(t, srv.url("site"))
	p = plan(t, dir, bucket, PlanOptions{})
	for _, key := range report.Changed {
		if _, again := uploadReasons(p)[key]; again {
			t.Errorf("%s was uploaded before the failure and is planned again", key)
		}
	}
	for _, u := range p.Uploads {
		if u.Reason != ReasonNew {
			t.Errorf("re-run: %s planned as %q, want new", u.Key, u.Reason)
		}
	}
	apply(t, p, bucket)
	assertMirrors(t, bucket, dir)
	if p := plan(t, dir, bucket, PlanOptions{}); len(p.Uploads)+len(p.Deletes) != 0 {
		t.Errorf("after the re-run: %s", p.Summary())
	}
}

// TestNewPlanRefusesWhatIsNotASite checks that an empty folder or one
// without index.html is refused before the bucket is even listed.
func TestNewPlanRefusesWhatIsNotASite(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
	}{
		{name: "empty folder"},
		{name: "no index.html at the root", files: map[string]string{"2021/01/10/x/index.html": "<p>x</p>", "feed.xml": "<feed/>"}},
		{name: "index.html is a folder", files: map[string]string{"index.html/x.txt": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bucket, _ := openTarget(t, backends()[0].newTarget(t))
			if err := bucket.WriteAll(context.Background(), "index.html", []byte("online"), nil); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			writeSite(t, dir, tt.files)
			_, err := NewPlan(context.Background(), os.DirFS(dir), bucket, PlanOptions{})
			if !errors.Is(err, ErrNotSite) {
				t.Fatalf("NewPlan: %v, want ErrNotSite", err)
			}
		})
	}
}

// TestNewPlanReportsEveryBadFile checks that all the unpublishable files are
// named at once.
func TestNewPlanReportsEveryBadFile(t *testing.T) {
	bucket, _ := openTarget(t, backends()[0].newTarget(t))
	dir := newSite(t)
	writeSite(t, dir, map[string]string{StateKey: "{}"})
	if err := os.Symlink(filepath.Join(dir, "tags"), filepath.Join(dir, "tags-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "index.html"), filepath.Join(dir, "home.html")); err != nil {
		t.Fatal(err)
	}
	_, err := NewPlan(context.Background(), os.DirFS(dir), bucket, PlanOptions{})
	if err == nil {
		t.Fatal("NewPlan accepted a reserved name and a link to a folder")
	}
	for _, want := range []string{StateKey, "tags-link"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "home.html") {
		t.Errorf("error %q names a link to a file, which is published", err)
	}
}

// TestDryRunChangesNothing checks that writing a plan leaves the bucket as
// it was, and that the printed plan lists every change.
func TestDryRunChangesNothing(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			bucket, _ := openTarget(t, b.newTarget(t))
			dir := newSite(t)
			publishSite(t, dir, bucket, PlanOptions{})
			before := listKeys(t, bucket)
			writeSite(t, dir, map[string]string{"about/index.html": "<h1>About me</h1>", "assets/new.js": "console.log(1)"})
			if err := os.Remove(filepath.Join(dir, "robots.txt")); err != nil {
				t.Fatal(err)
			}
			p := plan(t, dir, bucket, PlanOptions{})
			var out bytes.Buffer
			if err := p.Write(&out); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"upload  assets   new", "assets/new.js", "content changed", "about/index.html", "delete  deletes  not in the site", "robots.txt", "2 to upload"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("plan output lacks %q:\n%s", want, out.String())
				}
			}
			if after := listKeys(t, bucket); !slices.Equal(before, after) {
				t.Errorf("planning changed the bucket: %v, was %v", after, before)
			}
			if data, _ := readObject(t, bucket, "about/index.html"); bytes.Contains(data, []byte("About me")) {
				t.Errorf("planning uploaded a file")
			}
		})
	}
}

// TestApplyRejectsFileChangedSincePlan checks that a file rewritten between
// plan and upload is not stored under the planned hash, small or large.
func TestApplyRejectsFileChangedSincePlan(t *testing.T) {
	for _, b := range backends() {
		for _, size := range []int{100, inMemoryLimit + 1} {
			t.Run(fmt.Sprint(b.name, "/", size), func(t *testing.T) {
				bucket, _ := openTarget(t, b.newTarget(t))
				dir := newSite(t)
				writeSite(t, dir, map[string]string{"static/data.bin": strings.Repeat("a", size)})
				p := plan(t, dir, bucket, PlanOptions{})
				writeSite(t, dir, map[string]string{"static/data.bin": strings.Repeat("b", size)})
				report, err := p.Apply(context.Background(), bucket, ApplyOptions{MaxDeletes: -1, Retry: testRetry})
				if !errors.Is(err, errChangedSincePlan) || len(report.Failures) != 1 || report.Failures[0].Key != "static/data.bin" {
					t.Fatalf("Apply: %v, failures %v", err, report.Failures)
				}
				if ok, _ := bucket.Exists(context.Background(), "static/data.bin"); ok {
					t.Errorf("the changed file was stored")
				}
			})
		}
	}
}

// TestChangesAreSorted checks the keys a dry run hands to --changed-paths.
func TestChangesAreSorted(t *testing.T) {
	p := &Plan{
		Uploads: []Upload{{Key: "feed.xml"}, {Key: "a/index.html"}},
		Deletes: []Delete{{Key: "b.css"}},
	}
	if got, want := p.Changes(), []string{"a/index.html", "b.css", "feed.xml"}; !sort.StringsAreSorted(got) || !slices.Equal(got, want) {
		t.Errorf("Changes() = %v, want %v", got, want)
	}
}

// TestListObjects checks both ways of listing: folder by folder, and in one
// run when the root holds too many entries for that.
func TestListObjects(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		rootFiles int
	}{
		{name: "few top-level entries", rootFiles: 3},
		{name: "more top-level entries than a page", rootFiles: 1001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bucket, _ := openTarget(t, backends()[0].newTarget(t))
			want := map[string]int64{"a/b/c.html": 1, "a/d.css": 2, "z/index.html": 3}
			for i := range tt.rootFiles {
				want[fmt.Sprintf("file-%04d.txt", i)] = int64(i % 7)
			}
			for key, size := range want {
				if err := bucket.WriteAll(ctx, key, bytes.Repeat([]byte("x"), int(size)), nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := bucket.WriteAll(ctx, StateKey, []byte("x"), nil); err != nil {
				t.Fatal(err)
			}
			objects, err := listObjects(ctx, bucket, testRetry)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for key, o := range objects {
				got[key] = o.size
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("listed %d objects, want %d (the state object left out)", len(got), len(want))
			}
		})
	}
}
