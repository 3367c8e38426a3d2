package publish

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/memblob"
)

func TestLock(t *testing.T) {
	ctx := context.Background()
	bucket, err := blob.OpenBucket(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	start := time.Date(2024, 2, 5, 9, 0, 0, 0, time.UTC)
	clock := func(d time.Duration) func() time.Time { return func() time.Time { return start.Add(d) } }

	first, err := AcquireLock(ctx, bucket, LockOptions{Now: clock(0)})
	if err != nil {
		t.Fatal(err)
	}
	// A second publish at once is refused, and told who holds the lock.
	_, err = AcquireLock(ctx, bucket, LockOptions{Now: clock(time.Minute)})
	var locked *LockedError
	if !errors.As(err, &locked) || !locked.Since.Equal(start) || !strings.Contains(err.Error(), "--force-unlock") {
		t.Fatalf("second lock: %v, want a LockedError since %v", err, start)
	}
	if err := first.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := bucket.Exists(ctx, LockKey); ok {
		t.Error("the lock is still there after Release")
	}

	// A lock left by a killed publish: taken over once stale, or by force.
	for _, tt := range []struct {
		name  string
		after time.Duration
		force bool
		taken bool
	}{
		{"young", StaleLockAfter - time.Minute, false, false},
		{"stale", StaleLockAfter + time.Minute, false, true},
		{"forced", time.Minute, true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			killed, err := AcquireLock(ctx, bucket, LockOptions{Now: clock(0)})
			if err != nil {
				t.Fatal(err)
			}
			close(killed.stop) // it never releases
			<-killed.done
			var warned []string
			l, err := AcquireLock(ctx, bucket, LockOptions{Now: clock(tt.after), ForceUnlock: tt.force, Warn: func(w string) { warned = append(warned, w) }})
			if (err == nil) != tt.taken {
				t.Fatalf("AcquireLock = %v, want taken=%v", err, tt.taken)
			}
			if !tt.taken {
				bucket.Delete(ctx, LockKey)
				return
			}
			if len(warned) != 1 || !strings.Contains(warned[0], "took over the lock") {
				t.Errorf("warnings %q", warned)
			}
			if err := l.Release(ctx); err != nil {
				t.Error(err)
			}
		})
	}

	// A publish whose lock was taken over says so when it ends.
	a, err := AcquireLock(ctx, bucket, LockOptions{Now: clock(0)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := AcquireLock(ctx, bucket, LockOptions{Now: clock(0), ForceUnlock: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Release(ctx); err == nil || !strings.Contains(err.Error(), "taken over") {
		t.Errorf("Release of a lock taken over = %v", err)
	}
	if err := b.Release(ctx); err != nil {
		t.Error(err)
	}
}

// TestLockLost shows that a publish whose lock another one took over
// (--force-unlock) or removed never writes over it when it renews, and
// that its Guard context ends with ErrLockLost, naming the other; and
// that renewals of a lock nobody touched keep it this publish's.
func TestLockLost(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2024, 2, 5, 9, 0, 0, 0, time.UTC)
	var tick atomic.Int64
	clock := func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	for _, tt := range []struct {
		name  string
		other func(t *testing.T, bucket *blob.Bucket) string // takes the lock; returns the owner to expect
	}{
		{"taken over", func(t *testing.T, bucket *blob.Bucket) string {
			l, err := AcquireLock(ctx, bucket, LockOptions{Now: clock, ForceUnlock: true})
			if err != nil {
				t.Fatal(err)
			}
			close(l.stop) // it holds the lock without renewing it
			<-l.done
			return l.info.Owner
		}},
		{"removed", func(t *testing.T, bucket *blob.Bucket) string {
			if err := bucket.Delete(ctx, LockKey); err != nil {
				t.Fatal(err)
			}
			return "removed"
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bucket, err := blob.OpenBucket(ctx, "mem://")
			if err != nil {
				t.Fatal(err)
			}
			defer bucket.Close()
			ticks := make(chan time.Time)
			mine, err := AcquireLock(ctx, bucket, LockOptions{Now: clock, ticks: ticks})
			if err != nil {
				t.Fatal(err)
			}
			guarded, stop := mine.Guard(ctx)
			defer stop()
			// A renewal while nobody else touches it keeps it this
			// publish's, with a new time.
			first := readLockInfo(t, bucket)
			ticks <- start
			for readLockInfo(t, bucket).Time.Equal(first.Time) {
				time.Sleep(time.Millisecond) // the renewal is on its way
			}
			if got := readLockInfo(t, bucket); got.Token != mine.info.Token {
				t.Fatalf("renewed lock is %+v", got)
			}
			owner := tt.other(t, bucket)
			ticks <- start
			<-guarded.Done()
			cause := context.Cause(guarded)
			if !errors.Is(cause, ErrLockLost) || !strings.Contains(cause.Error(), owner) {
				t.Errorf("cause %v, want ErrLockLost naming %q", cause, owner)
			}
			if tt.name == "taken over" {
				if got := readLockInfo(t, bucket); got.Token == mine.info.Token {
					t.Error("a renewal wrote over the lock that another publish took")
				}
			} else if ok, _ := bucket.Exists(ctx, LockKey); ok {
				t.Error("a renewal put back a lock that was removed")
			}
			if err := mine.Release(ctx); err == nil {
				t.Error("Release of a lost lock said nothing")
			}
		})
	}
}

func readLockInfo(t *testing.T, bucket *blob.Bucket) lockInfo {
	t.Helper()
	info, err := readLock(context.Background(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
