package content

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	chicago := mustZone(t, "America/Chicago")
	london := mustZone(t, "Europe/London")
	tests := []struct {
		name     string
		file     string
		src      string
		loc      *time.Location
		want     time.Time // compared as an instant, and its zone must be loc
		wantDiag string
	}{
		{
			name: "file name only: midnight in the site's zone",
			file: "2021-01-10-x.md", src: "hi\n", loc: london,
			want: time.Date(2021, 1, 10, 0, 0, 0, 0, london),
		},
		{
			name: "file name with single-digit month and day",
			file: "2021-1-5-x.md", src: "hi\n", loc: chicago,
			want: time.Date(2021, 1, 5, 0, 0, 0, 0, chicago),
		},
		{
			name: "front matter date only",
			file: "x.md", src: "---\ndate: 2021-11-19\n---\n", loc: chicago,
			want: time.Date(2021, 11, 19, 0, 0, 0, 0, chicago),
		},
		{
			name: "front matter date and minutes",
			file: "x.md", src: "---\ndate: 2021-11-19 08:00\n---\n", loc: chicago,
			want: time.Date(2021, 11, 19, 8, 0, 0, 0, chicago),
		},
		{
			name: "front matter date and seconds",
			file: "x.md", src: "---\ndate: 2021-11-19 08:00:05\n---\n", loc: london,
			want: time.Date(2021, 11, 19, 8, 0, 5, 0, london),
		},
		{
			name: "Jekyll's form with offset, site in another zone",
			file: "x.md", src: "---\ndate: 2021-11-19 08:00:00 -0600\n---\n", loc: london,
			want: time.Date(2021, 11, 19, 14, 0, 0, 0, time.UTC),
		},
		{
			name: "offset with colon and fractional seconds",
			file: "x.md", src: "---\ndate: 2021-11-19 08:00:00.250 -06:00\n---\n", loc: time.UTC,
			want: time.Date(2021, 11, 19, 14, 0, 0, 250e6, time.UTC),
		},
		{
			name: "RFC 3339 in UTC, read by YAML as a timestamp",
			file: "x.md", src: "---\ndate: 2021-11-19T08:00:00Z\n---\n", loc: chicago,
			want: time.Date(2021, 11, 19, 8, 0, 0, 0, time.UTC),
		},
		{
			name: "RFC 3339 with offset",
			file: "x.md", src: "---\ndate: 2021-11-19T08:00:00+01:00\n---\n", loc: time.UTC,
			want: time.Date(2021, 11, 19, 7, 0, 0, 0, time.UTC),
		},
		{
			name: "T without zone is wall-clock time in the site's zone",
			file: "x.md", src: "---\ndate: 2021-11-19T08:00\n---\n", loc: chicago,
			want: time.Date(2021, 11, 19, 8, 0, 0, 0, chicago),
		},
		{
			name: "quoted, with a UTC suffix",
			file: "x.md", src: "---\ndate: \"2021-11-19 08:00:00 UTC\"\n---\n", loc: chicago,
			want: time.Date(2021, 11, 19, 8, 0, 0, 0, time.UTC),
		},
		{
			name: "single-digit month, day and hour",
			file: "x.md", src: "---\ndate: 2021-1-5 8:30\n---\n", loc: time.UTC,
			want: time.Date(2021, 1, 5, 8, 30, 0, 0, time.UTC),
		},
		{
			name: "no zone given: UTC",
			file: "x.md", src: "---\ndate: 2021-11-19 23:30\n---\n", loc: nil,
			want: time.Date(2021, 11, 19, 23, 30, 0, 0, time.UTC),
		},
		{
			name: "front matter wins over a file name a day apart",
			file: "2021-11-18-x.md", src: "---\ndate: 2021-11-19 08:00:00 -0600\n---\n", loc: chicago,
			want: time.Date(2021, 11, 19, 8, 0, 0, 0, chicago),
		},
		{
			name: "TOML local date is in the site's zone",
			file: "x.md", src: "+++\ndate = 2021-11-19\n+++\n", loc: chicago,
			want: time.Date(2021, 11, 19, 0, 0, 0, 0, chicago),
		},
		{
			name: "TOML local date-time is in the site's zone",
			file: "x.md", src: "+++\ndate = 2021-11-19T08:00:00\n+++\n", loc: chicago,
			want: time.Date(2021, 11, 19, 8, 0, 0, 0, chicago),
		},
		{
			name: "TOML offset date-time keeps its instant",
			file: "x.md", src: "+++\ndate = 2021-11-19T08:00:00-06:00\n+++\n", loc: london,
			want: time.Date(2021, 11, 19, 14, 0, 0, 0, time.UTC),
		},
		{
			name: "JSON string",
			file: "x.md", src: "{\n  \"date\": \"2021-11-19 08:00\"\n}\n\nBody\n", loc: chicago,
			want: time.Date(2021, 11, 19, 8, 0, 0, 0, chicago),
		},
		{
			name: "null date falls back to the file name",
			file: "2021-03-04-x.md", src: "---\ndate:\n---\n", loc: time.UTC,
			want: time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC),
		},
		{
			name: "unreadable date names its line",
			file: "2021-03-04-x.md", src: "---\ntitle: x\ndate: 19/11/2021\n---\n", loc: time.UTC,
			wantDiag: `error 3: date: cannot read "19/11/2021" as a date; write it as 2021-11-19, 2021-11-19 08:00 or 2021-11-19 08:00:00 -0600`,
		},
		{
			name: "date that does not exist",
			file: "x.md", src: "---\ndate: 2021-02-30\n---\n", loc: time.UTC,
			wantDiag: `error 2: date: cannot read "2021-02-30" as a date; write it as 2021-11-19, 2021-11-19 08:00 or 2021-11-19 08:00:00 -0600`,
		},
		{
			name: "date as a list, in TOML",
			file: "x.md", src: "+++\ntitle = \"x\"\ndate = [1]\n+++\n", loc: time.UTC,
			wantDiag: `error 3: date: cannot read a list as a date; write it as 2021-11-19, 2021-11-19 08:00 or 2021-11-19 08:00:00 -0600`,
		},
		{
			name: "file name date that does not exist",
			file: "2021-13-01-x.md", src: "hi\n", loc: time.UTC,
			wantDiag: "error 0: the file name starts with 2021-13-01, which is not a date; rename it to YYYY-MM-DD-x.md",
		},
		{
			name: "file name date that does not exist, front matter date given",
			file: "2021-02-30-x.md", src: "---\ndate: 2021-03-01\n---\n", loc: time.UTC,
			want: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ds := parsePost(tt.file, tt.src, tt.loc)
			if got := messages(ds); got != tt.wantDiag {
				t.Fatalf("diagnostics:\n%s\nwant\n%s", got, tt.wantDiag)
			}
			if tt.wantDiag != "" {
				if p.HasDate || !p.Draft {
					t.Errorf("HasDate = %v, Draft = %v; a post with a bad date must be an undated draft", p.HasDate, p.Draft)
				}
				return
			}
			if !p.HasDate || !p.Date.Equal(tt.want) {
				t.Errorf("Date = %v (HasDate %v), want %v", p.Date, p.HasDate, tt.want)
			}
			wantLoc := tt.loc
			if wantLoc == nil {
				wantLoc = time.UTC
			}
			if p.Date.Location() != wantLoc {
				t.Errorf("Date is in %v, want the site's zone %v", p.Date.Location(), wantLoc)
			}
		})
	}
}

func TestFileNameDate(t *testing.T) {
	tests := []struct {
		name                 string
		year, month, day     int
		rest                 string
		wantFound, wantValid bool
	}{
		{"2021-01-10-my-first-weeknote", 2021, 1, 10, "my-first-weeknote", true, true},
		{"2021-1-5-x", 2021, 1, 5, "x", true, true},
		{"2021-01-10", 2021, 1, 10, "", true, true},
		{"2024-02-29-leap", 2024, 2, 29, "leap", true, true},
		{"2023-02-29-not-leap", 2023, 2, 29, "not-leap", true, false},
		{"2021-00-10-x", 2021, 0, 10, "x", true, false},
		{"2021-01-100-x", 0, 0, 0, "2021-01-100-x", false, false},
		{"2021-01-10x", 0, 0, 0, "2021-01-10x", false, false},
		{"21-01-10-x", 0, 0, 0, "21-01-10-x", false, false},
		{"20211-01-10-x", 0, 0, 0, "20211-01-10-x", false, false},
		{"my-first-weeknote", 0, 0, 0, "my-first-weeknote", false, false},
		{"", 0, 0, 0, "", false, false},
	}
	for _, tt := range tests {
		y, m, d, rest, found, valid := fileNameDate(tt.name)
		if y != tt.year || m != tt.month || d != tt.day || rest != tt.rest || found != tt.wantFound || valid != tt.wantValid {
			t.Errorf("fileNameDate(%q) = %d, %d, %d, %q, %v, %v; want %d, %d, %d, %q, %v, %v", tt.name,
				y, m, d, rest, found, valid, tt.year, tt.month, tt.day, tt.rest, tt.wantFound, tt.wantValid)
		}
	}
}
