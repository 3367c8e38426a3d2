package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"
)

// ApplyOptions say how to make a Plan's changes.
type ApplyOptions struct {
	Workers    int            // concurrent uploads or deletes; <1 means DefaultWorkers
	MaxDeletes int            // the most objects Apply may delete; negative means no limit, 0 never to delete (deletes are kept, not refused)
	Retry      Retry          // for every request; the zero value means DefaultRetry
	Progress   func(Progress) // told of every file as it finishes, from one goroutine at a time; may be nil
}

// Event is what a Progress reports.
type Event int

// The events of Apply.
const (
	EventPhaseStart Event = iota // a phase begins
	EventDone                    // Key was uploaded or deleted
	EventFailed                  // Key failed for good; Err says why
	EventPhaseEnd                // every file of the phase has finished
)

// Progress is one step of Apply, with the counts of the phase it belongs to.
type Progress struct {
	Event      Event
	Phase      Phase
	Key        string // the file that finished; "" for phase events
	Err        error  // for EventFailed
	Done       int    // files of the phase finished so far
	Failed     int    // files of the phase that failed so far
	Total      int    // files in the phase
	Bytes      int64  // size of the phase's finished uploads (before any gzip)
	TotalBytes int64  // size of all the phase's uploads
}

// Failure is a file that could not be uploaded or deleted.
type Failure struct {
	Key string
	Op  string // "upload" or "delete"
	Err error
}

func (f Failure) String() string { return fmt.Sprintf("%s %s: %v", f.Op, f.Key, f.Err) }

// Report is what Apply did.
type Report struct {
	Uploaded      int
	UploadedBytes int64 // bytes sent, after any gzip
	Deleted       int
	Failures      []Failure // every file that failed, by key
	NotAttempted  int       // changes left for the next run because an earlier phase failed
	Kept          int       // objects not in the site left in place, as MaxDeletes 0 asks
	Changed       []string  // keys uploaded or deleted, sorted
	StateErr      error     // StateKey could not be updated; the site is published, the next plan is only slower
	Duration      time.Duration
}

// ApplyError is returned by Apply when any file failed. The site is left
// consistent up to the failed phase: later phases and all deletes are not
// attempted, and running the publish again finishes the job.
type ApplyError struct {
	Failures     []Failure
	NotAttempted int
}

// Unwrap returns the failures' errors, so that errors.Is and errors.As see
// through to them.
func (e *ApplyError) Unwrap() []error {
	errs := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		errs[i] = f.Err
	}
	return errs
}

func (e *ApplyError) Error() string {
	var b strings.Builder
	if len(e.Failures) == 1 {
		b.WriteString("1 file failed")
	} else {
		fmt.Fprintf(&b, "%d files failed", len(e.Failures))
	}
	if e.NotAttempted > 0 {
		fmt.Fprintf(&b, " and %d later changes were not attempted", e.NotAttempted)
	}
	b.WriteString("; publishing again finishes the job:")
	for _, f := range e.Failures {
		b.WriteString("\n  " + f.String())
	}
	return b.String()
}

// TooManyDeletesError is returned by Apply, before anything is changed, when
// the plan deletes more objects than ApplyOptions.MaxDeletes allows: usually
// a sign of publishing the wrong folder or to the wrong place.
type TooManyDeletesError struct {
	Deletes int // objects the plan deletes
	Max     int // the limit
}

func (e *TooManyDeletesError) Error() string {
	objects := "objects"
	if e.Deletes == 1 {
		objects = "object"
	}
	return fmt.Sprintf("refusing to delete %s %s, more than the limit of %s", FormatCount(e.Deletes), objects, FormatCount(e.Max))
}

// CheckDeletes returns a *TooManyDeletesError if the plan deletes more than
// max objects (a negative max means no limit; 0 means never delete, which
// keeps the objects rather than refusing the run). Apply checks this first;
// a dry run can check it to say whether the real run would be refused.
func (p *Plan) CheckDeletes(max int) error {
	if max > 0 && len(p.Deletes) > max {
		return &TooManyDeletesError{Deletes: len(p.Deletes), Max: max}
	}
	return nil
}

// inMemoryLimit is the size up to which a file is read whole before it is
// uploaded, so that its hash is checked before anything is sent; larger
// files are streamed and checked as they go.
const inMemoryLimit = 8 << 20

// errChangedSincePlan means the built site changed between planning and
// uploading, so the planned hash would describe the object wrongly.
var errChangedSincePlan = errors.New("the file changed since the plan was made; publish again")

// Apply makes the plan's changes in bucket, phase by phase, each phase
// finishing before the next starts. It returns a *TooManyDeletesError,
// changing nothing, when the plan deletes more than opts.MaxDeletes allows,
// and an *ApplyError listing every failed file when any failed. Transient
// failures are retried first. The Report says what was done either way.
//
// A plan is applied once: apply a fresh plan to publish again.
func (p *Plan) Apply(ctx context.Context, bucket *blob.Bucket, opts ApplyOptions) (*Report, error) {
	start := time.Now()
	report := &Report{}
	if err := p.CheckDeletes(opts.MaxDeletes); err != nil {
		return report, err
	}
	if opts.Workers < 1 {
		opts.Workers = DefaultWorkers
	}
	opts.Retry = opts.Retry.orDefault()

	run := &applyRun{plan: p, bucket: bucket, opts: opts, report: report, uploaded: map[string]stateEntry{}}
	stopped := false
	for phase := PhaseAssets; phase <= PhaseDeletes; phase++ {
		jobs := p.jobs(phase)
		if phase == PhaseDeletes && opts.MaxDeletes == 0 {
			report.Kept = len(jobs)
			continue
		}
		if len(jobs) == 0 {
			continue
		}
		if stopped {
			report.NotAttempted += len(jobs)
			continue
		}
		failedBefore := len(report.Failures)
		run.phase(ctx, phase, jobs)
		stopped = len(report.Failures) > failedBefore || ctx.Err() != nil
	}
	sort.Strings(report.Changed)
	sort.Slice(report.Failures, func(i, j int) bool { return report.Failures[i].Key < report.Failures[j].Key })

	if !stopped && (len(report.Changed) > 0 || p.stale) {
		report.StateErr = p.writeState(ctx, bucket, run.uploaded, opts.Retry)
	}
	report.Duration = time.Since(start)
	if len(report.Failures) > 0 {
		return report, &ApplyError{Failures: report.Failures, NotAttempted: report.NotAttempted}
	}
	if err := ctx.Err(); err != nil {
		return report, fmt.Errorf("publish interrupted with %d changes not attempted: %w", report.NotAttempted, err)
	}
	return report, nil
}

// job is one upload or delete.
type job struct {
	upload *Upload
	delete *Delete
}

func (j job) key() string {
	if j.upload != nil {
		return j.upload.Key
	}
	return j.delete.Key
}

func (p *Plan) jobs(phase Phase) []job {
	var jobs []job
	if phase == PhaseDeletes {
		for i := range p.Deletes {
			jobs = append(jobs, job{delete: &p.Deletes[i]})
		}
		return jobs
	}
	for i := range p.Uploads {
		if p.Uploads[i].Phase == phase {
			jobs = append(jobs, job{upload: &p.Uploads[i]})
		}
	}
	return jobs
}

// applyRun is the state of one Apply, shared by its workers.
type applyRun struct {
	plan   *Plan
	bucket *blob.Bucket
	opts   ApplyOptions

	mu       sync.Mutex // guards everything below, and serialises opts.Progress
	report   *Report
	uploaded map[string]stateEntry // hashes of what was uploaded, for StateKey
	progress Progress
	// halted is set when a file failed even after its retries for a
	// reason that is not the file's own (the service or the network),
	// so that the rest of the phase is not sent into the same failure,
	// each file waiting out its retries. A failure that is the file's
	// own does not halt, so that one run reports every such file.
	halted bool
}

func (r *applyRun) isHalted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.halted
}

func (r *applyRun) phase(ctx context.Context, phase Phase, jobs []job) {
	r.mu.Lock()
	r.progress = Progress{Phase: phase, Total: len(jobs)}
	for _, j := range jobs {
		if j.upload != nil {
			r.progress.TotalBytes += j.upload.Size
		}
	}
	r.emit(EventPhaseStart, "", nil)
	r.mu.Unlock()

	g := new(errgroup.Group)
	g.SetLimit(r.opts.Workers)
	for _, j := range jobs {
		if ctx.Err() != nil || r.isHalted() {
			break
		}
		g.Go(func() error {
			var (
				stored stateEntry
				sent   int64
				err    error
			)
			if j.upload != nil {
				stored, sent, err = r.plan.upload(ctx, r.bucket, *j.upload, r.opts.Retry)
			} else {
				err = r.plan.delete(ctx, r.bucket, j.delete.Key, r.opts.Retry)
			}
			r.finished(ctx, j, stored, sent, err)
			return nil
		})
	}
	_ = g.Wait() // the workers report their errors through finished

	r.mu.Lock()
	attempted := r.progress.Done + r.progress.Failed
	r.report.NotAttempted += len(jobs) - attempted
	r.emit(EventPhaseEnd, "", nil)
	r.mu.Unlock()
}

// finished records the outcome of a job; stored is what an upload wrote as
// the object's metadata, kept for StateKey.
func (r *applyRun) finished(ctx context.Context, j job, stored stateEntry, sent int64, err error) {
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// Interrupted, not failed: the file counts as not attempted, and
		// Apply reports the interruption.
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	op := "delete"
	if j.upload != nil {
		op = "upload"
	}
	if err != nil {
		r.report.Failures = append(r.report.Failures, Failure{Key: j.key(), Op: op, Err: err})
		r.progress.Failed++
		r.halted = r.halted || transient(context.Background(), err)
		r.emit(EventFailed, j.key(), err)
		return
	}
	r.report.Changed = append(r.report.Changed, j.key())
	if j.upload != nil {
		r.report.Uploaded++
		r.report.UploadedBytes += sent
		r.progress.Bytes += j.upload.Size
		r.uploaded[j.upload.Key] = stored
	} else {
		r.report.Deleted++
	}
	r.progress.Done++
	r.emit(EventDone, j.key(), nil)
}

// emit reports progress; the caller holds r.mu.
func (r *applyRun) emit(event Event, key string, err error) {
	if r.opts.Progress == nil {
		return
	}
	p := r.progress
	p.Event, p.Key, p.Err = event, key, err
	r.opts.Progress(p)
}

// upload sends one file with its headers and hashes, and returns the hashes
// it stored as the object's metadata, so that StateKey records exactly
// those, and how many bytes it sent.
func (p *Plan) upload(ctx context.Context, bucket *blob.Bucket, u Upload, retry Retry) (stateEntry, int64, error) {
	stored := stateEntry{SHA256: u.SHA256, Headers: u.Headers.hash()}
	opts := &blob.WriterOptions{
		ContentType:     u.Headers.ContentType,
		CacheControl:    u.Headers.CacheControl,
		ContentEncoding: u.Headers.ContentEncoding,
		Metadata:        map[string]string{MetaContentHash: stored.SHA256, MetaHeadersHash: stored.Headers},
	}
	if u.Size > inMemoryLimit && u.Headers.ContentEncoding == "" {
		err := withRetry(ctx, retry, func() error {
			f, err := p.local.Open(u.Key)
			if err != nil {
				return &localError{fmt.Errorf("read %s: %w", u.Key, err)}
			}
			defer f.Close()
			// Some drivers store whatever was written once the writer is
			// closed, even after a read error; only a cancelled context
			// abandons the write.
			uploadCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			err = bucket.Upload(uploadCtx, u.Key, newVerifyingReader(f, u, cancel), opts)
			var local *localError
			if errors.As(err, &local) || uploadCtx.Err() != nil && ctx.Err() == nil {
				return &localError{errChangedSincePlan}
			}
			return err
		})
		return stored, u.Size, err
	}

	data, err := fs.ReadFile(p.local, u.Key)
	if err != nil {
		return stored, 0, &localError{fmt.Errorf("read %s: %w", u.Key, err)}
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != u.SHA256 {
		return stored, 0, &localError{errChangedSincePlan}
	}
	if u.Headers.ContentEncoding == "gzip" {
		if data, err = gzipBytes(data); err != nil {
			return stored, 0, &localError{fmt.Errorf("compress %s: %w", u.Key, err)}
		}
	}
	err = withRetry(ctx, retry, func() error {
		return bucket.Upload(ctx, u.Key, bytes.NewReader(data), opts)
	})
	return stored, int64(len(data)), err
}

// gzipBytes compresses deterministically: no name and no time in the header,
// so the same file always gives the same bytes with the same Go release.
func gzipBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// verifyingReader streams a large file and fails instead of reporting the
// end when the bytes no longer match the plan, which makes the storage
// service abandon the upload rather than store a mislabelled object.
type verifyingReader struct {
	r     io.Reader
	hash  hash.Hash
	n     int64
	want  Upload
	abort context.CancelFunc
}

func newVerifyingReader(r io.Reader, u Upload, abort context.CancelFunc) *verifyingReader {
	return &verifyingReader{r: r, hash: sha256.New(), want: u, abort: abort}
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.hash.Write(p[:n])
	v.n += int64(n)
	if v.n > v.want.Size || err == io.EOF && (v.n != v.want.Size || hex.EncodeToString(v.hash.Sum(nil)) != v.want.SHA256) {
		v.abort()
		return n, &localError{errChangedSincePlan}
	}
	return n, err
}

func (p *Plan) delete(ctx context.Context, bucket *blob.Bucket, key string, retry Retry) error {
	err := withRetry(ctx, retry, func() error { return bucket.Delete(ctx, key) })
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil // already gone, as wanted
	}
	return err
}

// writeState lists the bucket again, for the fingerprints of what was just
// uploaded, and stores what is now known of every object as StateKey.
func (p *Plan) writeState(ctx context.Context, bucket *blob.Bucket, uploaded map[string]stateEntry, retry Retry) error {
	objects, err := listObjects(ctx, bucket, retry)
	if err != nil {
		return fmt.Errorf("update %s: %w", StateKey, err)
	}
	state := make(map[string]stateEntry, len(objects))
	for key, obj := range objects {
		if e, ok := uploaded[key]; ok {
			e.Fingerprint = obj.fingerprint
			state[key] = e
		} else if e, ok := p.known[key]; ok && e.Fingerprint == obj.fingerprint {
			state[key] = e
		}
	}
	data, err := encodeState(state)
	if err != nil {
		return err
	}
	err = withRetry(ctx, retry, func() error {
		return bucket.Upload(ctx, StateKey, bytes.NewReader(data), &blob.WriterOptions{
			ContentType:  "application/gzip",
			CacheControl: "no-store",
		})
	})
	if err != nil {
		return fmt.Errorf("update %s: %w", StateKey, err)
	}
	return nil
}
