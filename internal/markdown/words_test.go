package markdown

import (
	"strings"
	"testing"
	"unicode"
)

// countWordsPlainly is the word count's definition, a rune at a time: a
// word is a run of non-space characters holding a letter or digit, and
// each Chinese or Japanese character is a word of its own.
func countWordsPlainly(chunks ...string) int {
	n, inWord, counted := 0, false, false
	for _, chunk := range chunks {
		for _, r := range chunk {
			switch {
			case r <= ' ' || unicode.IsSpace(r):
				inWord = false
			case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
				n++
				inWord = false
			case unicode.IsLetter(r) || unicode.IsNumber(r):
				if !inWord || !counted {
					n++
				}
				inWord, counted = true, true
			default:
				if !inWord {
					inWord, counted = true, false
				}
			}
		}
	}
	return n
}

func TestWordCounter(t *testing.T) {
	tests := []struct {
		chunks []string
		want   int
	}{
		{nil, 0},
		{[]string{"one two  three"}, 3},
		{[]string{"-- ... !!"}, 0},
		{[]string{"(hello)", " x"}, 2},
		{[]string{"half", "word"}, 1}, // chunks of one word, as emphasis splits it
		{[]string{"S01E02 - 17 January 2021"}, 4},
		{[]string{"café au lait"}, 3},
		{[]string{"日本語のテキスト"}, 8},
		{[]string{"x\u00a0y"}, 2}, // a no-break space separates words
		{[]string{"\x00\x01a\x7f"}, 1},
		{[]string{"\xff\xfe"}, 0},
	}
	for _, tt := range tests {
		var w wordCounter
		for _, c := range tt.chunks {
			w.add([]byte(c))
		}
		if w.count != tt.want || countWordsPlainly(tt.chunks...) != tt.want {
			t.Errorf("%q: counted %d, plainly %d, want %d", tt.chunks, w.count, countWordsPlainly(tt.chunks...), tt.want)
		}
	}
}

// FuzzWordCounter holds the table-driven counter to the plain definition.
func FuzzWordCounter(f *testing.F) {
	f.Add("Weeknotes S01E02 - 17 January 2021", "… and (more)")
	f.Add("日本語 text", "é\u00a0x")
	f.Fuzz(func(t *testing.T, a, b string) {
		var w wordCounter
		w.add([]byte(a))
		w.add([]byte(b))
		if want := countWordsPlainly(a, b); w.count != want {
			t.Errorf("%q %q: counted %d, want %d", a, b, w.count, want)
		}
	})
}

// BenchmarkWordCounter counts the words of prose like a weeknote's.
func BenchmarkWordCounter(b *testing.B) {
	text := []byte(strings.Repeat("This week I shipped the S01E02 release, fixed 3 bugs (one of them old) and wrote notes - mostly about caching. ", 100))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		var w wordCounter
		w.add(text)
	}
}
