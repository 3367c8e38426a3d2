// Package diag carries the warnings and errors that every pipeline stage
// reports about the author's input. A diagnostic always names a file and,
// where one is known, a line, so that the terminal, the preview overlay and
// CI logs can all point the author at the exact place to fix.
package diag

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Severity says whether a diagnostic fails the build.
type Severity int

const (
	// Warning is reported but does not fail the build (unless --strict).
	Warning Severity = iota
	// Error fails the build.
	Error
)

// String names the severity as messages print it.
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Diagnostic is one message about one place in the author's input.
type Diagnostic struct {
	Severity Severity
	File     string // slash-separated path relative to the site root, e.g. content/posts/x.md
	Line     int    // 1-based; 0 when the message is about the whole file
	Message  string // no trailing period; starts lower-case, e.g. `post_url: no post named "x"`
}

// String formats the diagnostic as "file:line: message", the form editors and
// CI log viewers recognise and link.
func (d Diagnostic) String() string {
	switch {
	case d.File == "":
		return d.Message
	case d.Line > 0:
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Message)
	default:
		return fmt.Sprintf("%s: %s", d.File, d.Message)
	}
}

// Errorf returns an error diagnostic.
func Errorf(file string, line int, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Error, File: file, Line: line, Message: fmt.Sprintf(format, args...)}
}

// Warnf returns a warning diagnostic.
func Warnf(file string, line int, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Warning, File: file, Line: line, Message: fmt.Sprintf(format, args...)}
}

// List collects diagnostics from many goroutines. The zero value is ready to use.
type List struct {
	mu    sync.Mutex
	items []Diagnostic
}

// Add records diagnostics. It is safe for concurrent use.
func (l *List) Add(ds ...Diagnostic) {
	if len(ds) == 0 {
		return
	}
	l.mu.Lock()
	l.items = append(l.items, ds...)
	l.mu.Unlock()
}

// Sorted returns the diagnostics ordered by file, line and message, so that
// output is the same however the parallel stages were scheduled.
func (l *List) Sorted() []Diagnostic {
	l.mu.Lock()
	out := append([]Diagnostic(nil), l.items...)
	l.mu.Unlock()
	Sort(out)
	return out
}

// Sort orders diagnostics by file, line, severity and message.
func Sort(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return a.Message < b.Message
	})
}

// Count returns the number of errors and warnings in ds.
func Count(ds []Diagnostic) (errors, warnings int) {
	for _, d := range ds {
		if d.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// BuildError is returned by a build that reported at least one error. It
// carries every diagnostic, not only the first, so the author can fix them
// all in one pass.
type BuildError struct {
	Diagnostics []Diagnostic // errors and warnings, sorted
}

// Error lists every error diagnostic, one per line.
func (e *BuildError) Error() string {
	var errs []string
	for _, d := range e.Diagnostics {
		if d.Severity == Error {
			errs = append(errs, d.String())
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return fmt.Sprintf("%d errors:\n%s", len(errs), strings.Join(errs, "\n"))
}
