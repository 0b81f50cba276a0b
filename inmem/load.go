package inmem

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/feed"
)

// New indexes ds. It takes ownership: the caller must not change ds or
// anything it points to afterwards. It rejects what cg.Dataset.Check
// rejects, which the indexes could not represent.
//
// ds.Commitments may hold several versions of a commitment (as a durable
// store reloads them; see Check). The latest is the current one unless it
// is retracted. A commitment given once with Version 0 (a hand-built
// dataset) is taken as version 1.
func New(ds *cg.Dataset, opts ...Option) (*Store, error) {
	if ds == nil {
		ds = &cg.Dataset{}
	}
	// The check runs beside the indexing, which only reads ds too, and
	// the indexes are dropped if it fails: at 1M commitments it is a
	// second of a restart on one processor. A nil item, which Check
	// refuses and the indexing cannot take, is refused first.
	if hasNilItem(ds) {
		return nil, fmt.Errorf("inmem: %w", ds.Check())
	}
	checked := make(chan error, 1)
	go func() { checked <- ds.Check() }()
	s, err := build(ds, checked)
	if err != nil {
		return nil, fmt.Errorf("inmem: %w", err)
	}
	for _, opt := range opts {
		opt(s)
	}
	return s, nil
}

// hasNilItem reports whether any item of ds is nil.
func hasNilItem(ds *cg.Dataset) bool {
	return slices.Contains(ds.Sources, nil) || slices.Contains(ds.Entities, nil) || slices.Contains(ds.Relations, nil) ||
		slices.Contains(ds.Commitments, nil) || slices.Contains(ds.Claims, nil)
}

// build indexes ds, and returns the error that checked, ds.Check's
// result, brings instead if there is one.
func build(ds *cg.Dataset, checked <-chan error) (*Store, error) {
	s := &Store{
		inflight:        inflight{},
		requests:        map[string]Change{},
		changes:         feed.New(feed.Options{Start: time.Now().UnixMicro()}),
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
		ordered:         map[cg.CommitmentOrder][]*cg.Commitment{},
		byActor:         index[*cg.Commitment]{},
		byTarget:        index[*cg.Commitment]{},
		byKind:          index[*cg.Commitment]{},
		byStatus:        index[*cg.Commitment]{},
		bySource:        index[*cg.Commitment]{},
		byStatedBy:      index[*cg.Commitment]{},
		cells:           cellCounts{},
	}
	s.settled = sync.NewCond(&s.wmu)
	s.version.Store(uint64(time.Now().UnixMicro()))
	for _, src := range ds.Sources {
		s.sources[src.ID] = src
		s.sourceIDs = append(s.sourceIDs, src.ID)
	}
	slices.Sort(s.sourceIDs)

	for _, e := range sortedCopy(ds.Entities, func(e *cg.Entity) string { return e.ID }) {
		rec := newEntity(e)
		s.entities[e.ID] = rec
		s.entityList = append(s.entityList, rec)
		s.entitiesByKind[string(e.Kind)] = append(s.entitiesByKind[string(e.Kind)], rec)
	}

	for _, r := range sortedCopy(ds.Relations, relationID) {
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

	for _, c := range sortedCopy(ds.Claims, claimID) {
		s.claims[c.ID] = c
		s.claimList = append(s.claimList, c)
		s.claimsBySubject[c.SubjectID] = append(s.claimsBySubject[c.SubjectID], c)
		for _, src := range evidenceSources(c.Evidence) {
			s.claimsBySource[src] = append(s.claimsBySource[src], c)
		}
	}

	all := sortedCopy(ds.Commitments, commitmentID)
	byID := make([]*cg.Commitment, 0, len(all)) // the current versions
	history := make([][]*cg.Commitment, 0, len(all))
	for len(all) > 0 {
		n := 1
		for n < len(all) && all[n].ID == all[0].ID {
			n++
		}
		versions := versionsOf(all[:n])
		all = all[n:]
		history = append(history, versions)
		c := cg.InEffect(versions, nil, nil)
		if c == nil {
			continue // retracted: in history only
		}
		byID = append(byID, c)
	}
	// The history map is filled beside the indexes.
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, versions := range history {
			s.history[versions[0].ID] = versions
		}
	})
	s.indexLoaded(byID)
	wg.Wait()
	if err := <-checked; err != nil {
		return nil, err
	}
	return s, nil
}

// indexLoaded indexes the current versions, given in id order. Bulk load
// appends in id order, which keeps every list sorted without the per-item
// binary insertion indexCommitment does. Each group of indexes is built on
// its own goroutine: they share nothing but the (read-only) commitments,
// and a load of a million spent most of its time in their map operations,
// one processor at a time.
func (s *Store) indexLoaded(byID []*cg.Commitment) {
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, c := range byID {
			s.byActor[c.ActorID] = append(s.byActor[c.ActorID], c)
			s.byTarget[c.TargetID] = append(s.byTarget[c.TargetID], c)
			s.cells.add(c, 1)
		}
	})
	wg.Go(func() {
		for _, c := range byID {
			s.byKind[string(c.Kind)] = append(s.byKind[string(c.Kind)], c)
			s.byStatus[string(c.Status)] = append(s.byStatus[string(c.Status)], c)
			if c.StatedByID != "" {
				s.byStatedBy[c.StatedByID] = append(s.byStatedBy[c.StatedByID], c)
			}
			s.totals.add(c, 1)
		}
	})
	wg.Go(func() {
		for _, c := range byID {
			for _, src := range evidenceSources(c.Evidence) {
				s.bySource[src] = append(s.bySource[src], c)
			}
		}
	})
	var asc, desc []*cg.Commitment
	wg.Go(func() { asc = sortByDate(byID, false) })
	wg.Go(func() { desc = sortByDate(byID, true) })
	wg.Wait()
	s.ordered[cg.OrderID] = slices.Clip(byID)
	s.ordered[cg.OrderDateAsc] = asc
	s.ordered[cg.OrderDateDesc] = desc
}

// sortByDate orders commitments given in id order by date (cg.OrderDateAsc,
// or cg.OrderDateDesc when desc), as cg.CompareCommitments does: by year,
// month and day, unknown dates last in both directions, ties in id order.
// It counts them into one bucket per distinct date rather than comparing:
// a million commitments have a few hundred dates, and the comparison sort
// (a cursor position built per comparison) was most of what loading cost.
func sortByDate(byID []*cg.Commitment, desc bool) []*cg.Commitment {
	const unknown = math.MaxUint32
	key := func(c *cg.Commitment) uint32 {
		if !c.Date.Known() {
			return unknown
		}
		k := uint32(c.Date.Year)<<9 | uint32(c.Date.Month)<<5 | uint32(c.Date.Day)
		if desc {
			k = unknown - 1 - k
		}
		return k
	}
	counts := map[uint32]int{}
	for _, c := range byID {
		counts[key(c)]++
	}
	keys := slices.Sorted(maps.Keys(counts))
	next := make(map[uint32]int, len(keys))
	at := 0
	for _, k := range keys {
		next[k] = at
		at += counts[k]
	}
	out := make([]*cg.Commitment, len(byID))
	for _, c := range byID {
		k := key(c)
		out[next[k]] = c
		next[k]++
	}
	return out
}

// versionsOf orders the versions of one commitment, which Check found
// numbered 1…n; a lone version 0 becomes version 1 (on a copy, as the
// dataset is not the store's to change).
func versionsOf(group []*cg.Commitment) []*cg.Commitment {
	if len(group) == 1 && group[0].Version == 0 {
		c := *group[0]
		c.Version = 1
		return []*cg.Commitment{&c}
	}
	out := slices.Clone(group)
	slices.SortFunc(out, func(a, b *cg.Commitment) int { return a.Version - b.Version })
	return out
}

// sortedCopy orders a section by id, so that appending to index lists in
// that order keeps them sorted.
// A durable store gives them in id order already (its file's key order),
// which one pass finds, instead of a sort's merges.
func sortedCopy[T any](items []*T, id func(*T) string) []*T {
	out := slices.Clone(items)
	cmp := func(a, b *T) int { return strings.Compare(id(a), id(b)) }
	if !slices.IsSortedFunc(out, cmp) {
		slices.SortStableFunc(out, cmp)
	}
	return out
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
