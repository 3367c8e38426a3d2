//go:build !unix

package fileio

import (
	"io/fs"
	"os"
)

// ReadFile reads the file at path: os.ReadFile.
func ReadFile(path string) ([]byte, error) { return os.ReadFile(path) }

// WriteFile writes data to the file at path: os.WriteFile.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return os.WriteFile(path, data, perm)
}
