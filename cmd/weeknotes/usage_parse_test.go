package main

import (
	"io"
	"slices"
	"testing"
)

// TestParseDoubleDash: flags may come after positional arguments, but
// after "--" everything is positional, as with every Unix command.
func TestParseDoubleDash(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		want   []string
		drafts bool
	}{
		{[]string{"A", "--drafts"}, []string{"A"}, true},
		{[]string{"--", "A", "--drafts"}, []string{"A", "--drafts"}, false},
		{[]string{"A", "--", "--drafts", "B"}, []string{"A", "--drafts", "B"}, false},
		{[]string{"--drafts", "A", "B"}, []string{"A", "B"}, true},
	} {
		c := newCommand("new", "")
		drafts := c.Bool("drafts", false, "")
		got, code, ok := c.parse(tc.args, io.Discard, io.Discard)
		if !ok || code != exitOK || !slices.Equal(got, tc.want) || *drafts != tc.drafts {
			t.Errorf("parse(%q) = %q (drafts %v, ok %v); want %q (drafts %v)", tc.args, got, *drafts, ok, tc.want, tc.drafts)
		}
	}
}
