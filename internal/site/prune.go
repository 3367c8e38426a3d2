package site

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// keptStates is how many sets of options keep their build state in the
// cache folder. Each set (drafts or not, the preview and its address, a
// --base-url) has its own state, tens of megabytes at 5,000 posts: a
// preview started on a new port each time would otherwise fill the disk.
// Four covers a site's build, its preview and a couple more.
const keptStates = 4

// stateKinds are the prefixes of the files of one set's state.
var stateKinds = []string{"build-", "posts-", "pages-", "bodies-"}

// pruneStates removes from the cache folder dir the state files of all
// but the keptStates sets of options saved last, keeping the set key
// whatever its age, and the temporary files that a process no longer
// running left there. Other files (the highlight cache) are not touched.
// Nothing here is an error: a file that cannot be removed stays.
func pruneStates(dir, key string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	newest := map[string]time.Time{}
	files := map[string][]string{}
	for _, e := range entries {
		k, tmp, ok := stateFileKey(e.Name())
		switch {
		case !ok:
			continue
		case tmp:
			if pid, err := strconv.Atoi(e.Name()[strings.LastIndex(e.Name(), ".tmp-")+len(".tmp-"):]); err == nil && processGone(pid) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		files[k] = append(files[k], e.Name())
		if info.ModTime().After(newest[k]) {
			newest[k] = info.ModTime()
		}
	}
	keys := make([]string, 0, len(files))
	for k := range files {
		if k != key {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if !newest[keys[i]].Equal(newest[keys[j]]) {
			return newest[keys[i]].After(newest[keys[j]])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys[min(len(keys), keptStates-1):] {
		for _, name := range files[k] {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// stateFileKey returns the key of a state file's name ("build-KEY.state",
// "bodies-KEY-07.state"), and whether it is a temporary one
// ("NAME.tmp-PID"); ok is false for any other name.
func stateFileKey(name string) (key string, tmp, ok bool) {
	if i := strings.LastIndex(name, ".tmp-"); i >= 0 {
		name, tmp = name[:i], true
	}
	base, found := strings.CutSuffix(name, ".state")
	if !found {
		return "", false, false
	}
	for _, kind := range stateKinds {
		rest, found := strings.CutPrefix(base, kind)
		if !found {
			continue
		}
		if kind == "bodies-" {
			i := strings.LastIndexByte(rest, '-')
			if i < 0 {
				return "", false, false
			}
			rest = rest[:i]
		}
		if rest == "" || strings.Trim(rest, "0123456789abcdef") != "" {
			return "", false, false
		}
		return rest, tmp, true
	}
	return "", false, false
}
