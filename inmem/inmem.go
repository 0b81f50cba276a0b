// Package inmem is the embedded store: the whole graph in memory, indexed for
// the questions coalitiongraph.Store asks. It serves tests, development and
// small deployments without Neo4j.
//
// Values are shared, not copied: New takes ownership of the dataset, and the
// entities, commitments and other values that queries return are the
// store's own. Callers must treat them as read-only. The store never changes
// a value it has published either; an update replaces the value (see
// indexCommitment), so a caller holding an old value keeps a consistent one.
//
// The store implements coalitiongraph.Writer in memory (see write.go); a
// durable wrapper persists each write through WithCommit before it becomes
// visible (package bbolt does).
package inmem

import (
	"context"
	"sync"
	"sync/atomic"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/feed"
)

// Store is the in-memory store. It is safe for concurrent use.
type Store struct {
	// mu guards everything below for reads; changing anything takes both
	// wmu and mu (see write).
	mu sync.RWMutex
	// wmu serialises planning and applying writes. A write is planned
	// under wmu alone, so that reads go on while it is validated, and
	// takes mu only to apply it; it is committed (a durable commit may
	// take an fsync) outside both, in a group with the writes planned
	// meanwhile (see write).
	wmu sync.Mutex
	// settled is signalled (on wmu) whenever changes leave inflight.
	settled *sync.Cond
	// inflight holds the target and request ids of the changes being
	// committed; reads and recording collect what a plan looks up.
	inflight  inflight
	reads     []string
	recording bool
	group     group
	// commit, when set, persists a group of planned writes before they
	// are applied, and says which failed.
	commit func([]Change) []error
	// requests remembers every applied write that had a request id.
	requests map[string]Change
	// puts keeps the versions of entities and sources (history.go).
	puts putHistory
	// changes carries commitment writes to subscribers (Changes), in the
	// order write applies them.
	changes *feed.Broker

	sources   map[string]*cg.Source
	sourceIDs []string // sorted

	entities       map[string]*entity
	entityList     []*entity // sorted by id
	entitiesByKind index[*entity]

	relations    map[string]*cg.Relation
	relationList []*cg.Relation // sorted by id
	relByKind    index[*cg.Relation]
	relByFrom    index[*cg.Relation]
	relByTo      index[*cg.Relation]
	relBySource  index[*cg.Relation]

	claims          map[string]*cg.Claim
	claimList       []*cg.Claim // sorted by id
	claimsBySubject index[*cg.Claim]
	claimsBySource  index[*cg.Claim]

	// history holds every version of every commitment, oldest first,
	// retracted ones included; the current version (cg.InEffect at nil) is
	// the last unless it is retracted (current), and the indexes below
	// hold only the current versions.
	history map[string][]*cg.Commitment

	// ordered holds every commitment in each order, so that an unfiltered
	// listing needs no sort; ordered[OrderDateAsc] is also the date index.
	ordered    map[cg.CommitmentOrder][]*cg.Commitment
	byActor    index[*cg.Commitment]
	byTarget   index[*cg.Commitment]
	byKind     index[*cg.Commitment]
	byStatus   index[*cg.Commitment]
	bySource   index[*cg.Commitment]
	byStatedBy index[*cg.Commitment]
	// dated keeps the giants' commitments in the date orders (dated.go).
	dated datedLists
	// cells counts the current commitments by actor and kind (matrix.go);
	// cellGen advances with every change to them, rowCache holds the
	// unfiltered rows of one generation.
	cells    cellCounts
	totals   kindTotals
	cellGen  uint64
	rowCache sortedRows

	// text is the text-search index (text.go), built on first use.
	text textIndex

	// version is the graph version (cg.Versioned): numbered from the
	// instant the store was made, as the feed's cursors are, so that no
	// number of an earlier process comes back; advanced under mu as each
	// write is applied.
	version atomic.Uint64
}

// current is the current version of the commitment with the id: its last,
// unless that retracted it (nil then, and for an unknown id). The caller
// holds mu or wmu.
func (s *Store) current(id string) *cg.Commitment {
	h := s.history[id]
	if len(h) == 0 || h[len(h)-1].Retracted {
		return nil
	}
	return h[len(h)-1]
}

// entity is an entity with its names folded once for search (cg.FoldName).
type entity struct {
	*cg.Entity
	lowerName  string
	lowerNames []string // the name, then the aliases
}

func newEntity(e *cg.Entity) *entity {
	names := cg.FoldedNames(e)
	return &entity{Entity: e, lowerName: names[0], lowerNames: names}
}

func entityID(e *entity) string            { return e.ID }
func relationID(r *cg.Relation) string     { return r.ID }
func claimID(c *cg.Claim) string           { return c.ID }
func commitmentID(c *cg.Commitment) string { return c.ID }

var orders = []cg.CommitmentOrder{cg.OrderDateAsc, cg.OrderDateDesc, cg.OrderID}

// Option configures a store.
type Option func(*Store)

// WithCommit has the store call commit with every write it has validated,
// before applying it. If commit fails, the write fails with its error and
// nothing changes. A durable wrapper persists the change here. Commit runs
// without the store's locks, one call at a time, and must not call the
// store's write methods. WithGroupCommit is the same for a store that can
// persist several writes at once.
func WithCommit(commit func(Change) error) Option {
	return WithGroupCommit(func(changes []Change) []error {
		errs := make([]error, len(changes))
		for i, ch := range changes {
			errs[i] = commit(ch)
		}
		return errs
	})
}

// WithGroupCommit has the store call commit with the writes it has
// validated while the previous call ran (at least one), in the order they
// become visible; commit returns each one's error (nil or a shorter slice
// for none). Writes of one id, and a write and another that depends on
// it, are never in one group: the second is planned once the first is
// applied. One call at a time, without the store's locks; commit must not
// call the store's write methods.
func WithGroupCommit(commit func([]Change) []error) Option {
	return func(s *Store) { s.commit = commit }
}

// WithRequests restores the request log of a store that was persisted:
// writes retried with one of these request ids return the logged outcome.
func WithRequests(log []Change) Option {
	return func(s *Store) {
		for _, ch := range log {
			if ch.RequestID != "" {
				s.requests[ch.RequestID] = ch
			}
		}
	}
}

// Changes implements cg.ChangeFeed in process: the store is one instance.
// Its events are kept in memory (feed.DefaultRetain of them) and numbered
// from the moment the store was made, so a cursor from an earlier process
// is older than any this one holds and is refused as expired rather than
// read as a position in this one's feed.
func (s *Store) Changes(ctx context.Context, after *int64) (<-chan cg.ChangeEvent, error) {
	return s.changes.Changes(ctx, after)
}

// GraphVersion implements cg.Versioned. It is advanced under mu, once a
// write's change is applied and before readers can see it: a reader that
// reads version v and then the graph sees at least the writes up to v.
func (s *Store) GraphVersion(ctx context.Context) (uint64, error) {
	return s.version.Load(), nil
}

// Ready reports nil: the store is ready once New returns.
func (s *Store) Ready(ctx context.Context) error { return nil }

// Close releases nothing; the store lives until it is garbage.
func (s *Store) Close() error { return nil }

var (
	_ cg.Store      = (*Store)(nil)
	_ cg.ChangeFeed = (*Store)(nil)
)
