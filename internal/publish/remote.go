package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"
)

// stateEntry is what publish knows of one object: the hashes it uploaded it
// with, and the fingerprint a listing showed of it afterwards. The entry
// describes the object only while a listing still shows that fingerprint.
type stateEntry struct {
	Fingerprint string `json:"f"`
	SHA256      string `json:"s"` // MetaContentHash; "" for an object publish did not upload
	Headers     string `json:"h"` // MetaHeadersHash
}

func (e stateEntry) tracked() bool { return e.SHA256 != "" }

// stateVersion changes whenever the meaning of stateFile does, so that an
// older or newer state is read object by object instead of misread.
const stateVersion = 1

// stateFile is the content of StateKey, gzip-compressed JSON.
type stateFile struct {
	Version int                   `json:"version"`
	Objects map[string]stateEntry `json:"objects"`
}

// maxStateBytes bounds how much a state object may expand to, so that a
// corrupt or hostile object cannot exhaust memory. A site of a quarter of a
// million files fits.
const maxStateBytes = 64 << 20

func encodeState(objects map[string]stateEntry) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(stateFile{Version: stateVersion, Objects: objects}); err != nil {
		return nil, fmt.Errorf("encode publish state: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress publish state: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeState(data []byte) (map[string]stateEntry, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxStateBytes+1))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	if len(raw) > maxStateBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxStateBytes)
	}
	var state stateFile
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if state.Version != stateVersion {
		return nil, fmt.Errorf("version %d, want %d", state.Version, stateVersion)
	}
	for key, e := range state.Objects {
		if e.Fingerprint == "" || !isHex(e.SHA256, 64) || !isHex(e.Headers, 32) {
			return nil, fmt.Errorf("entry %q is incomplete", key)
		}
	}
	return state.Objects, nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// remoteObject is one object found under the target.
type remoteObject struct {
	size        int64
	fingerprint string
	entry       stateEntry // valid when resolved
	resolved    bool
}

// remoteView is the bucket as NewPlan sees it.
type remoteView struct {
	objects  map[string]*remoteObject
	stale    bool // StateKey is missing, unreadable or out of date
	warnings []string
}

// listRemote lists every object under the target and, unless the caller
// will upload everything anyway, matches them with StateKey.
func listRemote(ctx context.Context, bucket *blob.Bucket, readState bool, retry Retry) (*remoteView, error) {
	var (
		objects  map[string]*remoteObject
		state    map[string]stateEntry
		stateErr error
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		objects, err = listObjects(gctx, bucket, retry)
		return err
	})
	if readState {
		g.Go(func() error {
			state, stateErr = readStateObject(gctx, bucket, retry)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	view := &remoteView{objects: objects}
	if !readState {
		view.stale = true
		return view, nil
	}
	if stateErr != nil {
		view.warnings = append(view.warnings, fmt.Sprintf("%s: %v; reading each object's metadata instead", StateKey, stateErr))
	}
	view.stale = state == nil && len(objects) > 0
	for key, entry := range state {
		obj, ok := objects[key]
		if !ok || obj.fingerprint != entry.Fingerprint {
			view.stale = true
			continue
		}
		obj.entry, obj.resolved = entry, true
	}
	return view, nil
}

// listObjects lists the objects under the target, leaving out StateKey and
// the empty "folder" objects that storage consoles create (keys ending in
// "/"), which no site file can correspond to and which are not publish's to
// delete.
//
// A listing is paged, a thousand objects a request, each waiting for the
// one before. When the site has few top-level folders (years, tags/,
// assets/ and the like) they are listed side by side instead, which for a
// large site is several times quicker.
func listObjects(ctx context.Context, bucket *blob.Bucket, retry Retry) (map[string]*remoteObject, error) {
	objects := map[string]*remoteObject{}
	var mu sync.Mutex
	add := func(page []*blob.ListObject) {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range page {
			if o.IsDir || o.Key == StateKey || o.Key == LockKey || strings.HasSuffix(o.Key, "/") {
				continue
			}
			objects[o.Key] = &remoteObject{size: o.Size, fingerprint: fingerprint(o)}
		}
	}

	top, next, err := listPage(ctx, bucket, blob.FirstPageToken, &blob.ListOptions{Delimiter: "/"}, retry)
	if err != nil {
		return nil, err
	}
	if next != nil {
		// Too many top-level entries to list each folder on its own.
		return objects, listAll(ctx, bucket, &blob.ListOptions{}, retry, add)
	}
	add(top)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(listConcurrency)
	for _, o := range top {
		if o.IsDir {
			g.Go(func() error { return listAll(gctx, bucket, &blob.ListOptions{Prefix: o.Key}, retry, add) })
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return objects, nil
}

// listConcurrency is how many folders are listed at a time.
const listConcurrency = 8

// listAll passes every page of a listing to add.
func listAll(ctx context.Context, bucket *blob.Bucket, opts *blob.ListOptions, retry Retry, add func([]*blob.ListObject)) error {
	for token := blob.FirstPageToken; token != nil; {
		page, next, err := listPage(ctx, bucket, token, opts, retry)
		if err != nil {
			return err
		}
		add(page)
		token = next
	}
	return nil
}

func listPage(ctx context.Context, bucket *blob.Bucket, token []byte, opts *blob.ListOptions, retry Retry) (page []*blob.ListObject, next []byte, err error) {
	err = withRetry(ctx, retry, func() (err error) {
		page, next, err = bucket.ListPage(ctx, token, 1000, opts)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list the bucket: %w", err)
	}
	return page, next, nil
}

// fingerprint is what a listing shows of an object that changes whenever
// the object is written: its size, modification time, MD5 where the service
// gives one and, on S3, the ETag, which also covers multipart objects.
func fingerprint(o *blob.ListObject) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(o.Size, 10))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(o.ModTime.UnixNano(), 36))
	b.WriteByte(' ')
	b.WriteString(hex.EncodeToString(o.MD5))
	var s3obj s3types.Object
	if o.As(&s3obj) && s3obj.ETag != nil {
		b.WriteByte(' ')
		b.WriteString(strings.Trim(*s3obj.ETag, `"`))
	}
	return b.String()
}

// readStateObject returns the objects StateKey describes, nil when there is
// no state yet, or an error saying why the state cannot be used.
func readStateObject(ctx context.Context, bucket *blob.Bucket, retry Retry) (map[string]stateEntry, error) {
	var data []byte
	err := withRetry(ctx, retry, func() (err error) {
		data, err = bucket.ReadAll(ctx, StateKey)
		return err
	})
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return decodeState(data)
}

// readMissingMetadata reads, object by object, the metadata of the objects
// that the site still has but StateKey did not describe, and returns how
// many it read. An object that has gone since the listing is forgotten, so
// that the file is uploaded as new.
//
// Any other failed read fails the plan, for an object whose metadata is
// unknown would be compared as if it held nothing publish wrote. Every
// failure is reported, not only the first, so reads go on after one fails;
// only a cancelled ctx stops new ones from starting.
func (v *remoteView) readMissingMetadata(ctx context.Context, bucket *blob.Bucket, files []localFile, concurrency int, retry Retry) (int, error) {
	var keys []string
	for _, f := range files {
		if obj := v.objects[f.key]; obj != nil && !obj.resolved {
			keys = append(keys, f.key)
		}
	}
	if len(keys) == 0 {
		return 0, nil
	}
	var (
		problems collector
		gone     = make([]bool, len(keys))
		wg       sync.WaitGroup
		slots    = make(chan struct{}, concurrency)
	)
	for i, key := range keys {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		obj := v.objects[key]
		wg.Go(func() {
			defer func() { <-slots }()
			var err error
			gone[i], err = obj.readMetadata(ctx, bucket, key, retry)
			if err != nil {
				problems.add(err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(ctx.Err(), problems.err()); err != nil {
		return 0, err
	}
	for i, key := range keys {
		if gone[i] {
			delete(v.objects, key)
		}
	}
	return len(keys), nil
}

// readMetadata resolves obj from the metadata stored with it, or reports
// that the object no longer exists.
func (obj *remoteObject) readMetadata(ctx context.Context, bucket *blob.Bucket, key string, retry Retry) (gone bool, err error) {
	var attrs *blob.Attributes
	err = withRetry(ctx, retry, func() (err error) {
		attrs, err = bucket.Attributes(ctx, key)
		return err
	})
	if gcerrors.Code(err) == gcerrors.NotFound {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the metadata of %s: %w", key, err)
	}
	obj.entry = stateEntry{
		Fingerprint: obj.fingerprint,
		SHA256:      attrs.Metadata[MetaContentHash],
		Headers:     attrs.Metadata[MetaHeadersHash],
	}
	obj.resolved = true
	return false, nil
}
