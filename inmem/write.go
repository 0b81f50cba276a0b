package inmem

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Op names the kind of a write: the domain's names, which every store's
// request log shares.
type Op = cg.Operation

const (
	OpRecord    = cg.OpRecordCommitment
	OpChange    = cg.OpChangeCommitment
	OpRetract   = cg.OpRetractCommitment
	OpPutEntity = cg.OpPutEntity
	OpPutSource = cg.OpPutSource
)

// Change is one validated write, as the commit hook (WithCommit) sees it
// and as the request log keeps it. Exactly one of Commitment, Entity and
// Source is set: the new commitment version (records, changes and
// retractions alike: each adds one version), or the entity or source as
// stored. Its values are the store's own and never change.
type Change struct {
	Op        Op
	RequestID string `json:",omitempty"`

	Commitment *cg.Commitment `json:",omitempty"`
	Entity     *cg.Entity     `json:",omitempty"`
	Source     *cg.Source     `json:",omitempty"`

	// EntityVersions and SourceVersions are the versions a put adds to the
	// entity's or source's history: its own, after the loaded version
	// when it is the first put to replace that one.
	EntityVersions []cg.EntityVersion `json:",omitempty"`
	SourceVersions []cg.SourceVersion `json:",omitempty"`
}

// target is the id a change writes to, which a retried request must name
// again.
func (ch Change) target() string {
	switch {
	case ch.Commitment != nil:
		return ch.Commitment.ID
	case ch.Entity != nil:
		return ch.Entity.ID
	case ch.Source != nil:
		return ch.Source.ID
	}
	return ""
}

// write runs one write: a retry of a request id already applied returns the
// logged change; otherwise plan validates the write against the current
// state and builds the change, commit persists it, and apply makes it
// visible. Only writers change the state, and they plan and apply under
// wmu, so plan can read without mu while readers go on; mu is held just to
// apply.
//
// Writes that arrive while others are being committed are committed
// together (group commit: one transaction, one fsync, for a durable
// store) and applied together, under one mu.Lock: beside many readers each
// fsync and each wait for the readers to let go of mu costs a scheduling
// round, which one write each made the bottleneck. While a change is being
// committed its target id and request id are in flight, and a write that
// would read either (its own target or request id, or an entity or source
// its plan looks up) waits until that change is applied or has failed, then
// plans again. A plan that reads nothing in flight gives what it would give
// after those changes, which touch nothing it read. So writes of one id
// stay in order, each sees the versions before it, and nothing becomes
// visible before it is durable.
func (s *Store) write(ctx context.Context, op Op, requestID, target string, plan func() (Change, error)) (Change, error) {
	if err := ctx.Err(); err != nil {
		return Change{}, fmt.Errorf("inmem: %s: %w", strings.ToLower(string(op)), err)
	}
	if err := cg.ValidateTarget(target); err != nil {
		return Change{}, err
	}
	if err := cg.ValidateMeta(cg.WriteMeta{RequestID: requestID}); err != nil {
		return Change{}, err
	}
	s.wmu.Lock()
	var ch Change
	for {
		if requestID != "" {
			if prior, ok := s.requests[requestID]; ok {
				s.wmu.Unlock()
				if prior.Op != op || prior.target() != target {
					return Change{}, cg.RequestReused(requestID)
				}
				cg.MarkReplayed(ctx)
				return prior, nil
			}
		}
		if s.inflight.has(target) || (requestID != "" && s.inflight.has(requestKey(requestID))) {
			s.settled.Wait()
			continue
		}
		s.reads = s.reads[:0]
		s.recording = true
		var err error
		ch, err = plan()
		s.recording = false
		if s.inflight.hasAny(s.reads) {
			s.settled.Wait()
			continue
		}
		if err != nil {
			s.wmu.Unlock()
			return Change{}, err
		}
		break
	}
	ch.Op, ch.RequestID = op, requestID
	p := &pending{ch: ch, keys: []string{target}, done: make(chan bool, 1)}
	if requestID != "" {
		p.keys = append(p.keys, requestKey(requestID))
	}
	s.inflight.add(p.keys)
	s.wmu.Unlock()
	if err := s.group.join(p, s.commitAndApply); err != nil {
		return Change{}, fmt.Errorf("inmem: committing %s %q: %w", op, target, err)
	}
	return ch, nil
}

// commitAndApply commits a group of planned changes, applies those that
// were committed under one mu.Lock, and lets the writers they held back
// plan again.
func (s *Store) commitAndApply(batch []*pending) {
	changes := make([]Change, len(batch))
	for i, p := range batch {
		changes[i] = p.ch
	}
	var errs []error
	if s.commit != nil {
		errs = s.commit(changes)
	}
	s.wmu.Lock()
	s.mu.Lock()
	for i, p := range batch {
		if i < len(errs) && errs[i] != nil {
			p.err = errs[i]
			continue
		}
		s.apply(p.ch)
		s.version.Add(1)
	}
	s.mu.Unlock()
	// Still under wmu: events leave in the order the changes were applied
	// (a commitment's versions in order: writes of one id are never in
	// flight together), and a replayed request, answered from the log
	// before it got here, publishes nothing.
	for _, p := range batch {
		if t, ok := cg.ChangeTypeOf(p.ch.Op); ok && p.err == nil {
			s.changes.Publish(cg.ChangeEvent{Type: t, Commitment: p.ch.Commitment})
		}
	}
	for _, p := range batch {
		s.inflight.remove(p.keys)
	}
	s.settled.Broadcast()
	s.wmu.Unlock()
}

// group is the queue of planned changes waiting to be committed.
type group struct {
	mu    sync.Mutex
	queue []*pending
	busy  bool // a leader is committing
}

// pending is one planned change; done says false once err is its outcome,
// true when its writer is to lead the next group.
type pending struct {
	ch   Change
	keys []string // in flight until it is applied or failed
	err  error
	done chan bool
}

// join queues p and returns its outcome. The first writer to find no group
// being committed leads: it takes the queue, itself included, and runs it
// through commit; writers arriving meanwhile wait for the next group,
// which the leader hands to the first of them, so that no caller waits
// for more than the group before its own.
func (g *group) join(p *pending, commit func([]*pending)) error {
	g.mu.Lock()
	g.queue = append(g.queue, p)
	lead := !g.busy
	g.busy = true
	g.mu.Unlock()
	if !lead && !<-p.done {
		return p.err
	}
	g.mu.Lock()
	batch := g.queue
	g.queue = nil
	g.mu.Unlock()
	commit(batch)
	for _, q := range batch {
		if q != p {
			q.done <- false
		}
	}
	g.mu.Lock()
	if len(g.queue) > 0 {
		next := g.queue[0]
		g.mu.Unlock()
		next.done <- true
	} else {
		g.busy = false
		g.mu.Unlock()
	}
	return p.err
}

// requestKey is a request id's key among the ids in flight, apart from the
// items' id space.
func requestKey(id string) string { return "\x00request\x00" + id }

// inflight counts the keys of the changes being committed.
type inflight map[string]int

func (f inflight) has(key string) bool { return f[key] > 0 }

func (f inflight) hasAny(keys []string) bool {
	if len(f) == 0 {
		return false
	}
	for _, k := range keys {
		if f[k] > 0 {
			return true
		}
	}
	return false
}

func (f inflight) add(keys []string) {
	for _, k := range keys {
		f[k]++
	}
}

func (f inflight) remove(keys []string) {
	for _, k := range keys {
		if f[k]--; f[k] <= 0 {
			delete(f, k)
		}
	}
}

// apply makes a planned change visible. It cannot fail: plan checked
// everything, and the change may already be persisted. The caller holds
// wmu and mu.
func (s *Store) apply(ch Change) {
	switch {
	case ch.Commitment != nil:
		c := ch.Commitment
		old := s.current(c.ID)
		s.history[c.ID] = append(s.history[c.ID], c)
		s.text.touch(c.ID)
		if old != nil {
			s.unindexCommitment(old)
		}
		if !c.Retracted {
			s.indexCommitment(c)
		}
	case ch.Entity != nil:
		s.putEntity(ch.Entity)
		for _, v := range ch.EntityVersions {
			s.puts.addEntity(v)
		}
	case ch.Source != nil:
		src := ch.Source
		if _, ok := s.sources[src.ID]; !ok {
			i, _ := slices.BinarySearch(s.sourceIDs, src.ID)
			s.sourceIDs = slices.Insert(s.sourceIDs, i, src.ID)
		}
		s.sources[src.ID] = src
		for _, v := range ch.SourceVersions {
			s.puts.addSource(v)
		}
	}
	if ch.RequestID != "" {
		s.requests[ch.RequestID] = ch
	}
}

// putEntity adds e or replaces the entity with its id (of the same kind, so
// entitiesByKind keeps its key).
func (s *Store) putEntity(e *cg.Entity) {
	rec := newEntity(e)
	s.text.touch(e.ID)
	s.entities[e.ID] = rec
	i, found := slices.BinarySearchFunc(s.entityList, e.ID, func(x *entity, id string) int { return strings.Compare(x.ID, id) })
	if found {
		s.entityList[i] = rec
	} else {
		s.entityList = slices.Insert(s.entityList, i, rec)
	}
	s.entitiesByKind.insert(string(e.Kind), rec, entityID)
}

// lookup answers the shared validation's questions from the current state.
// The caller holds wmu or mu.
// During a plan it records the ids it is asked for (see write).
func (s *Store) lookup() cg.Lookup {
	return cg.Lookup{
		Entity: func(id string) (*cg.Entity, bool) {
			s.read(id)
			if e, ok := s.entities[id]; ok {
				return e.Entity, true
			}
			return nil, false
		},
		Source: func(id string) (*cg.Source, bool) {
			s.read(id)
			src, ok := s.sources[id]
			return src, ok
		},
	}
}

// read records an id a plan looked up. The caller holds wmu.
func (s *Store) read(id string) {
	if s.recording {
		s.reads = append(s.reads, id)
	}
}

// state is what a write to id decides on (see cg.WriteState). The caller
// holds wmu.
func (s *Store) state(id string) cg.WriteState {
	st := cg.WriteState{Lookup: s.lookup(), Section: s.sectionOf(id)}
	if h := s.history[id]; len(h) > 0 {
		st.Current = h[len(h)-1]
	}
	return st
}

// sectionOf names what the id belongs to in the one id space the sections
// share ("" for none): each section's own map says, a commitment's history
// (kept for retracted ones too) for commitments. The caller holds wmu or
// mu.
func (s *Store) sectionOf(id string) string {
	switch {
	case len(s.history[id]) > 0:
		return "commitment"
	case s.entities[id] != nil:
		return "entity"
	case s.sources[id] != nil:
		return "source"
	case s.relations[id] != nil:
		return "relation"
	case s.claims[id] != nil:
		return "claim"
	}
	return ""
}

// RecordCommitment records c as version 1 of a new commitment, stamped with
// m (see cg.FirstVersion); c's Version, provenance and Retracted fields are
// ignored. The store keeps a copy: the caller may reuse c.
func (s *Store) RecordCommitment(ctx context.Context, c *cg.Commitment, m cg.WriteMeta) (*cg.Commitment, error) {
	if c == nil {
		return nil, cg.NothingGiven("commitment")
	}
	ch, err := s.write(ctx, OpRecord, m.RequestID, c.ID, func() (Change, error) {
		v, err := cg.PlanRecord(c, s.state(c.ID), m)
		return Change{Commitment: v}, err
	})
	if err != nil {
		return nil, err
	}
	return ch.Commitment, nil
}

// ChangeCommitment records the next version of a commitment (see
// cg.NextVersion), refusing with CONFLICT a change based on any version but
// the current one, or of a retracted commitment.
func (s *Store) ChangeCommitment(ctx context.Context, change cg.CommitmentChange, m cg.WriteMeta) (*cg.Commitment, error) {
	ch, err := s.write(ctx, OpChange, m.RequestID, change.ID, func() (Change, error) {
		v, err := cg.PlanChange(change, s.state(change.ID), m)
		return Change{Commitment: v}, err
	})
	if err != nil {
		return nil, err
	}
	return ch.Commitment, nil
}

// RetractCommitment records a retracted version: the commitment leaves
// current reads and stays in its history and in reads as of earlier times.
func (s *Store) RetractCommitment(ctx context.Context, id string, baseVersion int, m cg.WriteMeta) (*cg.Commitment, error) {
	ch, err := s.write(ctx, OpRetract, m.RequestID, id, func() (Change, error) {
		v, err := cg.PlanRetract(id, baseVersion, s.state(id), m)
		return Change{Commitment: v}, err
	})
	if err != nil {
		return nil, err
	}
	return ch.Commitment, nil
}

// PutEntity creates e or replaces the entity with its id; its kind cannot
// change. Edges refer to entities by id, so they follow the replacement.
// The store keeps a copy: the caller may reuse e.
func (s *Store) PutEntity(ctx context.Context, e *cg.Entity, m cg.WriteMeta) (*cg.Entity, error) {
	if e == nil {
		return nil, cg.NothingGiven("entity")
	}
	ch, err := s.write(ctx, OpPutEntity, m.RequestID, e.ID, func() (Change, error) {
		stored, err := cg.PlanPutEntity(e, s.state(e.ID), m)
		if err != nil {
			return Change{}, err
		}
		return Change{Entity: stored, EntityVersions: s.entityVersions(stored, m)}, nil
	})
	if err != nil {
		return nil, err
	}
	return ch.Entity, nil
}

// PutSource creates src or replaces the source with its id. The store keeps
// a copy.
func (s *Store) PutSource(ctx context.Context, src *cg.Source, m cg.WriteMeta) (*cg.Source, error) {
	if src == nil {
		return nil, cg.NothingGiven("source")
	}
	ch, err := s.write(ctx, OpPutSource, m.RequestID, src.ID, func() (Change, error) {
		stored, err := cg.PlanPutSource(src, s.state(src.ID), m)
		if err != nil {
			return Change{}, err
		}
		return Change{Source: stored, SourceVersions: s.sourceVersions(stored, m)}, nil
	})
	if err != nil {
		return nil, err
	}
	return ch.Source, nil
}

// CommitmentHistory lists every version of the commitment, oldest first.
func (s *Store) CommitmentHistory(ctx context.Context, id string) ([]*cg.Commitment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: commitment history: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	h, ok := s.history[id]
	if !ok {
		return nil, cg.UnknownCommitment(id)
	}
	return slices.Clone(h), nil
}

// Export returns the whole state: every source, entity, relation and claim,
// every version of every commitment (in id, then version order), and the
// request log. The values are the store's own and must not be changed. A
// durable wrapper seeds its file from it.
func (s *Store) Export() (*cg.Dataset, []Change) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ds := &cg.Dataset{}
	for _, id := range s.sourceIDs {
		ds.Sources = append(ds.Sources, s.sources[id])
	}
	for _, e := range s.entityList {
		ds.Entities = append(ds.Entities, e.Entity)
	}
	ds.Relations = slices.Clone(s.relationList)
	ds.Claims = slices.Clone(s.claimList)
	ids := make([]string, 0, len(s.history))
	for id := range s.history {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		ds.Commitments = append(ds.Commitments, s.history[id]...)
	}
	log := make([]Change, 0, len(s.requests))
	for _, ch := range s.requests {
		log = append(log, ch)
	}
	slices.SortFunc(log, func(a, b Change) int { return strings.Compare(a.RequestID, b.RequestID) })
	return ds, log
}

var _ cg.WritableStore = (*Store)(nil)
