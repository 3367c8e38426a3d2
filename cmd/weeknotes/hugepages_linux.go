package main

import (
	"runtime"
	"syscall"
	"unsafe"
)

// hugePageSize is the size of an x86-64 or arm64 transparent huge page:
// madvise's range is rounded to whole ones.
const hugePageSize = 2 << 20

// adviseHugePages asks Linux to back the next size bytes the Go heap takes
// from the system with transparent huge pages, and returns the range it
// advised (empty when it could not).
//
// Why: a build touches its whole heap, 170 MiB for a 5,000-post site, and on
// virtual machines a page fault costs microseconds: with 4 KiB pages a
// build took 53,000 faults and a fifth of its CPU time in them; with 2 MiB
// pages, 6,000. Go asks for no huge pages itself, and Linux's usual setting
// ("madvise") gives them only to memory that asks.
//
// How: a large allocation is mapped fresh from the system and not touched
// (fresh pages are known to be zero), so advising its range sets the
// request on memory no page of which is backed yet. Freed at once, the
// range goes back to the heap, which hands it out for small objects next.
// It is only advice: where the kernel has no huge pages to give, or the
// allocation came from memory already in use, nothing changes but time.
func adviseHugePages(size int) (start, end uintptr) {
	block := make([]byte, size)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(block)))
	start = (base + hugePageSize - 1) &^ (hugePageSize - 1)
	end = (base + uintptr(size)) &^ (hugePageSize - 1)
	if end <= start {
		return 0, 0
	}
	if err := syscall.Madvise(block[start-base:end-base], syscall.MADV_HUGEPAGE); err != nil {
		return 0, 0
	}
	runtime.KeepAlive(block)
	block = nil
	runtime.GC() // free the block now, before the build's first allocations
	return start, end
}
