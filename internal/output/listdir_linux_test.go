package output

import "testing"

// FuzzParseDirents feeds parseDirents any buffer: it returns entries or an
// error, never panics or loops.
func FuzzParseDirents(f *testing.F) {
	rec := func(typ byte, name string) []byte {
		n := 19 + len(name) + 1
		n = (n + 7) &^ 7
		b := make([]byte, n)
		b[16], b[17] = byte(n), byte(n>>8)
		b[18] = typ
		copy(b[19:], name)
		return b
	}
	f.Add(append(rec(4, "."), rec(8, "index.html")...))
	f.Add(rec(10, "link"))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := parseDirents(t.TempDir(), b, nil)
		if err == nil {
			for _, e := range out {
				if e.name == "." || e.name == ".." {
					t.Errorf("listed %q", e.name)
				}
			}
		}
	})
}
