package publish

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// LockKey is the object a publish holds while it changes the target, so
// that two publishes to one target never run at once: it is created only
// if it does not exist (a conditional write every storage service here
// supports), and deleted when the publish ends. Like StateKey, it is never
// part of the site.
const LockKey = ".weeknotes-publish.lock"

// StaleLockAfter is the age after which a lock is taken to be left by a
// publish that was killed, and is taken over with a warning. A publish
// never holds the lock this long without renewing it.
const StaleLockAfter = time.Hour

// lockRenewEvery is how often a publish renews its lock's time.
const lockRenewEvery = StaleLockAfter / 4

// lockInfo is what the lock object holds.
type lockInfo struct {
	Owner string    `json:"owner"` // user@host, process id
	Time  time.Time `json:"time"`  // when it was taken or last renewed
	Token string    `json:"token"` // tells this publish's lock from another's
}

// LockedError is returned when another publish holds the target's lock.
type LockedError struct {
	Owner string
	Since time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("another publish to this target is running (%s, since %s): the target's %s is held; if no publish is running (one was killed), run again with --force-unlock, or wait until the lock is %s old",
		e.Owner, e.Since.UTC().Format(time.RFC3339), LockKey, StaleLockAfter)
}

// Lock is a held lock on a target.
type Lock struct {
	bucket *blob.Bucket
	info   lockInfo
	stop   chan struct{}
	done   chan struct{}
}

// LockOptions say how to take a lock.
type LockOptions struct {
	Now         func() time.Time // the clock; nil means time.Now
	ForceUnlock bool             // take the lock even if another publish holds it
	Warn        func(string)     // told when a stale or forced lock is taken over; may be nil
}

// AcquireLock takes the target's lock, or returns a *LockedError naming
// the publish that holds it. A lock older than StaleLockAfter, or any lock
// with ForceUnlock, is taken over. The lock is renewed until Release.
func AcquireLock(ctx context.Context, bucket *blob.Bucket, opts LockOptions) (*Lock, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	l := &Lock{bucket: bucket, info: lockInfo{Owner: lockOwner(), Token: newToken()}}
	for attempt := 0; ; attempt++ {
		l.info.Time = opts.Now()
		err := l.write(ctx, true)
		if err == nil {
			l.renew(opts.Now)
			return l, nil
		}
		if gcerrors.Code(err) != gcerrors.FailedPrecondition || attempt > 0 {
			return nil, fmt.Errorf("take the lock %s: %w", LockKey, err)
		}
		held, err := readLock(ctx, bucket)
		if err != nil {
			return nil, err
		}
		stale := opts.Now().Sub(held.Time) > StaleLockAfter
		if !stale && !opts.ForceUnlock {
			return nil, &LockedError{Owner: held.Owner, Since: held.Time}
		}
		if opts.Warn != nil {
			why := "it is older than " + StaleLockAfter.String()
			if !stale {
				why = "--force-unlock"
			}
			opts.Warn(fmt.Sprintf("took over the lock of %s, held since %s (%s)", held.Owner, held.Time.UTC().Format(time.RFC3339), why))
		}
		if err := bucket.Delete(ctx, LockKey); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return nil, fmt.Errorf("remove the lock %s: %w", LockKey, err)
		}
	}
}

func (l *Lock) write(ctx context.Context, ifNotExist bool) error {
	data, err := json.Marshal(l.info)
	if err != nil {
		return err
	}
	return l.bucket.Upload(ctx, LockKey, bytes.NewReader(data), &blob.WriterOptions{
		ContentType: "application/json", IfNotExist: ifNotExist,
	})
}

// renew rewrites the lock's time now and then, so that a long publish is
// never taken for a killed one.
func (l *Lock) renew(now func() time.Time) {
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(lockRenewEvery)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				l.info.Time = now()
				_ = l.write(context.Background(), false) // a failed renewal only shortens the lock's life
			}
		}
	}()
}

// Release deletes the lock if it is still this publish's.
func (l *Lock) Release(ctx context.Context) error {
	close(l.stop)
	<-l.done
	held, err := readLock(ctx, l.bucket)
	if err != nil {
		return err
	}
	if held.Token != l.info.Token {
		return fmt.Errorf("the lock %s was taken over by %s while this publish ran", LockKey, held.Owner)
	}
	return l.bucket.Delete(ctx, LockKey)
}

func readLock(ctx context.Context, bucket *blob.Bucket) (lockInfo, error) {
	var info lockInfo
	data, err := bucket.ReadAll(ctx, LockKey)
	if err != nil {
		return info, fmt.Errorf("read the lock %s: %w", LockKey, err)
	}
	if err := json.Unmarshal(data, &info); err != nil {
		// Unreadable: as old as can be, so that it is taken over.
		return lockInfo{Owner: "an unreadable lock"}, nil
	}
	return info, nil
}

func lockOwner() string {
	host, _ := os.Hostname()
	name := "someone"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return fmt.Sprintf("%s@%s, process %d", name, host, os.Getpid())
}

func newToken() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("no randomness: " + err.Error()))
	}
	return hex.EncodeToString(b)
}
