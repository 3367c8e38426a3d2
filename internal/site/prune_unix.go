//go:build unix

package site

import (
	"errors"
	"syscall"
)

// processGone reports whether no process has the id pid: its temporary
// files are left over. A process that exists but is not ours (EPERM) is
// taken as running.
func processGone(pid int) bool {
	if pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
