package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"
)

// walkLocal lists every file of the built site with its hash and headers.
// Problems with single files are all collected, so that one run shows every
// file that needs attention.
func walkLocal(ctx context.Context, local fs.FS, rules *Rules) ([]localFile, error) {
	var problems collector
	var files []localFile
	err := fs.WalkDir(local, ".", func(key string, d fs.DirEntry, err error) error {
		if err != nil {
			problems.add(fmt.Errorf("read %s: %w", key, err))
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if d.IsDir() || key == BuildMarker {
			return nil
		}
		switch {
		case !utf8.ValidString(key):
			problems.add(fmt.Errorf("%q: file name is not valid UTF-8, which object storage cannot name", key))
			return nil
		case key == StateKey || key == LockKey:
			problems.add(fmt.Errorf("%s: the name is reserved for publishing's own use; rename the file", key))
			return nil
		}
		mode := d.Type()
		if mode&fs.ModeSymlink != 0 {
			info, err := fs.Stat(local, key) // follows a link to a file
			if err != nil {
				problems.add(fmt.Errorf("read %s: %w", key, err))
				return nil
			}
			mode = info.Mode()
		}
		if !mode.IsRegular() {
			problems.add(fmt.Errorf("%s: not a regular file (a link to a folder, or a device); publish copies files only", key))
			return nil
		}
		files = append(files, localFile{key: key, headers: rules.Headers(key)}) // size: hashFile reads it
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := problems.err(); err != nil {
		return nil, err
	}

	g, gctx := errgroup.WithContext(ctx)
	next := make(chan int)
	g.Go(func() error {
		defer close(next)
		for i := range files {
			select {
			case next <- i:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for range workerCount() {
		g.Go(func() error {
			buf := make([]byte, 64<<10) // one per worker, for all its files
			for i := range next {
				sum, size, err := hashFile(local, files[i].key, buf)
				if err != nil {
					problems.add(err)
					continue
				}
				files[i].sha256, files[i].size = sum, size
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := problems.err(); err != nil {
		return nil, err
	}
	return files, nil
}

// hashFile returns the hex SHA-256 of a file and its length as read, which
// is the length that the hash describes even if the file changed since it
// was listed.
func hashFile(local fs.FS, key string, buf []byte) (string, int64, error) {
	f, err := local.Open(key)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", key, err)
	}
	defer f.Close()
	h := sha256.New()
	// The anonymous struct hides the file's WriteTo, which would allocate a
	// buffer of its own for every file.
	n, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", key, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
