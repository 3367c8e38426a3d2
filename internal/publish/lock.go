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

// ErrLockLost is the cause of a Guard context's end when the lock was
// found taken over (another publish forced it, or deleted it) while this
// publish held it.
var ErrLockLost = errors.New("the publish lock was taken over by another publish")

// Lock is a held lock on a target.
type Lock struct {
	bucket *blob.Bucket
	info   lockInfo
	stop   chan struct{}
	done   chan struct{}
	lost   chan struct{} // closed when a renewal finds the lock another's
	holder string        // who holds it then
}

// LockOptions say how to take a lock.
type LockOptions struct {
	Now         func() time.Time // the clock; nil means time.Now
	ForceUnlock bool             // take the lock even if another publish holds it
	Warn        func(string)     // told when a stale or forced lock is taken over; may be nil

	ticks <-chan time.Time // when to renew, for tests; nil means every lockRenewEvery
}

// AcquireLock takes the target's lock, or returns a *LockedError naming
// the publish that holds it. A lock older than StaleLockAfter, or any lock
// with ForceUnlock, is taken over. The lock is renewed until Release.
func AcquireLock(ctx context.Context, bucket *blob.Bucket, opts LockOptions) (*Lock, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	l := &Lock{bucket: bucket, info: lockInfo{Owner: lockOwner(), Token: newToken()}, lost: make(chan struct{})}
	for attempt := 0; ; attempt++ {
		l.info.Time = opts.Now()
		err := l.write(ctx, true)
		if err == nil {
			l.renew(opts.Now, opts.ticks)
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
// never taken for a killed one. Each renewal first reads the lock: one
// that another publish has taken over (--force-unlock, or a clock that
// made this one look stale) is never written over, and the publish is
// told (Guard) to stop. The storage services offer no conditional write
// but create-if-absent, so a takeover in the moment between that read and
// the write is still overwritten; it is found at the next renewal.
func (l *Lock) renew(now func() time.Time, ticks <-chan time.Time) {
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.done)
		if ticks == nil {
			t := time.NewTicker(lockRenewEvery)
			defer t.Stop()
			ticks = t.C
		}
		for {
			select {
			case <-l.stop:
				return
			case <-ticks:
				held, err := readLock(context.Background(), l.bucket)
				switch {
				case gcerrors.Code(err) == gcerrors.NotFound:
					l.holder = "a publish that removed it"
					close(l.lost)
					return
				case err != nil:
					continue // unreadable now: a failed renewal only shortens the lock's life
				case held.Token != l.info.Token:
					l.holder = held.Owner
					close(l.lost)
					return
				}
				l.info.Time = now()
				_ = l.write(context.Background(), false)
			}
		}
	}()
}

// Guard returns a context that ends, with ErrLockLost as its cause, when
// the lock is found taken over: the publish stops at its next step rather
// than change the target beside another.
func (l *Lock) Guard(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		select {
		case <-l.lost:
			<-l.done // holder is set
			cancel(fmt.Errorf("%w (%s)", ErrLockLost, l.holder))
		case <-ctx.Done():
		}
	}()
	return ctx, func() { cancel(context.Canceled) }
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
