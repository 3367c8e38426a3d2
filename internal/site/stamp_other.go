//go:build !linux

package site

import "io/fs"

// fileStamp is "" here: the binary is hashed on every run.
func fileStamp(fs.FileInfo) string { return "" }
