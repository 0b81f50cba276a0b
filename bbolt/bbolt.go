// Package bbolt is the durable embedded store: the graph in one bbolt file,
// served from an inmem.Store that it loads at open. Every write is
// committed to the file (bbolt fsyncs each transaction; writes committed
// at the same time share one) before it becomes visible in memory, through
// inmem's commit hook; a write that fails to persist changes nothing.
// Reads never touch the file.
//
// The file holds the current state, not a log: a bucket per section
// (sources, entities, relations, claims), every version of every
// commitment keyed by id and version, and the request log that makes
// retried writes idempotent across restarts. Commitment versions are
// CBOR in files of format 2 (decoding their JSON was most of a
// restart); every other value is JSON. Files of format 1 (all JSON) are
// read and written as they are, never converted.
package bbolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
)

// format is the layout version of the files Open creates, kept in the meta
// bucket; formatJSON is the one before it, whose commitments are JSON.
const (
	format     = "2"
	formatJSON = "1"
)

// openGCPercent is the collector's target while Open loads the file.
const openGCPercent = 400

// loosening counts the Opens under way; the first raises the collector's
// target and the last restores the one it found, so that Opens running at
// the same time cannot leave the raised one behind.
var loosening struct {
	sync.Mutex
	n, saved int
}

// loosenGC raises the collector's target to openGCPercent (unless
// collection is off or the target is higher) until the returned func runs.
func loosenGC() (restore func()) {
	loosening.Lock()
	defer loosening.Unlock()
	if loosening.n == 0 {
		loosening.saved = debug.SetGCPercent(-1)
		if loosening.saved >= 0 {
			debug.SetGCPercent(max(loosening.saved, openGCPercent))
		} else {
			debug.SetGCPercent(loosening.saved)
		}
	}
	loosening.n++
	return func() {
		loosening.Lock()
		defer loosening.Unlock()
		if loosening.n--; loosening.n == 0 {
			debug.SetGCPercent(loosening.saved)
		}
	}
}

// lockTimeout bounds the wait for the file lock: a second process opening
// the same file fails fast instead of hanging.
const lockTimeout = time.Second

var (
	bucketMeta        = []byte("meta")
	bucketSources     = []byte("sources")
	bucketEntities    = []byte("entities")
	bucketRelations   = []byte("relations")
	bucketClaims      = []byte("claims")
	bucketCommitments = []byte("commitments")
	bucketRequests    = []byte("requests")
	// Versions of entities and sources that puts made, keyed like
	// commitment versions. Files from before puts kept versions lack
	// these buckets until the first put.
	bucketEntityVersions = []byte("entityVersions")
	bucketSourceVersions = []byte("sourceVersions")
	keyFormat            = []byte("format")
	allBuckets           = [][]byte{bucketMeta, bucketSources, bucketEntities, bucketRelations, bucketClaims, bucketCommitments, bucketRequests}
)

// ErrLocked is returned by Open when another process holds the file.
var ErrLocked = errors.New("the database file is in use by another process")

// Store is a durable coalitiongraph.WritableStore. Reads and writes are
// inmem's; Close closes the file.
type Store struct {
	*inmem.Store
	db     *bolt.DB
	closed atomic.Bool
	// codec encodes the commitment versions the store writes, as the
	// file's format has them.
	codec commitmentCodec
}

var _ cg.WritableStore = (*Store)(nil)

// Open opens the database file at path, creating it and its directories as
// needed. Only a missing file is a first start: a new file is built and
// seeded with seed (which must load into an inmem store; nil seeds an empty
// graph) beside path and renamed into place once complete, so a crash
// during seeding leaves no file. An existing file is never seeded: one that
// is empty, truncated, corrupt or without the store's layout fails with an
// error wrapping ErrDamaged that names the file and what to do. Open fails
// with an error wrapping ErrLocked within about a second when another
// process has the file open.
func Open(path string, seed *cg.Dataset) (*Store, error) {
	// Loading allocates the whole graph and keeps all of it: a collection
	// at each doubling of the heap (the default) finds almost nothing to
	// free, and marking the growing heap again each time was about a
	// third of an open's CPU time at 1M commitments. The operator's
	// setting (GOGC, or the default) comes back when Open returns.
	defer loosenGC()()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("bbolt: creating the directory of %s: %w", path, err)
	}
	_, err := os.Stat(path)
	// created is what a first start wrote, which the store is made from
	// instead of decoding the file it has just written.
	var created *cg.Dataset
	var createdLog []inmem.Change
	if errors.Is(err, fs.ErrNotExist) {
		if created, createdLog, err = create(path, seed); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("bbolt: %s: %w", path, err)
	}
	if err := inspect(path); err != nil {
		return nil, err
	}
	db, err := openBolt(path, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, codec: binaryCodec}
	read := s.read
	if created != nil {
		read = func() error { return s.load(created, createdLog, nil, nil) }
	}
	if err := guard(path, read); err != nil {
		db.Close()
		if errors.Is(err, ErrDamaged) {
			return nil, err
		}
		return nil, damaged(path, "%v", err)
	}
	if err := s.fillTexts(seed); err != nil {
		db.Close()
		return nil, fmt.Errorf("bbolt: %s: %w", path, err)
	}
	return s, nil
}

// create builds a seeded file at path.new and renames it to path, and
// returns what it wrote.
func create(path string, seed *cg.Dataset) (*cg.Dataset, []inmem.Change, error) {
	tmp := path + ".new"
	// A .new file is what a crash during an earlier first start left.
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("bbolt: removing %s: %w", tmp, err)
	}
	// bbolt maps the file and maps it again, copying every page of the
	// transaction, each time it outgrows the mapping: mapped at about
	// the size the seed will take, a large seed is written without
	// remapping (it was a third of a first start at 1M commitments).
	opts := &bolt.Options{Timeout: lockTimeout}
	if seed != nil {
		items := len(seed.Commitments) + len(seed.Entities) + len(seed.Relations) + len(seed.Claims) + len(seed.Sources)
		opts.InitialMmapSize = items * 2048
	}
	db, err := openBolt(tmp, opts)
	if err != nil {
		return nil, nil, err
	}
	var ds *cg.Dataset
	var log []inmem.Change
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return fmt.Errorf("creating bucket %s: %w", name, err)
			}
		}
		// Loading the seed checks it and numbers its versions the way the
		// store will read them back.
		mem, err := inmem.New(seed)
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		ds, log = mem.Export()
		if err := putDataset(tx, binaryCodec, ds, log); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
		return tx.Bucket(bucketMeta).Put(keyFormat, []byte(format))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		os.Remove(tmp)
		return nil, nil, fmt.Errorf("bbolt: creating %s: %w", path, err)
	}
	return ds, log, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// read checks the file's layout and loads it into memory.
func (s *Store) read() error {
	var ds cg.Dataset
	var log []inmem.Change
	var entityVersions []cg.EntityVersion
	var sourceVersions []cg.SourceVersion
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return errors.New("no meta bucket: not a coalitiongraph file, or its first start did not finish")
		}
		switch f := string(meta.Get(keyFormat)); f {
		case format:
			s.codec = binaryCodec
		case formatJSON:
			s.codec = jsonCodec
		default:
			return fmt.Errorf("file format %q, want %q or %q", f, format, formatJSON)
		}
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("bucket %s is missing", name)
			}
		}
		// The commitments are decoded by goroutines of their own while
		// this one decodes the other sections (only this goroutine uses
		// tx; they read the values, valid until tx ends, so they are
		// waited for before it does).
		wait := decodeCommitments(tx, s.codec, &ds.Commitments)
		return errors.Join(
			eachIfAny(tx, bucketEntityVersions, func(v *cg.EntityVersion) { entityVersions = append(entityVersions, *v) }),
			eachIfAny(tx, bucketSourceVersions, func(v *cg.SourceVersion) { sourceVersions = append(sourceVersions, *v) }),
			each(tx, bucketSources, func(v *cg.Source) { ds.Sources = append(ds.Sources, v) }),
			each(tx, bucketEntities, func(v *cg.Entity) { ds.Entities = append(ds.Entities, v) }),
			each(tx, bucketRelations, func(v *cg.Relation) { ds.Relations = append(ds.Relations, v) }),
			each(tx, bucketClaims, func(v *cg.Claim) { ds.Claims = append(ds.Claims, v) }),
			each(tx, bucketRequests, func(v *inmem.Change) { log = append(log, *v) }),
			wait(),
		)
	})
	if err != nil {
		return fmt.Errorf("reading: %w", err)
	}
	return s.load(&ds, log, entityVersions, sourceVersions)
}

// load makes the in-memory store from what the file holds.
func (s *Store) load(ds *cg.Dataset, log []inmem.Change, entityVersions []cg.EntityVersion, sourceVersions []cg.SourceVersion) error {
	mem, err := inmem.New(ds, inmem.WithGroupCommit(s.persist), inmem.WithRequests(log), inmem.WithPutHistory(entityVersions, sourceVersions))
	if err != nil {
		return fmt.Errorf("loading: %w", err)
	}
	s.Store = mem
	return nil
}

// decodeCommitments decodes the commitments bucket, in key order, on every
// processor: decoding was half of a restart (docs/benchmarks.md, "The
// embedded store at 1M"). The bucket is walked in chunks handed to the
// decoders as they are cut, so that decoding starts with the walk; the
// returned wait ends when all are decoded (or one failed) and sets *out.
// The values are bbolt's, valid until tx ends: wait must return before
// it does. The strings many commitments share (kinds, statuses, entity
// and source ids) are interned, so that each is held once per decoder
// instead of once per commitment.
func decodeCommitments(tx *bolt.Tx, codec commitmentCodec, out *[]*cg.Commitment) (wait func() error) {
	const chunkSize = 4096
	type chunk struct {
		keys, values [][]byte
		cs           []*cg.Commitment
		err          error
	}
	var chunks []*chunk
	work := make(chan *chunk, 2*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			decode := codec.decoder()
			in := interner{}
			for ch := range work {
				block := make([]cg.Commitment, len(ch.values))
				ch.cs = make([]*cg.Commitment, len(ch.values))
				for i, v := range ch.values {
					c := &block[i]
					if err := decode(v, c); err != nil {
						ch.err = fmt.Errorf("%s %q: %w", bucketCommitments, ch.keys[i], err)
						break
					}
					in.commitment(c)
					ch.cs[i] = c
				}
			}
		})
	}
	cur := &chunk{}
	walkErr := tx.Bucket(bucketCommitments).ForEach(func(k, v []byte) error {
		cur.keys, cur.values = append(cur.keys, k), append(cur.values, v)
		if len(cur.values) == chunkSize {
			chunks = append(chunks, cur)
			work <- cur
			cur = &chunk{}
		}
		return nil
	})
	if len(cur.values) > 0 {
		chunks = append(chunks, cur)
		work <- cur
	}
	close(work)
	return func() error {
		wg.Wait()
		if walkErr != nil {
			return walkErr
		}
		n := 0
		for _, ch := range chunks {
			if ch.err != nil {
				return ch.err
			}
			n += len(ch.cs)
		}
		cs := make([]*cg.Commitment, 0, n)
		for _, ch := range chunks {
			cs = append(cs, ch.cs...)
		}
		*out = cs
		return nil
	}
}

// interner holds one decoding goroutine's canonical copies of the strings
// commitments share. A plain map of its own: unique.Make, safe across
// goroutines, took 1.5 s of CPU of a 1M restart's 8 s; each goroutine
// keeping its own copy of a few hundred thousand short strings costs a
// few MB.
type interner map[string]string

func (in interner) str(s string) string {
	if c, ok := in[s]; ok {
		return c
	}
	in[s] = s
	return s
}

// vocab gives v as the vocabulary's own string, found without hashing
// (a dozen words), or interned when it is not one of them.
func vocab[T ~string](words []T, v T, in interner) T {
	for _, w := range words {
		if w == v {
			return w
		}
	}
	return T(in.str(string(v)))
}

// commitment replaces the commitment's shared strings with their
// canonical copies.
func (in interner) commitment(c *cg.Commitment) {
	c.Kind = vocab(cg.CommitmentKinds, c.Kind, in)
	c.Status = vocab(cg.Statuses, c.Status, in)
	c.ActorID = in.str(c.ActorID)
	c.TargetID = in.str(c.TargetID)
	if c.StatedByID != "" {
		c.StatedByID = in.str(c.StatedByID)
	}
	if c.RecordedBy != "" {
		c.RecordedBy = in.str(c.RecordedBy)
	}
	for i := range c.Evidence {
		c.Evidence[i].SourceID = in.str(c.Evidence[i].SourceID)
	}
}

// eachIfAny is each for a bucket that a file may not have yet.
func eachIfAny[T any](tx *bolt.Tx, bucket []byte, fn func(*T)) error {
	if tx.Bucket(bucket) == nil {
		return nil
	}
	return each(tx, bucket, fn)
}

// putVersionKey orders an entity's or source's versions by number.
func putVersionKey(id string, version int) []byte {
	return fmt.Appendf(nil, "%s\x00%010d", id, version)
}

// putVersions stores the versions a put made, creating the bucket in a
// file from before puts kept versions.
func putVersions[T any](tx *bolt.Tx, bucket []byte, versions []T, key func(T) []byte) error {
	if len(versions) == 0 {
		return nil
	}
	if _, err := tx.CreateBucketIfNotExists(bucket); err != nil {
		return fmt.Errorf("creating bucket %s: %w", bucket, err)
	}
	for _, v := range versions {
		k := key(v)
		if tx.Bucket(bucket).Get(k) != nil {
			return fmt.Errorf("%s %q is already in the file", bucket, k)
		}
		if err := put(tx, bucket, k, v); err != nil {
			return err
		}
	}
	return nil
}

// each decodes every value of a bucket.
func each[T any](tx *bolt.Tx, bucket []byte, fn func(*T)) error {
	return tx.Bucket(bucket).ForEach(func(k, v []byte) error {
		item := new(T)
		if err := json.Unmarshal(v, item); err != nil {
			return fmt.Errorf("%s %q: %w", bucket, k, err)
		}
		fn(item)
		return nil
	})
}

func putDataset(tx *bolt.Tx, codec commitmentCodec, ds *cg.Dataset, log []inmem.Change) error {
	var errs []error
	for _, v := range ds.Sources {
		errs = append(errs, put(tx, bucketSources, []byte(v.ID), v))
	}
	for _, v := range ds.Entities {
		errs = append(errs, put(tx, bucketEntities, []byte(v.ID), v))
	}
	for _, v := range ds.Relations {
		errs = append(errs, put(tx, bucketRelations, []byte(v.ID), v))
	}
	for _, v := range ds.Claims {
		errs = append(errs, put(tx, bucketClaims, []byte(v.ID), v))
	}
	for _, v := range ds.Commitments {
		errs = append(errs, putCommitment(tx, codec, versionKey(v), v))
	}
	for _, ch := range log {
		errs = append(errs, put(tx, bucketRequests, []byte(ch.RequestID), ch))
	}
	return errors.Join(errs...)
}

// versionKey orders a commitment's versions after one another, by number.
func versionKey(c *cg.Commitment) []byte {
	return fmt.Appendf(nil, "%s\x00%010d", c.ID, c.Version)
}

func put(tx *bolt.Tx, bucket, key []byte, v any) error {
	b, err := json.Marshal(v)
	return putBytes(tx, bucket, key, b, err)
}

// putCommitment stores a commitment version in the file's encoding.
func putCommitment(tx *bolt.Tx, codec commitmentCodec, key []byte, c *cg.Commitment) error {
	b, err := codec.encode(c)
	return putBytes(tx, bucketCommitments, key, b, err)
}

func putBytes(tx *bolt.Tx, bucket, key, b []byte, err error) error {
	if err != nil {
		return fmt.Errorf("encoding %s %q: %w", bucket, key, err)
	}
	if err := tx.Bucket(bucket).Put(key, b); err != nil {
		return fmt.Errorf("storing %s %q: %w", bucket, key, err)
	}
	return nil
}

// persist is inmem's group commit hook: the writes planned while the
// previous transaction ran go into one bbolt transaction, synced to disk
// once when Update returns, so durable writes/s grows with concurrent
// writers instead of costing one fsync each. A change that fails must not
// fail the others: after a failed transaction each is committed alone.
func (s *Store) persist(changes []inmem.Change) []error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, ch := range changes {
			if err := store(tx, s.codec, ch); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return nil
	}
	errs := make([]error, len(changes))
	for i, ch := range changes {
		if len(changes) > 1 {
			err = s.db.Update(func(tx *bolt.Tx) error { return store(tx, s.codec, ch) })
		}
		if err != nil {
			errs[i] = &cg.Error{Code: cg.CodeStoreUnavailable, Message: "the write could not be saved", Err: err}
		}
	}
	return errs
}

// store writes one change into tx.
func store(tx *bolt.Tx, codec commitmentCodec, ch inmem.Change) error {
	var err error
	switch {
	case ch.Commitment != nil:
		key := versionKey(ch.Commitment)
		// Memory and file move together, so the version is new to
		// both; finding it means they have parted.
		if tx.Bucket(bucketCommitments).Get(key) != nil {
			return fmt.Errorf("commitment %s version %d is already in the file", ch.Commitment.ID, ch.Commitment.Version)
		}
		err = putCommitment(tx, codec, key, ch.Commitment)
	case ch.Entity != nil:
		err = errors.Join(put(tx, bucketEntities, []byte(ch.Entity.ID), ch.Entity),
			putVersions(tx, bucketEntityVersions, ch.EntityVersions, func(v cg.EntityVersion) []byte { return putVersionKey(v.Entity.ID, v.Version) }))
	case ch.Source != nil:
		err = errors.Join(put(tx, bucketSources, []byte(ch.Source.ID), ch.Source),
			putVersions(tx, bucketSourceVersions, ch.SourceVersions, func(v cg.SourceVersion) []byte { return putVersionKey(v.Source.ID, v.Version) }))
	default:
		err = fmt.Errorf("a change with nothing to store (%s)", ch.Op)
	}
	if err == nil && ch.RequestID != "" {
		err = put(tx, bucketRequests, []byte(ch.RequestID), ch)
	}
	return err
}

// Ready reports STORE_UNAVAILABLE once the store is closed.
func (s *Store) Ready(ctx context.Context) error {
	if s.closed.Load() {
		return cg.Errorf(cg.CodeStoreUnavailable, "the store is closed")
	}
	return nil
}

// Close closes the file. Writes fail afterwards with STORE_UNAVAILABLE
// (and change nothing); reads still answer from memory.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bbolt: closing %s: %w", s.db.Path(), err)
	}
	return nil
}

// Path is the database file's path.
func (s *Store) Path() string { return s.db.Path() }
