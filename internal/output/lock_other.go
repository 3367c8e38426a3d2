//go:build !unix

package output

// lock does nothing where there is no flock.
func lock(dir, dest string) (func(), error) { return func() {}, nil }
