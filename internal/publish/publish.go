// Package publish ships a built site to object storage (S3, Google Cloud
// Storage, Azure Blob Storage or a local folder, through gocloud.dev/blob),
// uploading only what changed.
//
// Publishing is two steps. NewPlan walks the built site and the bucket into
// maps and compares them by content (SHA-256, never timestamps) and by the
// headers each file should be served with, giving a Plan: every upload with
// its reason, and every delete. A dry run prints the Plan; a real run calls
// Plan.Apply, which makes exactly those changes, in an order that keeps the
// live site whole while it runs: assets first, then post pages, then the
// pages that list posts, then feeds and the sitemap, and deletes last.
//
// Each object carries its content hash and a hash of its intended headers in
// its metadata (MetaContentHash, MetaHeadersHash), so that a large file
// uploaded in parts, whose ETag is not an MD5, is never downloaded again to
// be compared, and a change to a header rule alone re-uploads exactly the
// files it affects. Reading the metadata of thousands of objects one by one
// would be slow, so after a publish the bucket also holds StateKey, a summary
// of that metadata keyed by what a listing shows of each object (size,
// modification time and ETag); an entry is trusted only while the listing
// still agrees with it, and an object changed by anything else has its
// metadata read again. State lives only in the bucket, so a publish that
// failed half-way is finished by running it again.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"

	"github.com/weeknotes/weeknotes/internal/mediatype"

	"github.com/weeknotes/weeknotes/internal/output"
)

// Metadata keys publish stores on every object it uploads.
const (
	// MetaContentHash holds the hex SHA-256 of the file's bytes before
	// any compression.
	MetaContentHash = "weeknotes-sha256"
	// MetaHeadersHash holds a hash of the headers the object was stored
	// with (Headers), so a change of header rules alone is detected.
	MetaHeadersHash = "weeknotes-headers"
)

// StateKey is the object, beside the site's own, that summarises the
// metadata of every published object so that a publish need not read it
// object by object. It is never deleted by a publish, and a built site may
// not contain a file of that name.
const StateKey = ".weeknotes-publish.json.gz"

// BuildMarker is the file that weeknotes build leaves at the root of the
// built site to recognise its own output folder. It is
// bookkeeping, not part of the site, so it is never published.
const BuildMarker = output.MarkerFile

// Defaults used when options leave a setting at zero.
const (
	DefaultWorkers    = 8   // concurrent uploads or deletes
	DefaultMaxDeletes = 256 // what the command line allows unless told otherwise
)

// ErrNotSite is returned (wrapped) by NewPlan for a folder that does not
// look like a built site, so that a wrong --dir never empties a bucket.
var ErrNotSite = errors.New("not a built site")

// Phase is a step of Apply. Every upload of a phase finishes before the next
// phase starts, so that a reader never follows a link to a page or asset
// that is not there yet, and nothing is deleted while something may still
// link to it.
type Phase int

// The phases, in the order Apply runs them.
const (
	PhaseAssets  Phase = iota // stylesheets, scripts, images and other non-page files
	PhasePosts                // pages that are not lists: posts and standalone pages
	PhaseIndexes              // pages that list others: home, pagination, tags, series, archives
	PhaseFeeds                // Atom and RSS feeds and the sitemap, which point at all of the above
	PhaseDeletes              // objects no longer in the site
)

var phaseNames = [...]string{"assets", "posts", "indexes", "feeds", "deletes"}

func (p Phase) String() string {
	if p >= 0 && int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return fmt.Sprintf("phase %d", int(p))
}

// Reason says why a file is uploaded.
type Reason string

// The reasons for an upload.
const (
	ReasonNew            Reason = "new"             // no object of that name exists
	ReasonContentChanged Reason = "content changed" // the bytes differ from the object's
	ReasonHeadersChanged Reason = "headers changed" // same bytes, but the header rules now say otherwise
	ReasonForced         Reason = "forced"          // PlanOptions.Force
	ReasonUntracked      Reason = "not published by weeknotes"
)

// Upload is one file to upload.
type Upload struct {
	Key     string  // slash path relative to the built site, and the object's name in the bucket
	Phase   Phase   // when Apply uploads it
	Reason  Reason  // why
	Size    int64   // bytes of the file (before any gzip)
	SHA256  string  // hex SHA-256 of the file, stored as MetaContentHash
	Headers Headers // what the object is stored with
}

// Delete is one object to delete: it is in the bucket but not in the site.
type Delete struct {
	Key  string // object name relative to the target
	Size int64  // bytes stored
}

// Plan is what a publish will change, decided before anything is changed.
// The same Plan is printed by a dry run and applied by a real one.
type Plan struct {
	Uploads        []Upload // ordered as Apply makes them: by phase, then key
	Deletes        []Delete // ordered by key
	Unchanged      int      // files already published as they are
	UnchangedBytes int64    // their size
	MetadataReads  int      // objects whose metadata was read one by one, not taken from StateKey
	Warnings       []string // things the author may want to know, e.g. an unreadable StateKey

	local fs.FS
	// known is the verified metadata of every object that stays as it is,
	// carried over into the next StateKey.
	known map[string]stateEntry
	// stale is set when StateKey does not describe the bucket, so Apply
	// rewrites it even when no file changed.
	stale bool
}

// PlanOptions say how to compare.
type PlanOptions struct {
	Rules   *Rules // header rules; nil means DefaultRules only
	Force   bool   // upload every file, whatever the bucket holds
	Workers int    // concurrent metadata reads are four times this; <1 means DefaultWorkers
	Retry   Retry  // for reading the bucket; the zero value means DefaultRetry
}

// localFile is one file of the built site.
type localFile struct {
	key     string
	size    int64
	sha256  string
	headers Headers
}

// NewPlan compares the built site in local (e.g. os.DirFS("site")) with the
// objects in bucket and returns what Apply must change. The bucket is read,
// never written. Objects outside bucket (a prefix of a larger bucket, see
// blob.PrefixedBucket) are never seen and so never touched.
//
// A folder with no index.html at its root is refused with ErrNotSite. Every
// unreadable file and every failed read of the bucket is reported in the
// returned error, not only the first.
func NewPlan(ctx context.Context, local fs.FS, bucket *blob.Bucket, opts PlanOptions) (*Plan, error) {
	if opts.Rules == nil {
		opts.Rules = defaultRules
	}
	if opts.Workers < 1 {
		opts.Workers = DefaultWorkers
	}
	opts.Retry = opts.Retry.orDefault()
	if err := checkSite(local); err != nil {
		return nil, err
	}

	// Both sides are read at once, and both sides' problems are reported.
	var (
		files               []localFile
		remote              *remoteView
		localErr, remoteErr error
		wg                  sync.WaitGroup
	)
	wg.Go(func() { files, localErr = walkLocal(ctx, local, opts.Rules) })
	wg.Go(func() { remote, remoteErr = listRemote(ctx, bucket, !opts.Force, opts.Retry) })
	wg.Wait()
	if err := errors.Join(localErr, remoteErr); err != nil {
		return nil, err
	}

	plan := &Plan{local: local, known: map[string]stateEntry{}, Warnings: remote.warnings}
	if !opts.Force {
		reads, err := remote.readMissingMetadata(ctx, bucket, files, opts.Workers*4, opts.Retry)
		if err != nil {
			return nil, err
		}
		plan.MetadataReads = reads
	}
	plan.stale = remote.stale || plan.MetadataReads > 0

	inSite := make(map[string]bool, len(files))
	for _, f := range files {
		inSite[f.key] = true
		reason, upload := compare(f, remote.objects[f.key], opts.Force)
		if !upload {
			plan.Unchanged++
			plan.UnchangedBytes += f.size
			plan.known[f.key] = remote.objects[f.key].entry
			continue
		}
		plan.Uploads = append(plan.Uploads, Upload{
			Key: f.key, Phase: PhaseOf(f.key), Reason: reason,
			Size: f.size, SHA256: f.sha256, Headers: f.headers,
		})
	}
	for key, obj := range remote.objects {
		if !inSite[key] {
			plan.Deletes = append(plan.Deletes, Delete{Key: key, Size: obj.size})
		}
	}
	sort.Slice(plan.Uploads, func(i, j int) bool {
		a, b := plan.Uploads[i], plan.Uploads[j]
		if a.Phase != b.Phase {
			return a.Phase < b.Phase
		}
		return a.Key < b.Key
	})
	sort.Slice(plan.Deletes, func(i, j int) bool { return plan.Deletes[i].Key < plan.Deletes[j].Key })
	return plan, nil
}

// compare decides whether a file must be uploaded over obj (nil when no
// object of that name exists), and why.
func compare(f localFile, obj *remoteObject, force bool) (Reason, bool) {
	switch {
	case obj == nil:
		return ReasonNew, true
	case force:
		return ReasonForced, true
	case !obj.entry.tracked():
		return ReasonUntracked, true
	case obj.entry.SHA256 != f.sha256:
		return ReasonContentChanged, true
	case obj.entry.Headers != f.headers.hash():
		return ReasonHeadersChanged, true
	// A size that disagrees with the recorded hash means the object was
	// replaced in a way its metadata does not show; trust the bytes.
	case f.headers.ContentEncoding == "" && obj.size != f.size:
		return ReasonContentChanged, true
	}
	return "", false
}

// checkSite refuses a folder that is not a built site: publishing an empty
// or wrong folder would delete everything that is online.
func checkSite(local fs.FS) error {
	entries, err := fs.ReadDir(local, ".")
	if err != nil {
		return fmt.Errorf("read the site folder: %w", err)
	}
	if len(entries) == 0 {
		return fmt.Errorf("the site folder is empty: %w; run weeknotes build first", ErrNotSite)
	}
	info, err := fs.Stat(local, "index.html")
	if err != nil || !info.Mode().IsRegular() {
		return fmt.Errorf("the site folder has no index.html at its root: %w; run weeknotes build first, or point --dir at the built site", ErrNotSite)
	}
	return nil
}

// PhaseOf returns the phase in which the file at key is uploaded. Index
// pages are recognised by where the build puts them: the root pages, the
// index.html of page/, tags/, series/, archive/ (and their common synonyms)
// and of date folders such as 2021/ or 2021/01/.
func PhaseOf(key string) Phase {
	name := path.Base(key)
	lower := strings.ToLower(name)
	ext := path.Ext(lower)
	switch {
	case isFeed(lower, ext):
		return PhaseFeeds
	case ext != ".html" && ext != ".htm":
		return PhaseAssets
	case isIndexPage(key, name):
		return PhaseIndexes
	}
	return PhasePosts
}

func isFeed(name, ext string) bool {
	if mediatype.IsFeedName(name) || name == "index.xml" || ext == ".atom" || ext == ".rss" {
		return true
	}
	return strings.HasPrefix(name, "sitemap") && ext == ".xml"
}

// listSections are the top-level folders whose pages list other pages.
var listSections = map[string]bool{
	"page": true, "tags": true, "tag": true, "categories": true, "category": true,
	"series": true, "archive": true, "archives": true, "authors": true, "author": true,
}

func isIndexPage(key, name string) bool {
	dir := path.Dir(key)
	if dir == "." {
		return name == "index.html" || name == "404.html"
	}
	if name != "index.html" {
		return false
	}
	first, _, _ := strings.Cut(dir, "/")
	if listSections[first] {
		return true
	}
	for _, segment := range strings.Split(dir, "/") {
		if strings.Trim(segment, "0123456789") != "" {
			return false
		}
	}
	return true
}

// Retry says how often a failed request is tried again. Only errors that may
// pass are retried: a refused permission or a missing bucket is not.
type Retry struct {
	Attempts int           // tries in all, the first included
	Delay    time.Duration // wait before the second try; it doubles for each further one
}

// DefaultRetry is used when a Retry is left at its zero value. It comes on
// top of the retries that the storage service's own client makes.
var DefaultRetry = Retry{Attempts: 3, Delay: 500 * time.Millisecond}

func (r Retry) orDefault() Retry {
	if r.Attempts < 1 {
		return DefaultRetry
	}
	return r
}

// collector gathers errors from many goroutines so that all of them are
// reported, sorted so that the report reads the same on every run.
type collector struct {
	mu   sync.Mutex
	errs []error
}

func (c *collector) add(err error) {
	c.mu.Lock()
	c.errs = append(c.errs, err)
	c.mu.Unlock()
}

func (c *collector) err() error {
	sort.Slice(c.errs, func(i, j int) bool { return c.errs[i].Error() < c.errs[j].Error() })
	return errors.Join(c.errs...)
}

// workerCount is how many goroutines hash local files: hashing is CPU-bound.
func workerCount() int { return max(2, runtime.GOMAXPROCS(0)) }
