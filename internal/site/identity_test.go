package site

import "testing"

// TestIdentityFromStamp shows that a development binary takes its identity
// from the state it finds when its executable's stamp is the one recorded
// there, without reading itself, and hashes itself otherwise.
func TestIdentityFromStamp(t *testing.T) {
	if releaseIdentity() != "" || exeStamp() == "" {
		t.Skip("a released binary, or no stamp on this system")
	}
	hashed, _ := hashedIdentity()
	for _, tc := range []struct {
		name string
		prev *buildState
		want string
	}{
		{"same file", &buildState{Identity: "executable 1234", ExeStamp: exeStamp()}, "executable 1234"},
		{"another file", &buildState{Identity: "executable 1234", ExeStamp: "1:2:3:4.5:6.7"}, hashed},
		{"no stamp recorded", &buildState{Identity: "executable 1234"}, hashed},
		{"not a hash", &buildState{Identity: "go1.26 weeknotes@v1", ExeStamp: exeStamp()}, hashed},
		{"no state", nil, hashed},
	} {
		if got, _ := binaryIdentity(tc.prev); got != tc.want {
			t.Errorf("%s: identity %q, want %q", tc.name, got, tc.want)
		}
	}
}
