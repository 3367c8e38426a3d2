package content

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// mustZone loads a time zone for a test.
func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return loc
}

// parsePost parses src as content/posts/<name>.
func parsePost(name, src string, loc *time.Location) (*Post, []diag.Diagnostic) {
	return Parse("content/posts/"+name, "content/posts", []byte(src), loc)
}

// messages formats diagnostics as "severity line: message", one per line,
// so that tests compare severity, line and text at once.
func messages(ds []diag.Diagnostic) string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = fmt.Sprintf("%s %d: %s", d.Severity, d.Line, d.Message)
	}
	return strings.Join(lines, "\n")
}
