package site

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/fileio"
)

// The build state: what a build needs to know, in the next process, which
// pages a change affects. It is kept in the cache folder beside the
// highlight cache, in three files per set of build options:
//
//   - build-<key>.state (small): the binary and options it was made by,
//     every input file's fingerprint, every page's fingerprint with the
//     size and hash of what was written, the output's marker, the
//     build's diagnostics and counts;
//   - bodies-<key>.state (large): every post's rendered body, excerpt and
//     text, and what the rendering looked at;
//   - posts-<key>.state: every post as parsed, but for its body
//     (poststate.go).
//
// Each ends in an xxhash of everything before it, and the small file holds
// the others', so a damaged, cut-short or mismatched set is never used:
// the build then renders everything and says why, once.

const (
	stateMagic  = "weeknotes build state 4\n"
	bodiesMagic = "weeknotes bodies state 2\n"
)

// inputPrint is one input file's fingerprint.
type inputPrint struct {
	Size  int64
	MTime int64 // modification time, Unix nanoseconds
	Hash  uint64
}

// pagePrint is what the state records of one output file made by the
// build (pages, feeds, assets): the fingerprint of its inputs, and the
// size and hash of the bytes written.
type pagePrint struct {
	Print uint64
	Size  int64
	Hash  uint64
}

// buildState is the small file.
type buildState struct {
	Identity   string             // the binary that wrote it (binaryIdentity)
	ExeStamp   string             // its executable's file, when Identity is a hash of it (exeStamp)
	Options    string             // the options that shape the output (optionsKey)
	Config     uint64             // fingerprint of the loaded configuration
	Theme      uint64             // fingerprint of every template and asset
	ScanTime   int64              // when the inputs were fingerprinted, Unix nanoseconds
	ValidUntil int64              // the first future post's date, Unix nanoseconds; 0 for none
	Dest       string             // the output folder, absolute; "" when not written to disk
	Marker     uint64             // xxhash of the output folder's marker file after the build
	Bodies     [bodyShards]uint64 // the checksums of the bodies' shards (bodyshards.go)
	Posts      uint64             // the posts file's checksum (poststate.go)
	Inputs     map[string]inputPrint
	Pages      map[string]pagePrint
	Diags      []diag.Diagnostic
	Stats      Stats // of the build that wrote it; Duration and Rendered unused
}

// bodyState is one post's rendering in the bodies file.
type bodyState struct {
	RenderedOf  uint64 // post.Hash it was rendered from
	HTML        string
	Excerpt     string
	Text        string
	Words       int
	Asked       map[string]string
	Reads       []string
	Diags       []diag.Diagnostic
	ContentHash uint64
	ExcerptHash uint64
	Image       string // the body's first image (bodyFacts)
	HasCode     bool   // whether it has highlighted code (bodyFacts)
}

// stateWriter writes the fields of a state file, and its checksum last.
type stateWriter struct {
	w   *bufio.Writer
	sum *xxhash.Digest
	n   [binary.MaxVarintLen64]byte
}

func newStateWriter(w *bufio.Writer) *stateWriter {
	return &stateWriter{w: w, sum: xxhash.New()}
}

func (s *stateWriter) raw(b []byte) {
	s.w.Write(b)
	s.sum.Write(b)
}

func (s *stateWriter) uvarint(v uint64) { s.raw(s.n[:binary.PutUvarint(s.n[:], v)]) }

func (s *stateWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(s.n[:8], v)
	s.raw(s.n[:8])
}

func (s *stateWriter) str(v string) {
	s.uvarint(uint64(len(v)))
	s.w.WriteString(v)
	s.sum.WriteString(v)
}

func (s *stateWriter) diags(ds []diag.Diagnostic) {
	s.uvarint(uint64(len(ds)))
	for _, d := range ds {
		s.uvarint(uint64(d.Severity))
		s.str(d.File)
		s.uvarint(uint64(max(d.Line, 0)))
		s.str(d.Message)
	}
}

// finish writes the checksum and flushes; it returns the checksum.
func (s *stateWriter) finish() (uint64, error) {
	sum := s.sum.Sum64()
	binary.LittleEndian.PutUint64(s.n[:8], sum)
	s.w.Write(s.n[:8])
	return sum, s.w.Flush()
}

// stateReader reads what a stateWriter wrote. Strings are sliced from the
// data, not copied: the data must never change.
type stateReader struct{ cacheReader }

func (r *stateReader) u64() uint64 {
	b := r.take(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// count reads a number of items that each take at least one byte: no more
// than the bytes left, so a damaged count cannot make a huge map.
func (r *stateReader) count() int { return r.uvarint() }

// number reads a uvarint that is not a length.
func (r *stateReader) number() uint64 {
	v, n := binary.Uvarint(r.rest)
	if r.short || n <= 0 {
		r.short = true
		return 0
	}
	r.rest = r.rest[n:]
	return v
}

func (r *stateReader) str() string {
	b := r.take(r.uvarint())
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func (r *stateReader) diags() []diag.Diagnostic {
	n := r.count()
	if n == 0 {
		return nil
	}
	ds := make([]diag.Diagnostic, 0, n)
	for range n {
		sev := diag.Severity(r.number())
		file := r.str()
		line := int(r.number())
		msg := r.str()
		if r.short {
			return nil
		}
		ds = append(ds, diag.Diagnostic{Severity: sev, File: file, Line: line, Message: msg})
	}
	return ds
}

var errStateDamaged = errors.New("damaged or cut short")

// openState checks magic and checksum and returns a reader over the body
// of the file, and the checksum.
func openState(data []byte, magic string) (*stateReader, uint64, error) {
	if len(data) < len(magic)+8 || string(data[:len(magic)]) != magic {
		return nil, 0, errStateDamaged
	}
	body, tail := data[:len(data)-8], data[len(data)-8:]
	sum := binary.LittleEndian.Uint64(tail)
	if xxhash.Sum64(body) != sum {
		return nil, 0, errStateDamaged
	}
	return &stateReader{cacheReader{rest: body[len(magic):]}}, sum, nil
}

func (st *buildState) encode(w *bufio.Writer) error {
	s := newStateWriter(w)
	s.raw([]byte(stateMagic))
	s.str(st.Identity)
	s.str(st.ExeStamp)
	s.str(st.Options)
	s.u64(st.Config)
	s.u64(st.Theme)
	s.u64(uint64(st.ScanTime))
	s.u64(uint64(st.ValidUntil))
	s.str(st.Dest)
	s.u64(st.Marker)
	for _, sum := range st.Bodies {
		s.u64(sum)
	}
	s.u64(st.Posts)
	s.uvarint(uint64(len(st.Inputs)))
	for _, p := range sortedKeys(st.Inputs) {
		in := st.Inputs[p]
		s.str(p)
		s.uvarint(uint64(in.Size))
		s.u64(uint64(in.MTime))
		s.u64(in.Hash)
	}
	s.uvarint(uint64(len(st.Pages)))
	for _, p := range sortedKeys(st.Pages) {
		pg := st.Pages[p]
		s.str(p)
		s.u64(pg.Print)
		s.uvarint(uint64(pg.Size))
		s.u64(pg.Hash)
	}
	s.diags(st.Diags)
	for _, n := range []int{st.Stats.Posts, st.Stats.Drafts, st.Stats.Pages, st.Stats.Files} {
		s.uvarint(uint64(n))
	}
	_, err := s.finish()
	return err
}

func decodeBuildState(data []byte) (*buildState, error) {
	r, _, err := openState(data, stateMagic)
	if err != nil {
		return nil, err
	}
	st := &buildState{
		Identity: r.str(), ExeStamp: r.str(), Options: r.str(), Config: r.u64(), Theme: r.u64(),
		ScanTime: int64(r.u64()), ValidUntil: int64(r.u64()), Dest: r.str(),
		Marker: r.u64(),
	}
	for i := range st.Bodies {
		st.Bodies[i] = r.u64()
	}
	st.Posts = r.u64()
	n := r.count()
	st.Inputs = make(map[string]inputPrint, n)
	for range n {
		p := r.str()
		st.Inputs[p] = inputPrint{Size: int64(r.number()), MTime: int64(r.u64()), Hash: r.u64()}
	}
	n = r.count()
	st.Pages = make(map[string]pagePrint, n)
	for range n {
		p := r.str()
		st.Pages[p] = pagePrint{Print: r.u64(), Size: int64(r.number()), Hash: r.u64()}
	}
	st.Diags = r.diags()
	st.Stats = Stats{Posts: int(r.number()), Drafts: int(r.number()), Pages: int(r.number()), Files: int(r.number())}
	if r.short || len(r.rest) != 0 {
		return nil, errStateDamaged
	}
	return st, nil
}

// encodeBodies writes every rendered body, by source path, and returns the
// file's checksum.
func encodeBodies(w *bufio.Writer, bodies map[string]*bodyState) (uint64, error) {
	s := newStateWriter(w)
	s.raw([]byte(bodiesMagic))
	s.uvarint(uint64(len(bodies)))
	for _, p := range sortedKeys(bodies) {
		b := bodies[p]
		s.str(p)
		s.u64(b.RenderedOf)
		s.str(b.HTML)
		s.str(b.Excerpt)
		s.str(b.Text)
		s.uvarint(uint64(b.Words))
		s.uvarint(uint64(len(b.Asked)))
		for _, k := range sortedKeys(b.Asked) {
			s.str(k)
			s.str(b.Asked[k])
		}
		s.uvarint(uint64(len(b.Reads)))
		for _, rd := range b.Reads {
			s.str(rd)
		}
		s.diags(b.Diags)
		s.u64(b.ContentHash)
		s.u64(b.ExcerptHash)
		s.str(b.Image)
		s.uvarint(boolBit(b.HasCode))
	}
	return s.finish()
}

// decodeBodies reads a bodies file whose checksum must be want.
func decodeBodies(data []byte, want uint64) (map[string]*bodyState, error) {
	r, sum, err := openState(data, bodiesMagic)
	if err != nil {
		return nil, err
	}
	if sum != want {
		return nil, errors.New("not the bodies of the same build")
	}
	n := r.count()
	bodies := make(map[string]*bodyState, n)
	for range n {
		p := r.str()
		b := &bodyState{RenderedOf: r.u64(), HTML: r.str(), Excerpt: r.str(), Text: r.str(), Words: int(r.number())}
		if k := r.count(); k > 0 {
			b.Asked = make(map[string]string, k)
			for range k {
				key := r.str()
				b.Asked[key] = r.str()
			}
		}
		if k := r.count(); k > 0 {
			b.Reads = make([]string, 0, k)
			for range k {
				b.Reads = append(b.Reads, r.str())
			}
		}
		b.Diags = r.diags()
		b.ContentHash, b.ExcerptHash = r.u64(), r.u64()
		b.Image, b.HasCode = r.str(), r.number() == 1
		if r.short {
			return nil, errStateDamaged
		}
		bodies[p] = b
	}
	if len(r.rest) != 0 {
		return nil, errStateDamaged
	}
	return bodies, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeStateFile writes one state file atomically: a failed or killed
// write leaves the previous file, or none.
func writeStateFile(dir, name string, encode func(*bufio.Writer) error) error {
	tmp, err := writeStateTemp(dir, name, encode)
	if err != nil {
		return err
	}
	return renameState(tmp, dir, name)
}

// writeStateTemp writes a state file under a temporary name beside its own,
// for renameState to put in place.
func writeStateTemp(dir, name string, encode func(*bufio.Writer) error) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("save build state: %w", err)
	}
	tmp := filepath.Join(dir, name+".tmp-"+strconv.Itoa(os.Getpid()))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return "", fmt.Errorf("save build state: %w", err)
	}
	err = encode(bufio.NewWriterSize(f, 256<<10))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("save build state %s: %w", name, err)
	}
	return tmp, nil
}

// renameState puts a file writeStateTemp wrote in place.
func renameState(tmp, dir, name string) error {
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save build state %s: %w", name, err)
	}
	return nil
}

// readStateFile reads one state file whole.
func readStateFile(dir, name string) ([]byte, error) {
	return fileio.ReadFile(filepath.Join(dir, name))
}

// binaryIdentity names the code that renders: a state written by another
// binary is never trusted, since any change to it may change the output.
// A released or clean build is named by its module version or commit;
// anything else (a build from modified sources, a test binary) by a hash
// of the executable itself, which takes tens of milliseconds to read: the
// state that prev, when not nil, is records the executable's file stamp
// (exeStamp) beside that hash, and while the file is the same, its
// identity is prev's. The stamp returned goes with the identity: "" when
// there is none to record.
var binaryIdentity = func(prev *buildState) (id, stamp string) {
	if id := releaseIdentity(); id != "" {
		return id, ""
	}
	if prev != nil && prev.ExeStamp != "" && strings.HasPrefix(prev.Identity, "executable ") && prev.ExeStamp == exeStamp() {
		return prev.Identity, prev.ExeStamp
	}
	return hashedIdentity()
}

// releaseIdentity is the module version or clean commit the binary was
// built from, or "".
var releaseIdentity = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	switch {
	case info.Main.Version != "" && info.Main.Version != "(devel)" && info.Main.Sum != "":
		return info.GoVersion + " " + info.Main.Path + "@" + info.Main.Version + " " + info.Main.Sum
	case settings["vcs.revision"] != "" && settings["vcs.modified"] == "false":
		return info.GoVersion + " " + info.Main.Path + " " + settings["vcs.revision"]
	}
	return ""
})

// hashedIdentity names the binary by a hash of its executable, with the
// executable's stamp when it was the same before and after the reading.
var hashedIdentity = sync.OnceValues(func() (id, stamp string) {
	// Streamed through a small buffer: the executable is tens of
	// megabytes, which read whole would raise the build's peak memory.
	exe, err := os.Executable()
	if err != nil {
		return "", ""
	}
	before := exeStamp()
	f, err := os.Open(exe)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	h := xxhash.New()
	if _, err := io.CopyBuffer(h, f, make([]byte, 64<<10)); err != nil {
		return "", ""
	}
	if exeStamp() != before {
		before = ""
	}
	return "executable " + strconv.FormatUint(h.Sum64(), 16), before
})

// exeStamp names the running executable's file as it is now: its device,
// inode, size, and modification and change times, which a rebuilt or
// replaced binary does not share (the change time cannot be set back).
// It is "" where the system does not tell.
func exeStamp() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	info, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fileStamp(info)
}
