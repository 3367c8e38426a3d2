package diag

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Errorf("content/posts/a.md", 9, "post_url: no post named %q", "x"), `content/posts/a.md:9: post_url: no post named "x"`},
		{Warnf("content/posts/a.md", 0, "no date"), "content/posts/a.md: no date"},
		{Diagnostic{Message: "no file"}, "no file"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestSortedIsIndependentOfArrivalOrder(t *testing.T) {
	var a, b List
	ds := []Diagnostic{
		Warnf("b.md", 3, "w"), Errorf("a.md", 10, "e2"), Errorf("a.md", 2, "e1"), Warnf("a.md", 2, "w1"),
	}
	a.Add(ds...)
	for i := len(ds) - 1; i >= 0; i-- {
		b.Add(ds[i])
	}
	ga, gb := a.Sorted(), b.Sorted()
	for i := range ga {
		if ga[i] != gb[i] {
			t.Fatalf("order depends on arrival: %v vs %v", ga, gb)
		}
	}
	if ga[0].Message != "e1" || ga[1].Message != "w1" || ga[3].File != "b.md" {
		t.Errorf("sorted = %v, want by file, line, errors first", ga)
	}
	if e, w := Count(ga); e != 2 || w != 2 {
		t.Errorf("Count = %d, %d", e, w)
	}
}

func TestBuildErrorListsEveryError(t *testing.T) {
	err := &BuildError{Diagnostics: []Diagnostic{Errorf("a.md", 1, "one"), Warnf("a.md", 2, "warn"), Errorf("b.md", 3, "two")}}
	msg := err.Error()
	if !strings.Contains(msg, "2 errors") || !strings.Contains(msg, "a.md:1: one") || !strings.Contains(msg, "b.md:3: two") || strings.Contains(msg, "warn") {
		t.Errorf("Error() = %q", msg)
	}
	single := &BuildError{Diagnostics: []Diagnostic{Errorf("a.md", 1, "one")}}
	if single.Error() != "a.md:1: one" {
		t.Errorf("single Error() = %q", single.Error())
	}
}
