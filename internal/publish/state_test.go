package publish

import (
	"bytes"
	"compress/gzip"
	"reflect"
	"strings"
	"testing"
)

func TestStateRoundTrip(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	headers := strings.Repeat("cd", 16)
	tests := []map[string]stateEntry{
		{},
		{"index.html": {Fingerprint: "12 1a2b 00ff", SHA256: hash, Headers: headers}},
		{
			"static/notes/reading list.txt": {Fingerprint: "3 x", SHA256: hash, Headers: headers},
			"line\nbreak\"quote":            {Fingerprint: "4 y 5-2", SHA256: hash, Headers: headers},
		},
	}
	for _, objects := range tests {
		data, err := encodeState(objects)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeState(data)
		if err != nil {
			t.Fatalf("decodeState: %v", err)
		}
		if len(objects) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, objects) {
			t.Errorf("round trip gave %v, want %v", got, objects)
		}
	}
}

func TestDecodeStateRejects(t *testing.T) {
	gz := func(s string) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(s))
		zw.Close()
		return buf.Bytes()
	}
	hash := strings.Repeat("ab", 32)
	tests := map[string][]byte{
		"not gzip":        []byte(`{"version":1}`),
		"not JSON":        gz("objects"),
		"another version": gz(`{"version":2,"objects":{}}`),
		"no version":      gz(`{"objects":{}}`),
		"short hash":      gz(`{"version":1,"objects":{"a":{"f":"1","s":"abc","h":"` + hash[:32] + `"}}}`),
		"no fingerprint":  gz(`{"version":1,"objects":{"a":{"f":"","s":"` + hash + `","h":"` + hash[:32] + `"}}}`),
		"hash not hex":    gz(`{"version":1,"objects":{"a":{"f":"1","s":"` + strings.Repeat("zz", 32) + `","h":"` + hash[:32] + `"}}}`),
	}
	for name, data := range tests {
		if _, err := decodeState(data); err == nil {
			t.Errorf("%s: decodeState accepted it", name)
		}
	}
}

// FuzzDecodeState feeds the state reader what a bucket might hold: it must
// never panic, and whatever it accepts must survive a round trip.
func FuzzDecodeState(f *testing.F) {
	valid, err := encodeState(map[string]stateEntry{"index.html": {Fingerprint: "1 2", SHA256: strings.Repeat("0", 64), Headers: strings.Repeat("1", 32)}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add([]byte{})
	f.Add([]byte("not gzip"))
	f.Fuzz(func(t *testing.T, data []byte) {
		objects, err := decodeState(data)
		if err != nil {
			return
		}
		again, err := encodeState(objects)
		if err != nil {
			t.Fatalf("encodeState of an accepted state: %v", err)
		}
		back, err := decodeState(again)
		if err != nil || len(back) != len(objects) {
			t.Fatalf("round trip: %d objects, %v; want %d", len(back), err, len(objects))
		}
		for key, e := range objects {
			if back[key] != e {
				t.Fatalf("round trip changed %q: %+v, want %+v", key, back[key], e)
			}
		}
	})
}
