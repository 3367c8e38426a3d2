package site

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
)

// The bodies of the state are kept in bodyShards files, each post's in the
// one its path hashes to, so that a build that rendered a few bodies again
// rewrites the few files that hold them, not all 55 MB of the 5,000-post
// corpus's bodies: writing them all again was a tenth of an edit build's
// CPU.
const bodyShards = 32

// shardOf is the shard that holds the body of the post at path.
func shardOf(path string) int { return int(xxhash.Sum64String(path) % bodyShards) }

// shardName is the file of shard i of the bodies file bodiesName.
func shardName(bodiesName string, i int) string {
	return fmt.Sprintf("%s-%02d.state", bodiesName[:len(bodiesName)-len(".state")], i)
}

// renderSeq numbers renderings: a body rendered, or taken from the state,
// gets a new number, so that a shard on disk is known to hold a post's
// body when the number saved in it is still the post's.
var renderSeq atomic.Uint64

// bodiesOnDisk is what the state's shards on disk hold: each one's
// checksum, how many bodies, and the rendering number of each body.
type bodiesOnDisk struct {
	sums   [bodyShards]uint64
	counts [bodyShards]int
	ids    map[string]uint64 // by post path
}

// readBodies reads every shard of the saved bodies, and what they hold, or
// says why it cannot. The shards are read and checked on all cores: an
// edit build waits for them before it can model the site.
func (b *Builder) readBodies(st *buildState) (map[string]*bodyState, *bodiesOnDisk, string) {
	_, bodiesName := b.stateNames()
	var shards [bodyShards]map[string]*bodyState
	var notes [bodyShards]string
	idx := make([]int, bodyShards)
	for i := range idx {
		idx[i] = i
	}
	_ = parallelN(context.Background(), runtime.GOMAXPROCS(0), idx, func(i int) {
		data, err := readStateFile(b.opts.CacheDir, shardName(bodiesName, i))
		if err != nil {
			notes[i] = "the saved bodies cannot be read"
			return
		}
		if shards[i], err = decodeBodies(data, st.Bodies[i]); err != nil {
			notes[i] = "the saved bodies are damaged"
		}
	})
	n := 0
	for _, bodies := range shards {
		n += len(bodies)
	}
	all := make(map[string]*bodyState, n)
	disk := &bodiesOnDisk{sums: st.Bodies, ids: map[string]uint64{}}
	for i, bodies := range shards {
		if notes[i] != "" {
			return nil, nil, notes[i]
		}
		disk.counts[i] = len(bodies)
		for p, bs := range bodies {
			all[p] = bs
		}
	}
	return all, disk, ""
}

// onDisk is what the shards hold once shards are in place.
func onDisk(shards [bodyShards]shardWrite, ids map[string]uint64) *bodiesOnDisk {
	d := &bodiesOnDisk{ids: ids}
	for i, s := range shards {
		d.sums[i], d.counts[i] = s.sum, s.n
	}
	return d
}

// shardWrite is one shard of a save: written anew to tmp, or kept as it is
// on disk with its checksum.
type shardWrite struct {
	tmp string
	sum uint64
	n   int // bodies in it
}

// writeShards writes the shards whose bodies changed since disk (all of
// them without disk) under temporary names, and returns every shard's.
func (b *Builder) writeShards(bodies map[string]*bodyState, ids map[string]uint64, disk *bodiesOnDisk) ([bodyShards]shardWrite, error) {
	var shards [bodyShards]map[string]*bodyState
	for p, bs := range bodies {
		i := shardOf(p)
		if shards[i] == nil {
			shards[i] = map[string]*bodyState{}
		}
		shards[i][p] = bs
	}
	_, bodiesName := b.stateNames()
	var out [bodyShards]shardWrite
	for i, shard := range shards {
		out[i].n = len(shard)
		if disk.holds(i, shard, ids) {
			out[i].sum = disk.sums[i]
			continue
		}
		tmp, err := writeStateTemp(b.opts.CacheDir, shardName(bodiesName, i), func(w *bufio.Writer) (err error) {
			out[i].sum, err = encodeBodies(w, shard)
			return err
		})
		if err != nil {
			removeShardTemps(out)
			return out, err
		}
		out[i].tmp = tmp
	}
	return out, nil
}

// holds reports whether shard i on disk holds exactly these bodies.
func (d *bodiesOnDisk) holds(i int, shard map[string]*bodyState, ids map[string]uint64) bool {
	if d == nil || len(shard) != d.counts[i] {
		return false
	}
	for p := range shard {
		if id, ok := d.ids[p]; !ok || id != ids[p] {
			return false
		}
	}
	return true
}

// putShards puts the shards written anew in place.
func (b *Builder) putShards(shards [bodyShards]shardWrite) error {
	_, bodiesName := b.stateNames()
	for i, s := range shards {
		if s.tmp == "" {
			continue
		}
		if err := renameState(s.tmp, b.opts.CacheDir, shardName(bodiesName, i)); err != nil {
			removeShardTemps(shards)
			return err
		}
	}
	// The bodies in one file, as states before these were kept.
	os.Remove(filepath.Join(b.opts.CacheDir, bodiesName))
	return nil
}

func removeShardTemps(shards [bodyShards]shardWrite) {
	for _, s := range shards {
		if s.tmp != "" {
			os.Remove(s.tmp)
		}
	}
}
