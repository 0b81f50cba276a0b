package bbolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is wrapped by Open and Check when an existing file is empty,
// truncated or corrupt. Such a file is never seeded over: only a missing
// file means first start.
var ErrDamaged = errors.New("the database file is damaged")

// remedy is what the operator can do about a damaged file; it ends the one
// line the server prints.
const remedy = "restore it from a backup (server backup), or move it away to start again from the curated dataset"

// damaged builds the error for a damaged file: one line naming the file,
// what is wrong and what to do.
func damaged(path, format string, args ...any) error {
	what := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", "; ")
	return fmt.Errorf("bbolt: %s: %w: %s; %s", path, ErrDamaged, what, remedy)
}

// bbolt's on-disk meta page, as laid out by go.etcd.io/bbolt
// (internal/common/meta.go): a 16-byte page header, then magic, version,
// page size, flags, root bucket (root page, sequence), freelist page, high
// water mark (pgid), txid and an FNV-64a checksum of the fields before it.
const (
	pageHeaderSize = 16
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	metaSize       = 56 // magic … txid, the bytes the checksum covers
	minFileSize    = 4 * 512
)

type metaPage struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pgid     uint64
	txid     uint64
}

// Page flags and the "no freelist" page id, from bbolt's internal/common.
const (
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	freelistPageFlag = 0x10
	noFreelist       = ^uint64(0)
)

// readMeta decodes and verifies one meta page at buf[off:].
func readMeta(buf []byte, off int) (metaPage, error) {
	if len(buf) < off+pageHeaderSize+metaSize+8 {
		return metaPage{}, errors.New("too short for a meta page")
	}
	m := buf[off+pageHeaderSize:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic {
		return metaPage{}, errors.New("not a bbolt file (bad magic)")
	}
	if v := le.Uint32(m[4:]); v != boltVersion {
		return metaPage{}, fmt.Errorf("bbolt format version %d, want %d", v, boltVersion)
	}
	h := fnv.New64a()
	h.Write(m[:metaSize])
	if h.Sum64() != le.Uint64(m[metaSize:]) {
		return metaPage{}, errors.New("meta page checksum mismatch")
	}
	return metaPage{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, nil
}

// inspect checks, without mapping it, that an existing file can be opened
// by bbolt: not empty, a valid meta page, and long enough for every page
// the meta page says is in use. bbolt maps the file into memory, and a
// page past the end of a truncated file is a SIGBUS, not an error.
func inspect(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bbolt: opening %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("bbolt: %s: %w", path, err)
	}
	size := fi.Size()
	if size == 0 {
		return damaged(path, "the file is empty")
	}
	if size < minFileSize {
		return damaged(path, "the file is %d bytes, too short for a bbolt file", size)
	}
	// The first meta page is at 0; the second at one page size, which the
	// first tells (or, if it is damaged, is tried at the usual sizes).
	head := make([]byte, 4096)
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("bbolt: reading %s: %w", path, err)
	}
	var metas []metaPage
	var errs []error
	m0, err0 := readMeta(head, 0)
	if err0 == nil {
		metas = append(metas, m0)
	}
	errs = append(errs, err0)
	sizes := []int64{4096, 8192, 16384, 65536, 1024, 2048}
	if err0 == nil {
		sizes = []int64{int64(m0.pageSize)}
	}
	for _, ps := range sizes {
		buf := make([]byte, pageHeaderSize+metaSize+8)
		if _, err := f.ReadAt(buf, ps); err != nil {
			continue
		}
		m1, err1 := readMeta(buf, 0)
		if err1 == nil {
			metas = append(metas, m1)
			break
		}
		errs = append(errs, err1)
	}
	if len(metas) == 0 {
		return damaged(path, "no valid meta page (%v)", errors.Join(errs...))
	}
	// bbolt uses the valid meta page with the highest transaction id.
	use := metas[0]
	for _, m := range metas[1:] {
		if m.txid > use.txid {
			use = m
		}
	}
	if use.pageSize == 0 {
		return damaged(path, "page size 0")
	}
	if need := int64(use.pgid) * int64(use.pageSize); size < need {
		return damaged(path, "the file is %d bytes but its pages need %d: it was truncated", size, need)
	}
	// bbolt reads the freelist when it opens the file and panics, with
	// the file mapped and locked, if that page is not a freelist.
	pageType := func(id uint64) (uint16, error) {
		if id >= use.pgid {
			return 0, fmt.Errorf("page %d is past the last page %d", id, use.pgid)
		}
		var hdr [pageHeaderSize]byte
		if _, err := f.ReadAt(hdr[:], int64(id)*int64(use.pageSize)); err != nil {
			return 0, fmt.Errorf("reading page %d: %w", id, err)
		}
		return binary.LittleEndian.Uint16(hdr[8:]), nil
	}
	if use.freelist != noFreelist {
		t, err := pageType(use.freelist)
		if err == nil && t != freelistPageFlag {
			err = fmt.Errorf("freelist page %d has type %#x", use.freelist, t)
		}
		if err != nil {
			return damaged(path, "%v", err)
		}
	}
	t, err := pageType(use.root)
	if err == nil && t != branchPageFlag && t != leafPageFlag {
		err = fmt.Errorf("root page %d has type %#x", use.root, t)
	}
	if err != nil {
		return damaged(path, "%v", err)
	}
	return nil
}

// guard runs fn, turning a panic, or a memory fault inside the mapped file
// (which debug.SetPanicOnFault makes a panic), into an error: bbolt panics
// on some corrupt pages instead of returning an error.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = damaged(path, "reading it failed: %v", r)
		}
	}()
	return fn()
}

// Check verifies the file at path without changing it: the file itself
// (inspect), bbolt's page-level consistency check, and that its contents
// load into a store (layout, decoding and the dataset's integrity rules).
// It opens the file read-only and so fails with ErrLocked while a server
// has it open.
func Check(path string) error {
	if err := inspect(path); err != nil {
		return err
	}
	db, err := openBolt(path, &bolt.Options{Timeout: lockTimeout, ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	return guard(path, func() error {
		if err := db.View(func(tx *bolt.Tx) error {
			var errs []error
			for e := range tx.Check() {
				// Drain the channel: its goroutine reads the
				// transaction until it is done.
				if len(errs) < 10 {
					errs = append(errs, e)
				}
			}
			return errors.Join(errs...)
		}); err != nil {
			return damaged(path, "consistency check: %v", err)
		}
		s := &Store{db: db}
		if err := s.read(); err != nil {
			return damaged(path, "%v", err)
		}
		return nil
	})
}

// openBolt opens a bbolt file, naming the lock timeout. bbolt reads the
// freelist at open and panics on a damaged one.
func openBolt(path string, opts *bolt.Options) (*bolt.DB, error) {
	var db *bolt.DB
	err := guard(path, func() error {
		var err error
		db, err = bolt.Open(path, 0o600, opts)
		return err
	})
	if errors.Is(err, ErrDamaged) {
		return nil, err
	}
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("bbolt: opening %s: %w (no lock within %s)", path, ErrLocked, lockTimeout)
	}
	if errors.Is(err, bolt.ErrInvalid) || errors.Is(err, bolt.ErrChecksum) || errors.Is(err, bolt.ErrVersionMismatch) {
		return nil, damaged(path, "%v", err)
	}
	if err != nil {
		return nil, fmt.Errorf("bbolt: opening %s: %w", path, err)
	}
	return db, nil
}

// Backup writes a consistent copy of the open store's file to w, from one
// read transaction: writes go on meanwhile and are not in the copy.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("bbolt: backing up %s: %w", s.db.Path(), err)
	}
	return n, nil
}

// BackupFile checks the file at path, which no server may have open, and
// copies it to dst (created, never overwritten) with a read-only
// transaction: a damaged file is not copied as if it were a backup.
func BackupFile(path, dst string) error {
	if err := Check(path); err != nil {
		return err
	}
	db, err := openBolt(path, &bolt.Options{Timeout: lockTimeout, ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	return writeCopy(dst, func(w io.Writer) error {
		return guard(path, func() error {
			return db.View(func(tx *bolt.Tx) error {
				_, err := tx.WriteTo(w)
				return err
			})
		})
	})
}

// writeCopy writes a new file at dst through fn and syncs it; on failure
// nothing is left at dst.
func writeCopy(dst string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("bbolt: creating the backup: %w", err)
	}
	err = fn(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return fmt.Errorf("bbolt: writing the backup %s: %w", dst, err)
	}
	return nil
}
