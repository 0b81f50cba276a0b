// Package inmem is the embedded store: the whole graph in memory, indexed for
// the questions coalitiongraph.Store asks. It serves tests, development and
// small deployments without Neo4j.
//
// Values are shared, not copied: New takes ownership of the dataset, and the
// entities, commitments and other values that queries return are the
// store's own. Callers must treat them as read-only. The store never changes
// a value it has published either; an update replaces the value (see
// putCommitment), so a caller holding an old value keeps a consistent one.
//
// The store implements coalitiongraph.Writer in memory (see write.go); a
// durable wrapper persists each write through WithCommit before it becomes
// visible (package bbolt does).
package inmem

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// maxPaths caps Paths: between well-connected entities the shortest paths
// multiply (every parallel commitment doubles them) and a client can show
// only a few.
const maxPaths = 25

// Store is the in-memory store. It is safe for concurrent use.
type Store struct {
	// mu guards everything below for reads; changing anything takes both
	// wmu and mu (see write).
	mu sync.RWMutex
	// wmu serialises writes. A write is planned under wmu alone, so that
	// reads go on while it is validated and committed (a durable commit
	// may take an fsync), and takes mu only to apply it.
	wmu sync.Mutex
	// commit, when set, persists a planned write before it is applied.
	commit func(Change) error
	// requests remembers every applied write that had a request id.
	requests map[string]Change
	// section names what each id of the shared id space belongs to.
	section map[string]string
	// puts keeps the versions of entities and sources (history.go).
	puts putHistory

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
	// retracted ones included; commitments and the indexes below hold only
	// the current versions (cg.InEffect at nil).
	history map[string][]*cg.Commitment

	commitments map[string]*cg.Commitment
	// ordered holds every commitment in each order, so that an unfiltered
	// listing needs no sort; ordered[OrderDateAsc] is also the date index.
	ordered    map[cg.CommitmentOrder][]*cg.Commitment
	byActor    index[*cg.Commitment]
	byTarget   index[*cg.Commitment]
	byKind     index[*cg.Commitment]
	byStatus   index[*cg.Commitment]
	bySource   index[*cg.Commitment]
	byStatedBy index[*cg.Commitment]
}

// entity is an entity with its names lowercased once for search.
type entity struct {
	*cg.Entity
	lowerName  string
	lowerNames []string // the name, then the aliases
}

func entityID(e *entity) string            { return e.ID }
func relationID(r *cg.Relation) string     { return r.ID }
func claimID(c *cg.Claim) string           { return c.ID }
func commitmentID(c *cg.Commitment) string { return c.ID }

var orders = []cg.CommitmentOrder{cg.OrderDateAsc, cg.OrderDateDesc, cg.OrderID}

// Option configures a store.
type Option func(*Store)

// WithCommit has the store call commit with every write it has validated,
// before applying it, while holding the write lock (writes are serialised,
// so commit sees them in the order they become visible; reads go on
// meanwhile). If commit fails, the write fails with its error and nothing
// changes. A durable wrapper persists the change here. Commit must not call
// the store's write methods.
func WithCommit(commit func(Change) error) Option {
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

// New indexes ds. It takes ownership: the caller must not change ds or
// anything it points to afterwards. It rejects duplicate ids and references
// to unknown entities or sources, which the indexes could not represent.
//
// ds.Commitments may hold several versions of a commitment (as a durable
// store reloads them): each version once, numbered 1, 2, … without gaps.
// The latest is the current one unless it is retracted. A commitment given
// once with Version 0 (a hand-built dataset) is taken as version 1.
func New(ds *cg.Dataset, opts ...Option) (*Store, error) {
	if ds == nil {
		ds = &cg.Dataset{}
	}
	s := &Store{
		requests:        map[string]Change{},
		history:         make(map[string][]*cg.Commitment, len(ds.Commitments)),
		sources:         make(map[string]*cg.Source, len(ds.Sources)),
		entities:        make(map[string]*entity, len(ds.Entities)),
		entitiesByKind:  index[*entity]{},
		relations:       make(map[string]*cg.Relation, len(ds.Relations)),
		relByKind:       index[*cg.Relation]{},
		relByFrom:       index[*cg.Relation]{},
		relByTo:         index[*cg.Relation]{},
		relBySource:     index[*cg.Relation]{},
		claims:          make(map[string]*cg.Claim, len(ds.Claims)),
		claimsBySubject: index[*cg.Claim]{},
		claimsBySource:  index[*cg.Claim]{},
		commitments:     make(map[string]*cg.Commitment, len(ds.Commitments)),
		ordered:         map[cg.CommitmentOrder][]*cg.Commitment{},
		byActor:         index[*cg.Commitment]{},
		byTarget:        index[*cg.Commitment]{},
		byKind:          index[*cg.Commitment]{},
		byStatus:        index[*cg.Commitment]{},
		bySource:        index[*cg.Commitment]{},
		byStatedBy:      index[*cg.Commitment]{},
	}
	// All sections share one id space; edges of both families meet in
	// paths, so a clash would make an edge id ambiguous.
	seen := map[string]string{}
	s.section = seen
	claim := func(section, id string) error {
		if id == "" {
			return fmt.Errorf("inmem: %s with an empty id", section)
		}
		if prev, ok := seen[id]; ok {
			return fmt.Errorf("inmem: duplicate id %q (%s and %s)", id, prev, section)
		}
		seen[id] = section
		return nil
	}

	for _, src := range ds.Sources {
		if src == nil {
			return nil, fmt.Errorf("inmem: nil source")
		}
		if err := claim("source", src.ID); err != nil {
			return nil, err
		}
		s.sources[src.ID] = src
		s.sourceIDs = append(s.sourceIDs, src.ID)
	}
	slices.Sort(s.sourceIDs)

	ents, err := sortedCopy("entity", ds.Entities, func(e *cg.Entity) string { return e.ID })
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if err := claim("entity", e.ID); err != nil {
			return nil, err
		}
		if err := s.checkEvidence("entity "+e.ID, e.Evidence); err != nil {
			return nil, err
		}
		rec := &entity{Entity: e, lowerName: strings.ToLower(e.Name)}
		rec.lowerNames = append(rec.lowerNames, rec.lowerName)
		for _, a := range e.Aliases {
			rec.lowerNames = append(rec.lowerNames, strings.ToLower(a))
		}
		s.entities[e.ID] = rec
		s.entityList = append(s.entityList, rec)
		s.entitiesByKind[string(e.Kind)] = append(s.entitiesByKind[string(e.Kind)], rec)
	}

	rels, err := sortedCopy("relation", ds.Relations, relationID)
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		if err := claim("relation", r.ID); err != nil {
			return nil, err
		}
		if err := s.checkEnds("relation "+r.ID, r.FromID, r.ToID); err != nil {
			return nil, err
		}
		if err := s.checkEvidence("relation "+r.ID, r.Evidence); err != nil {
			return nil, err
		}
		s.relations[r.ID] = r
		s.relationList = append(s.relationList, r)
		// Lists stay sorted because relations arrive in id order.
		s.relByKind[string(r.Kind)] = append(s.relByKind[string(r.Kind)], r)
		s.relByFrom[r.FromID] = append(s.relByFrom[r.FromID], r)
		s.relByTo[r.ToID] = append(s.relByTo[r.ToID], r)
		for _, src := range evidenceSources(r.Evidence) {
			s.relBySource[src] = append(s.relBySource[src], r)
		}
	}

	claims, err := sortedCopy("claim", ds.Claims, claimID)
	if err != nil {
		return nil, err
	}
	for _, c := range claims {
		if err := claim("claim", c.ID); err != nil {
			return nil, err
		}
		if _, ok := s.entities[c.SubjectID]; !ok {
			return nil, fmt.Errorf("inmem: claim %s: unknown subject %q", c.ID, c.SubjectID)
		}
		if err := s.checkEvidence("claim "+c.ID, c.Evidence); err != nil {
			return nil, err
		}
		s.claims[c.ID] = c
		s.claimList = append(s.claimList, c)
		s.claimsBySubject[c.SubjectID] = append(s.claimsBySubject[c.SubjectID], c)
		for _, src := range evidenceSources(c.Evidence) {
			s.claimsBySource[src] = append(s.claimsBySource[src], c)
		}
	}

	all, err := sortedCopy("commitment", ds.Commitments, commitmentID)
	if err != nil {
		return nil, err
	}
	var byID []*cg.Commitment // the current versions
	for len(all) > 0 {
		n := 1
		for n < len(all) && all[n].ID == all[0].ID {
			n++
		}
		versions, err := versionsOf(all[:n])
		if err != nil {
			return nil, err
		}
		all = all[n:]
		id := versions[0].ID
		if err := claim("commitment", id); err != nil {
			return nil, err
		}
		for _, v := range versions {
			if err := s.checkCommitment(v); err != nil {
				return nil, err
			}
		}
		s.history[id] = versions
		c := cg.InEffect(versions, nil)
		if c == nil {
			continue // retracted: in history only
		}
		byID = append(byID, c)
		s.commitments[c.ID] = c
		// Bulk load appends in id order, which keeps every list sorted
		// without the per-item binary insertion putCommitment does.
		s.byActor[c.ActorID] = append(s.byActor[c.ActorID], c)
		s.byTarget[c.TargetID] = append(s.byTarget[c.TargetID], c)
		s.byKind[string(c.Kind)] = append(s.byKind[string(c.Kind)], c)
		s.byStatus[string(c.Status)] = append(s.byStatus[string(c.Status)], c)
		for _, src := range evidenceSources(c.Evidence) {
			s.bySource[src] = append(s.bySource[src], c)
		}
		if c.StatedByID != "" {
			s.byStatedBy[c.StatedByID] = append(s.byStatedBy[c.StatedByID], c)
		}
	}
	for _, o := range orders {
		list := slices.Clone(byID)
		slices.SortFunc(list, cg.CompareCommitments(o))
		s.ordered[o] = list
	}
	for _, opt := range opts {
		opt(s)
	}
	return s, nil
}

// versionsOf orders the versions of one commitment and checks that they
// are numbered 1…n; a lone version 0 becomes version 1 (on a copy, as the
// dataset is not the store's to change).
func versionsOf(group []*cg.Commitment) ([]*cg.Commitment, error) {
	if len(group) == 1 && group[0].Version == 0 {
		c := *group[0]
		c.Version = 1
		return []*cg.Commitment{&c}, nil
	}
	out := slices.Clone(group)
	slices.SortFunc(out, func(a, b *cg.Commitment) int { return a.Version - b.Version })
	for i, c := range out {
		if c.Version != i+1 {
			return nil, fmt.Errorf("inmem: duplicate id %q or a gap in its versions (version %d where %d belongs)", c.ID, c.Version, i+1)
		}
	}
	return out, nil
}

// sortedCopy orders a section by id, so that appending to index lists in
// that order keeps them sorted. A nil item is an error: it has no id.
func sortedCopy[T any](section string, items []*T, id func(*T) string) ([]*T, error) {
	out := make([]*T, 0, len(items))
	for _, it := range items {
		if it == nil {
			return nil, fmt.Errorf("inmem: nil %s", section)
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b *T) int { return strings.Compare(id(a), id(b)) })
	return out, nil
}

func (s *Store) checkEnds(what, from, to string) error {
	if _, ok := s.entities[from]; !ok {
		return fmt.Errorf("inmem: %s: unknown entity %q", what, from)
	}
	if _, ok := s.entities[to]; !ok {
		return fmt.Errorf("inmem: %s: unknown entity %q", what, to)
	}
	return nil
}

func (s *Store) checkEvidence(what string, ev []cg.Evidence) error {
	for _, e := range ev {
		if _, ok := s.sources[e.SourceID]; !ok {
			return fmt.Errorf("inmem: %s: evidence cites unknown source %q", what, e.SourceID)
		}
	}
	return nil
}

func (s *Store) checkCommitment(c *cg.Commitment) error {
	what := "commitment " + c.ID
	if err := s.checkEnds(what, c.ActorID, c.TargetID); err != nil {
		return err
	}
	if c.StatedByID != "" {
		if _, ok := s.entities[c.StatedByID]; !ok {
			return fmt.Errorf("inmem: %s: unknown statedBy %q", what, c.StatedByID)
		}
	}
	return s.checkEvidence(what, c.Evidence)
}

// evidenceSources lists the distinct sources of the evidence, so that an
// item with two quotes from one article is indexed under it once.
func evidenceSources(ev []cg.Evidence) []string {
	var out []string
	for _, e := range ev {
		if !slices.Contains(out, e.SourceID) {
			out = append(out, e.SourceID)
		}
	}
	return out
}

// putCommitment adds c or replaces the commitment with its id. It touches
// only the index lists of the old and new values' keys; this is the write
// path the store's update API builds on. The caller holds s.mu for writing
// and must not change c afterwards.
func (s *Store) putCommitment(c *cg.Commitment) error {
	if err := s.checkCommitment(c); err != nil {
		return err
	}
	if _, ok := s.commitments[c.ID]; !ok {
		if _, taken := s.entities[c.ID]; taken {
			return fmt.Errorf("inmem: commitment %s: id taken by an entity", c.ID)
		}
	}
	s.indexCommitment(c)
	return nil
}

// indexCommitment makes c the current version of its commitment, replacing
// the old one in the indexes. The caller holds s.mu for writing and has
// checked c.
func (s *Store) indexCommitment(c *cg.Commitment) {
	if old, ok := s.commitments[c.ID]; ok {
		s.unindexCommitment(old)
	}
	s.commitments[c.ID] = c
	s.byActor.insert(c.ActorID, c, commitmentID)
	s.byTarget.insert(c.TargetID, c, commitmentID)
	s.byKind.insert(string(c.Kind), c, commitmentID)
	s.byStatus.insert(string(c.Status), c, commitmentID)
	for _, src := range evidenceSources(c.Evidence) {
		s.bySource.insert(src, c, commitmentID)
	}
	if c.StatedByID != "" {
		s.byStatedBy.insert(c.StatedByID, c, commitmentID)
	}
	for _, o := range orders {
		list := s.ordered[o]
		i, _ := slices.BinarySearchFunc(list, c, cg.CompareCommitments(o))
		s.ordered[o] = slices.Insert(list, i, c)
	}
}

func (s *Store) unindexCommitment(c *cg.Commitment) {
	delete(s.commitments, c.ID)
	s.byActor.remove(c.ActorID, c.ID, commitmentID)
	s.byTarget.remove(c.TargetID, c.ID, commitmentID)
	s.byKind.remove(string(c.Kind), c.ID, commitmentID)
	s.byStatus.remove(string(c.Status), c.ID, commitmentID)
	for _, src := range evidenceSources(c.Evidence) {
		s.bySource.remove(src, c.ID, commitmentID)
	}
	if c.StatedByID != "" {
		s.byStatedBy.remove(c.StatedByID, c.ID, commitmentID)
	}
	for _, o := range orders {
		list := s.ordered[o]
		if i, found := slices.BinarySearchFunc(list, c, cg.CompareCommitments(o)); found {
			s.ordered[o] = slices.Delete(list, i, i+1)
		}
	}
}

// Sources returns the sources with the ids, or all of them when ids is
// empty, ordered by id. Unknown ids are left out.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*cg.Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: sources: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(ids) == 0 {
		ids = s.sourceIDs
	}
	return s.sourcesByID(ids), nil
}

// Entities returns the matching entities: ordered by how well they match
// when f.Search is set (an exact name or alias, then a prefix, then a
// substring; ties by name, then id), otherwise by id.
func (s *Store) Entities(ctx context.Context, f cg.EntityFilter) ([]*cg.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: entities: %w", err)
	}
	if f.Limit < 0 {
		return nil, &cg.Error{Code: cg.CodeBadInput, Field: "limit", Message: "limit must not be negative"}
	}
	q := strings.ToLower(strings.TrimSpace(f.Search))
	s.mu.RLock()
	defer s.mu.RUnlock()

	var choices []choice[*entity]
	if len(f.IDs) > 0 {
		choices = append(choices, choice[*entity]{len(f.IDs), func() []*entity {
			var out []*entity
			for _, id := range f.IDs {
				if e, ok := s.entities[id]; ok {
					out = append(out, e)
				}
			}
			return out
		}})
	}
	if len(f.Kinds) > 0 {
		kinds := strs(f.Kinds)
		choices = append(choices, choice[*entity]{s.entitiesByKind.size(kinds), func() []*entity {
			return s.entitiesByKind.gather(kinds)
		}})
	}
	ids, kinds := newSet(f.IDs), newSet(f.Kinds)
	type hit struct {
		e    *entity
		rank int
	}
	var hits []hit
	for _, e := range narrowest(s.entityList, choices...) {
		if !ids.has(e.ID) || !kinds.has(string(e.Kind)) || !e.Date.Within(f.From, f.To) {
			continue
		}
		rank := 0
		if q != "" {
			if rank = matchRank(e.lowerNames, q); rank < 0 {
				continue
			}
		}
		hits = append(hits, hit{e, rank})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if q != "" && a.e.lowerName != b.e.lowerName {
			return strings.Compare(a.e.lowerName, b.e.lowerName)
		}
		return strings.Compare(a.e.ID, b.e.ID)
	})
	hits = slices.CompactFunc(hits, func(a, b hit) bool { return a.e.ID == b.e.ID })
	if f.Limit > 0 && len(hits) > f.Limit {
		hits = hits[:f.Limit]
	}
	out := make([]*cg.Entity, len(hits))
	for i, h := range hits {
		out[i] = h.e.Entity
	}
	return out, nil
}

// matchRank is 0 when q equals a name, 1 when a name starts with it, 2 when
// a name contains it, -1 when none does.
func matchRank(names []string, q string) int {
	best := -1
	for _, n := range names {
		r := -1
		switch {
		case n == q:
			r = 0
		case strings.HasPrefix(n, q):
			r = 1
		case strings.Contains(n, q):
			r = 2
		}
		if r >= 0 && (best < 0 || r < best) {
			best = r
		}
	}
	return best
}

// Relations returns the matching relations ordered by id.
func (s *Store) Relations(ctx context.Context, f cg.RelationFilter) ([]*cg.Relation, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: relations: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var choices []choice[*cg.Relation]
	add := func(ix index[*cg.Relation], keys []string) {
		if len(keys) > 0 {
			choices = append(choices, choice[*cg.Relation]{ix.size(keys), func() []*cg.Relation { return ix.gather(keys) }})
		}
	}
	add(s.relByKind, strs(f.Kinds))
	add(s.relByFrom, f.FromIDs)
	add(s.relByTo, f.ToIDs)
	add(s.relBySource, f.SourceIDs)
	if len(f.EntityIDs) > 0 {
		choices = append(choices, choice[*cg.Relation]{
			s.relByFrom.size(f.EntityIDs) + s.relByTo.size(f.EntityIDs),
			func() []*cg.Relation {
				return append(s.relByFrom.gather(f.EntityIDs), s.relByTo.gather(f.EntityIDs)...)
			},
		})
	}
	kinds, ents, froms, tos, srcs := newSet(f.Kinds), newSet(f.EntityIDs), newSet(f.FromIDs), newSet(f.ToIDs), newSet(f.SourceIDs)
	var out []*cg.Relation
	for _, r := range narrowest(s.relationList, choices...) {
		if kinds.has(string(r.Kind)) && froms.has(r.FromID) && tos.has(r.ToID) &&
			(ents.has(r.FromID) || ents.has(r.ToID)) && citesAny(r.Evidence, srcs) {
			out = append(out, r)
		}
	}
	return nonNil(sortByID(out, relationID)), nil
}

// Claims returns the matching claims ordered by id.
func (s *Store) Claims(ctx context.Context, f cg.ClaimFilter) ([]*cg.Claim, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: claims: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var choices []choice[*cg.Claim]
	if len(f.SubjectIDs) > 0 {
		choices = append(choices, choice[*cg.Claim]{s.claimsBySubject.size(f.SubjectIDs), func() []*cg.Claim {
			return s.claimsBySubject.gather(f.SubjectIDs)
		}})
	}
	if len(f.SourceIDs) > 0 {
		choices = append(choices, choice[*cg.Claim]{s.claimsBySource.size(f.SourceIDs), func() []*cg.Claim {
			return s.claimsBySource.gather(f.SourceIDs)
		}})
	}
	subjects, srcs := newSet(f.SubjectIDs), newSet(f.SourceIDs)
	var out []*cg.Claim
	for _, c := range narrowest(s.claimList, choices...) {
		if subjects.has(c.SubjectID) && citesAny(c.Evidence, srcs) {
			out = append(out, c)
		}
	}
	return nonNil(sortByID(out, claimID)), nil
}

// citesAny reports whether any evidence item cites one of the sources; a nil
// set matches everything.
func citesAny(ev []cg.Evidence, sources set) bool {
	if sources == nil {
		return true
	}
	for _, e := range ev {
		if sources.has(e.SourceID) {
			return true
		}
	}
	return false
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Commitments lists the matching commitments a page at a time; with
// f.AsOf, as they stood then (see matchAsOf for the cost).
func (s *Store) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: commitments: %w", err)
	}
	order, after, err := cg.ParsePage(p)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	list := s.selectCommitments(f, order)
	page := &cg.CommitmentPage{TotalCount: len(list)}
	if after != nil {
		list = list[sort.Search(len(list), func(i int) bool { return after.Before(list[i]) }):]
	}
	if p.First > 0 && len(list) > p.First {
		list = list[:p.First]
		page.HasNextPage = true
	}
	// list may be one of the store's own orderings; hand out a copy.
	page.Commitments = slices.Clone(nonNil(list))
	if p.WithRelated {
		page.Entities, page.Sources = s.related(page.Commitments)
		if p.RelatedWithoutEvidence {
			for i, e := range page.Entities {
				slim := *e
				slim.Evidence = nil
				page.Entities[i] = &slim
			}
		}
	}
	return page, nil
}

// related returns the entities and sources the commitments refer to, each
// once, ordered by id (see cg.CommitmentPage).
func (s *Store) related(cs []*cg.Commitment) ([]*cg.Entity, []*cg.Source) {
	var eids, sids []string
	for _, c := range cs {
		eids = append(eids, c.ActorID, c.TargetID)
		if c.StatedByID != "" {
			eids = append(eids, c.StatedByID)
		}
		sids = append(sids, evidenceSources(c.Evidence)...)
	}
	return s.entitiesByID(eids), s.sourcesByID(sids)
}

// entitiesByID returns the entities with the ids, each once, ordered by
// id; unknown ids are left out. The caller holds mu.
func (s *Store) entitiesByID(ids []string) []*cg.Entity {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make([]*cg.Entity, 0, len(ids))
	for _, id := range ids {
		if e, ok := s.entities[id]; ok {
			out = append(out, e.Entity)
		}
	}
	return out
}

// sourcesByID is entitiesByID for sources.
func (s *Store) sourcesByID(ids []string) []*cg.Source {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make([]*cg.Source, 0, len(ids))
	for _, id := range ids {
		if src, ok := s.sources[id]; ok {
			out = append(out, src)
		}
	}
	return out
}

// match returns the commitments f selects, in the order and without
// repeats. The result may be the store's own slice and must not be changed.
func (s *Store) match(f cg.CommitmentFilter, order cg.CommitmentOrder) []*cg.Commitment {
	var choices []choice[*cg.Commitment]
	add := func(ix index[*cg.Commitment], keys []string) {
		if len(keys) > 0 {
			choices = append(choices, choice[*cg.Commitment]{ix.size(keys), func() []*cg.Commitment { return ix.gather(keys) }})
		}
	}
	if len(f.IDs) > 0 {
		choices = append(choices, choice[*cg.Commitment]{len(f.IDs), func() []*cg.Commitment {
			var out []*cg.Commitment
			for _, id := range f.IDs {
				if c, ok := s.commitments[id]; ok {
					out = append(out, c)
				}
			}
			return out
		}})
	}
	add(s.byKind, strs(f.Kinds))
	add(s.byStatus, strs(f.Statuses))
	add(s.byActor, f.ActorIDs)
	add(s.byTarget, f.TargetIDs)
	add(s.bySource, f.SourceIDs)
	add(s.byStatedBy, f.StatedByIDs)
	dated := f.From.Known() || f.To.Known()
	if dated {
		r := s.dateRange(f.From, f.To)
		choices = append(choices, choice[*cg.Commitment]{len(r), func() []*cg.Commitment { return slices.Clone(r) }})
	}
	if len(choices) == 0 {
		return s.ordered[order]
	}
	m := newMatcher(f)
	cands := narrowest(nil, choices...)
	out := cands[:0] // gather always returns a fresh slice, so filter in place
	for _, c := range cands {
		if m.matches(c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, cg.CompareCommitments(order))
	return slices.CompactFunc(out, func(a, b *cg.Commitment) bool { return a.ID == b.ID })
}

// matcher checks a commitment against every field of a filter but AsOf.
type matcher struct {
	ids, kinds, statuses, actors, targets, srcs, statedBy set
	from, to                                              cg.Date
	dated                                                 bool
}

func newMatcher(f cg.CommitmentFilter) matcher {
	return matcher{
		ids: newSet(f.IDs), kinds: newSet(f.Kinds), statuses: newSet(f.Statuses),
		actors: newSet(f.ActorIDs), targets: newSet(f.TargetIDs), srcs: newSet(f.SourceIDs), statedBy: newSet(f.StatedByIDs),
		from: f.From, to: f.To, dated: f.From.Known() || f.To.Known(),
	}
}

func (m matcher) matches(c *cg.Commitment) bool {
	return m.ids.has(c.ID) && m.kinds.has(string(c.Kind)) && m.statuses.has(string(c.Status)) &&
		m.actors.has(c.ActorID) && m.targets.has(c.TargetID) && m.statedBy.has(c.StatedByID) &&
		citesAny(c.Evidence, m.srcs) && (!m.dated || c.Date.Within(m.from, m.to))
}

// matchAsOf returns the commitments f selects as they stood at *f.AsOf, in
// the order: for each commitment the version cg.InEffect picks, matched on
// that version's fields. The indexes hold current versions only, so this
// scans every commitment's history (all of them, or those of f.IDs): time
// linear in the number of versions, plus the sort. That suits occasional
// "as of" questions; were they to become frequent on a large graph, the
// indexes would have to keep versions by effective time.
func (s *Store) matchAsOf(f cg.CommitmentFilter, order cg.CommitmentOrder) []*cg.Commitment {
	m := newMatcher(f)
	var out []*cg.Commitment
	pick := func(versions []*cg.Commitment) {
		if c := cg.InEffect(versions, f.AsOf); c != nil && m.matches(c) {
			out = append(out, c)
		}
	}
	if len(f.IDs) > 0 {
		ids := slices.Clone(f.IDs)
		slices.Sort(ids)
		for _, id := range slices.Compact(ids) {
			pick(s.history[id])
		}
	} else {
		for _, versions := range s.history {
			pick(versions)
		}
	}
	slices.SortFunc(out, cg.CompareCommitments(order))
	return out
}

// selectCommitments answers f, as of now or as of f.AsOf. The result may
// be the store's own slice and must not be changed.
func (s *Store) selectCommitments(f cg.CommitmentFilter, order cg.CommitmentOrder) []*cg.Commitment {
	if f.AsOf != nil {
		return s.matchAsOf(f, order)
	}
	return s.match(f, order)
}

// dateRange returns the commitments whose dates may fall within [from, to]:
// a superset the caller narrows with Date.Within. Date strings sort in the
// order of their start, so the range is a slice of the DATE_ASC ordering;
// a date may start up to a year (its widest precision) before from and
// still overlap it.
func (s *Store) dateRange(from, to cg.Date) []*cg.Commitment {
	all := s.ordered[cg.OrderDateAsc]
	known := all[:sort.Search(len(all), func(i int) bool { return !all[i].Date.Known() })]
	lo, hi := 0, len(known)
	if from.Known() {
		bound := from.Start().AddDate(-1, 0, 0)
		lo = sort.Search(len(known), func(i int) bool { return known[i].Date.Start().After(bound) })
	}
	if to.Known() {
		bound := to.End()
		hi = sort.Search(len(known), func(i int) bool { return !known[i].Date.Start().Before(bound) })
	}
	if hi < lo {
		return nil
	}
	return known[lo:hi]
}

// Matrix returns one cell per actor and commitment kind among the matching
// commitments, ordered by actor id, then kind in display order, with the
// actors.
func (s *Store) Matrix(ctx context.Context, f cg.CommitmentFilter) (*cg.Matrix, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: matrix: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	type key struct {
		actor string
		kind  cg.EdgeKind
	}
	cells := map[key]*cg.MatrixCell{}
	for _, c := range s.selectCommitments(f, cg.OrderID) {
		k := key{c.ActorID, c.Kind}
		cell, ok := cells[k]
		if !ok {
			cell = &cg.MatrixCell{ActorID: c.ActorID, Kind: c.Kind, Status: c.Status}
			cells[k] = cell
		}
		if c.Status.Firmer(cell.Status) {
			cell.Status = c.Status
		}
		cell.Commitments++
		cell.EvidenceCount += len(c.Evidence)
	}
	out := make([]cg.MatrixCell, 0, len(cells))
	var actors []string
	for _, cell := range cells {
		out = append(out, *cell)
		actors = append(actors, cell.ActorID)
	}
	slices.SortFunc(out, cg.CompareMatrixCells)
	return &cg.Matrix{Cells: out, Actors: s.entitiesByID(actors)}, nil
}

// Counts returns the number of matching commitments per kind and status,
// only for pairs that occur, ordered by kind in display order, then status
// in lifecycle order.
func (s *Store) Counts(ctx context.Context, f cg.CommitmentFilter) ([]cg.Count, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: counts: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	type key struct {
		kind   cg.EdgeKind
		status cg.Status
	}
	n := map[key]int{}
	for _, c := range s.selectCommitments(f, cg.OrderID) {
		n[key{c.Kind, c.Status}]++
	}
	out := make([]cg.Count, 0, len(n))
	for k, v := range n {
		out = append(out, cg.Count{Kind: k.kind, Status: k.status, Count: v})
	}
	slices.SortFunc(out, cg.CompareCounts)
	return out, nil
}

// Ready reports nil: the store is ready once New returns.
func (s *Store) Ready(ctx context.Context) error { return nil }

// Close releases nothing; the store lives until it is garbage.
func (s *Store) Close() error { return nil }

var _ cg.Store = (*Store)(nil)
