package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gocloud.dev/gcerrors"
)

func TestURLPaths(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		base string
		want []string
	}{
		{
			name: "pages lose index.html",
			keys: []string{"index.html", "2021/01/10/x/index.html", "feed.xml", "assets/style.css"},
			want: []string{"/", "/2021/01/10/x/", "/assets/style.css", "/feed.xml"},
		},
		{
			name: "under a prefix",
			keys: []string{"index.html", "tags/go/index.html", "404.html"},
			base: "blog/",
			want: []string{"/blog/", "/blog/404.html", "/blog/tags/go/"},
		},
		{
			name: "a file merely ending in index.html keeps its name",
			keys: []string{"oldindex.html", "a/oldindex.html"},
			want: []string{"/a/oldindex.html", "/oldindex.html"},
		},
		{
			name: "duplicates once",
			keys: []string{"a/index.html", "a/index.html"},
			base: "/site",
			want: []string{"/site/a/"},
		},
		{
			name: "escaped as requested",
			keys: []string{"static/notes/reading list.txt", "café/index.html", "a+b.html"},
			want: []string{"/a+b.html", "/caf%C3%A9/", "/static/notes/reading%20list.txt"},
		},
		{name: "nothing", want: nil},
	}
	for _, tt := range tests {
		if got := URLPaths(tt.keys, tt.base); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: URLPaths(%q, %q) = %q, want %q", tt.name, tt.keys, tt.base, got, tt.want)
		}
	}
}

func TestFormatBytesAndCount(t *testing.T) {
	bytesTests := map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 15_234: "15.2 kB", 20 << 20: "21.0 MB", 3_400_000_000: "3.4 GB"}
	for n, want := range bytesTests {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
	countTests := map[int]string{0: "0", 999: "999", 1000: "1,000", 15987: "15,987", 1234567: "1,234,567", -1234: "-1,234"}
	for n, want := range countTests {
		if got := FormatCount(n); got != want {
			t.Errorf("FormatCount(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPlanSummary(t *testing.T) {
	tests := []struct {
		plan Plan
		want string
	}{
		{plan: Plan{Unchanged: 16000, UnchangedBytes: 80_000_000}, want: "nothing to publish: 16,000 files unchanged (80.0 MB)"},
		{
			plan: Plan{
				Uploads: []Upload{
					{Key: "a", Reason: ReasonNew, Size: 1000},
					{Key: "b", Reason: ReasonContentChanged, Size: 500},
					{Key: "c", Reason: ReasonContentChanged, Size: 500},
				},
				Deletes:   []Delete{{Key: "d", Size: 2000}},
				Unchanged: 12,
			},
			want: "3 to upload (2.0 kB: 1 new, 2 content changed), 1 to delete (2.0 kB), 12 unchanged",
		},
		{
			plan: Plan{Uploads: []Upload{{Key: "a", Reason: ReasonHeadersChanged, Size: 10}}},
			want: "1 to upload (10 B: 1 headers changed), 0 unchanged",
		},
	}
	for _, tt := range tests {
		if got := tt.plan.Summary(); got != tt.want {
			t.Errorf("Summary() = %q, want %q", got, tt.want)
		}
	}
}

func TestApplyErrorNamesEveryFailure(t *testing.T) {
	cause := errors.New("connection reset")
	err := &ApplyError{
		Failures:     []Failure{{Key: "a.html", Op: "upload", Err: cause}, {Key: "b.css", Op: "delete", Err: errors.New("denied")}},
		NotAttempted: 7,
	}
	msg := err.Error()
	for _, want := range []string{"2 files failed", "7 later changes", "upload a.html: connection reset", "delete b.css: denied"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if !errors.Is(err, cause) {
		t.Errorf("errors.Is does not see a failure's cause")
	}
}

func TestWithRetry(t *testing.T) {
	unavailable := errors.New("503 slow down")
	bucket, _ := openTarget(t, backends()[0].newTarget(t))
	_, missing := bucket.Attributes(context.Background(), "missing.html")
	if gcerrors.Code(missing) != gcerrors.NotFound {
		t.Fatalf("reading a missing object: %v, want NotFound", missing)
	}
	tests := []struct {
		name      string
		failures  []error // returned by successive tries, then success
		attempts  int
		wantTries int
		wantErr   error
	}{
		{name: "success at once", attempts: 3, wantTries: 1},
		{name: "transient then success", failures: []error{unavailable, unavailable}, attempts: 3, wantTries: 3},
		{name: "transient until out of attempts", failures: []error{unavailable, unavailable, unavailable}, attempts: 3, wantTries: 3, wantErr: unavailable},
		{name: "not found is not retried", failures: []error{missing}, attempts: 3, wantTries: 1, wantErr: missing},
		{name: "a local read is not retried", failures: []error{&localError{errChangedSincePlan}}, attempts: 3, wantTries: 1, wantErr: errChangedSincePlan},
		{name: "network errors are retried", failures: []error{fmt.Errorf("dial: %w", errors.New("connection refused"))}, attempts: 2, wantTries: 2},
	}
	for _, tt := range tests {
		tries := 0
		err := withRetry(context.Background(), Retry{Attempts: tt.attempts, Delay: time.Millisecond}, func() error {
			tries++
			if tries <= len(tt.failures) {
				return tt.failures[tries-1]
			}
			return nil
		})
		if tries != tt.wantTries || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("%s: %d tries, error %v; want %d tries, error %v", tt.name, tries, err, tt.wantTries, tt.wantErr)
		}
	}
}

func TestWithRetryStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	tries := 0
	err := withRetry(ctx, Retry{Attempts: 5, Delay: time.Hour}, func() error {
		tries++
		cancel()
		return errors.New("timeout")
	})
	if err == nil || tries != 1 {
		t.Errorf("%d tries, error %v; want 1 try and the error", tries, err)
	}
}

func TestProgressPrinter(t *testing.T) {
	clock := time.Date(2021, 1, 10, 9, 0, 0, 0, time.UTC)
	events := []struct {
		after time.Duration
		p     Progress
	}{
		{0, Progress{Event: EventPhaseStart, Phase: PhasePosts, Total: 3, TotalBytes: 3000}},
		{10 * time.Millisecond, Progress{Event: EventDone, Phase: PhasePosts, Key: "a", Done: 1, Total: 3, Bytes: 1000, TotalBytes: 3000}},
		{200 * time.Millisecond, Progress{Event: EventFailed, Phase: PhasePosts, Key: "b", Err: errors.New("reset"), Done: 1, Failed: 1, Total: 3, Bytes: 1000, TotalBytes: 3000}},
		{11 * time.Second, Progress{Event: EventDone, Phase: PhasePosts, Key: "c", Done: 2, Failed: 1, Total: 3, Bytes: 2000, TotalBytes: 3000}},
		{0, Progress{Event: EventPhaseEnd, Phase: PhasePosts, Done: 2, Failed: 1, Total: 3, Bytes: 2000, TotalBytes: 3000}},
		{0, Progress{Event: EventPhaseStart, Phase: PhaseDeletes, Total: 1}},
		{0, Progress{Event: EventPhaseEnd, Phase: PhaseDeletes, Done: 1, Total: 1}},
	}
	tests := []struct {
		terminal bool
		want     string
	}{
		{
			terminal: false,
			want: "posts: upload 3 files, 3.0 kB\n" +
				"posts: failed: b: reset\n" +
				"posts: 3/3 files, 2.0 kB/3.0 kB, 1 failed\n" +
				"posts: 3/3 files, 2.0 kB/3.0 kB, 1 failed in 11.21s\n" +
				"deletes: delete 1 file\n" +
				"deletes: 1/1 file in 0s\n",
		},
		{
			terminal: true,
			want: "\r\x1b[Kposts: 0/3 files, 0 B/3.0 kB" +
				"\r\x1b[Kposts: failed: b: reset\n\r\x1b[Kposts: 2/3 files, 1.0 kB/3.0 kB, 1 failed" +
				"\r\x1b[Kposts: 3/3 files, 2.0 kB/3.0 kB, 1 failed" +
				"\r\x1b[Kposts: 3/3 files, 2.0 kB/3.0 kB, 1 failed in 11.21s\n" +
				"\r\x1b[Kdeletes: 0/1 file" +
				"\r\x1b[Kdeletes: 1/1 file in 0s\n",
		},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		now := clock
		pp := NewProgressPrinter(&out, tt.terminal)
		pp.now = func() time.Time { return now }
		for _, e := range events {
			now = now.Add(e.after)
			pp.Update(e.p)
		}
		if out.String() != tt.want {
			t.Errorf("terminal %v:\n got %q\nwant %q", tt.terminal, out.String(), tt.want)
		}
	}
}

// TestInterruptedUploadIsNotAFailure: uploads cut short by Ctrl-C are not
// attempted, not failed, so Apply reports an interruption rather than a
// list of broken files.
func TestInterruptedUploadIsNotAFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &applyRun{report: &Report{}}
	j := job{delete: &Delete{Key: "old/index.html"}}
	r.finished(ctx, j, stateEntry{}, 0, fmt.Errorf("delete: %w", context.Canceled))
	if len(r.report.Failures) != 0 || r.progress.Failed != 0 {
		t.Errorf("an interrupted delete was reported as failed: %v", r.report.Failures)
	}
	r.finished(context.Background(), j, stateEntry{}, 0, errors.New("access denied"))
	if len(r.report.Failures) != 1 {
		t.Errorf("a real failure was not reported: %v", r.report.Failures)
	}
}
