package publish

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"gocloud.dev/gcerrors"
)

// localError marks a failure to read the built site, which no retry of the
// request can mend.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// withRetry runs op until it succeeds, fails in a way that will not pass, or
// has been tried r.Attempts times, waiting longer between each try, with
// jitter so that parallel workers do not retry in step.
func withRetry(ctx context.Context, r Retry, op func() error) error {
	delay := r.Delay
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || attempt >= r.Attempts || !transient(ctx, err) {
			return err
		}
		wait := delay + rand.N(delay/2+1)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		}
		delay *= 2
	}
}

// transient reports whether err may pass if the request is made again:
// network failures and server errors may, a refusal or a bad request not.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return false
	}
	var local *localError
	if errors.As(err, &local) {
		return false
	}
	switch gcerrors.Code(err) {
	case gcerrors.NotFound, gcerrors.PermissionDenied, gcerrors.InvalidArgument,
		gcerrors.FailedPrecondition, gcerrors.Unimplemented, gcerrors.AlreadyExists, gcerrors.Canceled:
		return false
	}
	return true
}
