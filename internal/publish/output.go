package publish

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Write prints the whole plan, one line per change in the order Apply makes
// them, then the summary line.
func (p *Plan) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, u := range p.Uploads {
		fmt.Fprintf(tw, "upload\t%s\t%s\t%s\t%s\n", u.Phase, u.Reason, FormatBytes(u.Size), u.Key)
	}
	for _, d := range p.Deletes {
		fmt.Fprintf(tw, "delete\t%s\tnot in the site\t%s\t%s\n", PhaseDeletes, FormatBytes(d.Size), d.Key)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, p.Summary())
	return err
}

// Summary describes the plan in one line, e.g. "3 to upload (45.1 kB: 1
// new, 2 content changed), 1 to delete (2.0 kB), 120 unchanged".
func (p *Plan) Summary() string {
	if len(p.Uploads) == 0 && len(p.Deletes) == 0 {
		return fmt.Sprintf("nothing to publish: %s unchanged (%s)", countFiles(p.Unchanged), FormatBytes(p.UnchangedBytes))
	}
	var parts []string
	if len(p.Uploads) > 0 {
		var size int64
		reasons := map[Reason]int{}
		for _, u := range p.Uploads {
			size += u.Size
			reasons[u.Reason]++
		}
		var why []string
		for _, r := range []Reason{ReasonNew, ReasonContentChanged, ReasonHeadersChanged, ReasonForced, ReasonUntracked} {
			if n := reasons[r]; n > 0 {
				why = append(why, fmt.Sprintf("%s %s", FormatCount(n), r))
			}
		}
		parts = append(parts, fmt.Sprintf("%s to upload (%s: %s)", FormatCount(len(p.Uploads)), FormatBytes(size), strings.Join(why, ", ")))
	}
	if len(p.Deletes) > 0 {
		var size int64
		for _, d := range p.Deletes {
			size += d.Size
		}
		parts = append(parts, fmt.Sprintf("%s to delete (%s)", FormatCount(len(p.Deletes)), FormatBytes(size)))
	}
	parts = append(parts, FormatCount(p.Unchanged)+" unchanged")
	return strings.Join(parts, ", ")
}

// Changes returns the keys the plan uploads or deletes, sorted.
func (p *Plan) Changes() []string {
	keys := make([]string, 0, len(p.Uploads)+len(p.Deletes))
	for _, u := range p.Uploads {
		keys = append(keys, u.Key)
	}
	for _, d := range p.Deletes {
		keys = append(keys, d.Key)
	}
	sort.Strings(keys)
	return keys
}

// Summary describes what Apply did in one line.
func (r *Report) Summary() string {
	s := fmt.Sprintf("%s uploaded (%s sent), %s deleted in %s",
		FormatCount(r.Uploaded), FormatBytes(r.UploadedBytes), FormatCount(r.Deleted), r.Duration.Round(time.Millisecond))
	if n := len(r.Failures); n > 0 {
		s += fmt.Sprintf("; %s failed", FormatCount(n))
	}
	if r.NotAttempted > 0 {
		s += fmt.Sprintf("; %s not attempted", FormatCount(r.NotAttempted))
	}
	if r.Kept > 0 {
		s += fmt.Sprintf("; %s no longer in the site kept (--max-deletes 0)", FormatCount(r.Kept))
	}
	return s
}

// URLPaths turns object keys into the URL paths a CDN purges: base (the
// path the target is served under, "" or e.g. "/blog") followed by the key,
// with "index.html" left off so that "2021/01/10/x/index.html" becomes
// "/2021/01/10/x/", and escaped as in a request ("/a%20b.txt"). The result
// is sorted and has no duplicates.
func URLPaths(keys []string, base string) []string {
	base = "/" + strings.Trim(base, "/")
	seen := map[string]bool{}
	var paths []string
	for _, key := range keys {
		if key == "index.html" {
			key = ""
		} else if strings.HasSuffix(key, "/index.html") {
			key = strings.TrimSuffix(key, "index.html")
		}
		p := path.Join(base, key)
		if key == "" || strings.HasSuffix(key, "/") {
			p = strings.TrimSuffix(p, "/") + "/"
		}
		p = (&url.URL{Path: p}).EscapedPath()
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return paths
}

// FormatBytes writes a size in decimal units: "512 B", "15.2 kB", "3.4 MB".
func FormatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	value, exp := float64(n)/unit, 0
	for value >= unit && exp < 4 {
		value /= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", value, "kMGTP"[exp])
}

// FormatCount writes a count with thousands separated: "15,987".
func FormatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + FormatCount(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func countFiles(n int) string {
	if n == 1 {
		return "1 file"
	}
	return FormatCount(n) + " files"
}
