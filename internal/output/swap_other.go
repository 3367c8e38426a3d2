//go:build !linux

package output

// exchange is not atomic here: swap falls back to two renames.
func exchange(a, b string) error { return errNoExchange }

// moveNew moves the folder a to b, which must not exist.
func moveNew(a, b string) error { return renameNew(a, b) }
