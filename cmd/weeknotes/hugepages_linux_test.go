package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestAdviseHugePages checks that the advice reached the kernel: the
// mappings over the advised range carry the huge-page flag ("hg").
func TestAdviseHugePages(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage"); err != nil {
		t.Skip("this kernel has no transparent huge pages to advise")
	}
	start, end := adviseHugePages(64 << 20)
	if end-start < 32<<20 {
		t.Fatalf("advised [%#x, %#x), want most of 64 MiB", start, end)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps to check: %v", err)
	}
	defer f.Close()
	var lo, hi uint64
	covered := uint64(0)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			a, b, _ := strings.Cut(fields[0], "-")
			lo, _ = strconv.ParseUint(a, 16, 64)
			hi, _ = strconv.ParseUint(b, 16, 64)
			continue
		}
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok && hi > uint64(start) && lo < uint64(end) {
			if !strings.Contains(" "+flags+" ", " hg ") {
				t.Errorf("mapping %#x-%#x in the advised range lacks hg: %s", lo, hi, flags)
			}
			covered += min(hi, uint64(end)) - max(lo, uint64(start))
		}
	}
	if covered != uint64(end-start) {
		t.Errorf("mappings cover %d of the %d bytes advised", covered, end-start)
	}
}
