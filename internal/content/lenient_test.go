package content

import (
	"testing"
	"time"
)

// The expected times are what Ruby 3.1's Time.parse(s).localtime gives
// with TZ=America/Chicago (the loc below), as Jekyll reads dates.
func TestLenientDate(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in   string
		want string // "" when Time.parse fails
	}{
		{"2021-03-04`09:30:00 +0000", "2021-03-04 03:30:00 -0600"},
		{"2020-05-06 10:15 +010", "2020-05-06 10:15:00 -0500"},
		{"2022-02-02 20:15:00 2022 -0500", "2022-02-02 20:15:00 -0600"},
		{"2021-03-04 09:30:00 +01", "2021-03-04 02:30:00 -0600"},
		{"2021-03-04 09:30:00 PST", "2021-03-04 11:30:00 -0600"},
		{"2021-03-04 09:30:00 CET", "2021-03-04 09:30:00 -0600"},
		{"2021-03-04 09:30 pm", "2021-03-04 21:30:00 -0600"},
		{"March 4, 2021", "2021-03-04 00:00:00 -0600"},
		{"4 March 2021 10:00", "2021-03-04 10:00:00 -0600"},
		{"Thu, 04 Mar 2021 09:30:00 +0000", "2021-03-04 03:30:00 -0600"},
		{"2021/03/04", "2021-03-04 00:00:00 -0600"},
		{"20210304", "2021-03-04 00:00:00 -0600"},
		{"2021-03-04 9.30", "2021-03-04 00:00:00 -0600"},
		{"2021-03-04 25:00", ""},
		{"2021-13-45", ""},
		{"yesterday", ""},
		{"", ""},
	} {
		got, ok := lenientDate(tt.in, loc)
		switch {
		case tt.want == "" && ok:
			t.Errorf("lenientDate(%q) = %v, want no date", tt.in, got)
		case tt.want != "" && (!ok || got.Format("2006-01-02 15:04:05 -0700") != tt.want):
			t.Errorf("lenientDate(%q) = %v, %v; want %s", tt.in, got, ok, tt.want)
		}
	}
}
