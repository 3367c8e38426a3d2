package publish

import (
	"fmt"
	"io"
	"time"
)

// ProgressPrinter shows Apply's progress to a person. On a terminal it keeps
// one line per phase up to date in place; elsewhere, such as a CI log, it
// writes plain lines: one when a phase starts, one when it ends, and one
// every ten seconds of a long phase. Failures are written as they happen in
// both cases.
type ProgressPrinter struct {
	w        io.Writer
	terminal bool
	now      func() time.Time

	phaseStart time.Time
	lastLine   time.Time // last line drawn on a terminal, or last interim line elsewhere
}

// NewProgressPrinter returns a printer writing to w; terminal says whether w
// is a terminal, where the line can be redrawn.
func NewProgressPrinter(w io.Writer, terminal bool) *ProgressPrinter {
	return &ProgressPrinter{w: w, terminal: terminal, now: time.Now}
}

// How often the output is refreshed: a terminal line often enough to look
// alive, a log rarely enough to stay readable.
const (
	terminalRefresh = 100 * time.Millisecond
	logRefresh      = 10 * time.Second
)

// Update is an ApplyOptions.Progress function.
func (pp *ProgressPrinter) Update(p Progress) {
	now := pp.now()
	switch p.Event {
	case EventPhaseStart:
		pp.phaseStart, pp.lastLine = now, now
		if pp.terminal {
			pp.draw(p)
		} else {
			fmt.Fprintf(pp.w, "%s: %s\n", p.Phase, pp.counts(p, false))
		}
	case EventFailed:
		if pp.terminal {
			fmt.Fprint(pp.w, "\r\x1b[K")
		}
		fmt.Fprintf(pp.w, "%s: failed: %s: %v\n", p.Phase, p.Key, p.Err)
		if pp.terminal {
			pp.draw(p)
		}
	case EventDone:
		refresh := logRefresh
		if pp.terminal {
			refresh = terminalRefresh
		}
		if now.Sub(pp.lastLine) < refresh {
			return
		}
		pp.lastLine = now
		if pp.terminal {
			pp.draw(p)
		} else {
			fmt.Fprintf(pp.w, "%s: %s\n", p.Phase, pp.counts(p, true))
		}
	case EventPhaseEnd:
		took := now.Sub(pp.phaseStart).Round(time.Millisecond)
		if pp.terminal {
			pp.draw(p)
			fmt.Fprintf(pp.w, " in %s\n", took)
		} else {
			fmt.Fprintf(pp.w, "%s: %s in %s\n", p.Phase, pp.counts(p, true), took)
		}
	}
}

func (pp *ProgressPrinter) draw(p Progress) {
	fmt.Fprintf(pp.w, "\r\x1b[K%s: %s", p.Phase, pp.counts(p, true))
}

// counts describes a phase: "12 files, 180.0 kB" before it starts, "5/12
// files, 75.0 kB/180.0 kB, 1 failed" while it runs.
func (pp *ProgressPrinter) counts(p Progress, running bool) string {
	verb := "upload"
	if p.Phase == PhaseDeletes {
		verb = "delete"
	}
	var s string
	switch {
	case !running:
		s = fmt.Sprintf("%s %s", verb, countFiles(p.Total))
		if p.TotalBytes > 0 {
			s += ", " + FormatBytes(p.TotalBytes)
		}
	default:
		s = fmt.Sprintf("%s/%s", FormatCount(p.Done+p.Failed), countFiles(p.Total))
		if p.TotalBytes > 0 {
			s += fmt.Sprintf(", %s/%s", FormatBytes(p.Bytes), FormatBytes(p.TotalBytes))
		}
	}
	if p.Failed > 0 {
		s += fmt.Sprintf(", %s failed", FormatCount(p.Failed))
	}
	return s
}
