//go:build !linux

package output

// listDir lists a folder's entries, in no particular order.
func listDir(dir string) ([]dirEntry, error) { return listDirPortable(dir) }
