//go:build !linux

package main

// adviseHugePages does nothing: transparent huge pages are Linux's.
func adviseHugePages(size int) (start, end uintptr) { return 0, 0 }
