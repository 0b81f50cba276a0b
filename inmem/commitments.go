package inmem

import (
	"context"
	"fmt"
	"slices"
	"sort"

	cg "github.com/coalitiongraph/coalitiongraph"
)

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
	fast, ok := s.pageByScan(f, order, after, p.First)
	if !ok {
		fast, ok = s.pageByDates(f, order, after, p.First)
	}
	if ok {
		fast.Entities, fast.Sources = s.related(fast.Commitments)
		return fast, nil
	}
	list := s.selectCommitments(f, order)
	page := &cg.CommitmentPage{TotalCount: len(list)}
	if after != nil {
		list = list[sort.Search(len(list), func(i int) bool { return after.BeforeNamed(list[i], s.actorName(list[i].ActorID)) }):]
	}
	if p.First > 0 && len(list) > p.First {
		list = list[:p.First]
		page.HasNextPage = true
	}
	// list may be one of the store's own orderings; hand out a copy.
	page.Commitments = slices.Clone(nonNil(list))
	page.Entities, page.Sources = s.related(page.Commitments)
	return page, nil
}

// related returns the entities, without their evidence, and the sources
// the commitments refer to, each once, ordered by id (see
// cg.CommitmentPage).
func (s *Store) related(cs []*cg.Commitment) ([]*cg.Entity, []*cg.Source) {
	var eids, sids []string
	for _, c := range cs {
		eids = append(eids, c.ActorID, c.TargetID)
		if c.StatedByID != "" {
			eids = append(eids, c.StatedByID)
		}
		sids = append(sids, evidenceSources(c.Evidence)...)
	}
	es := s.entitiesByID(eids)
	for i, e := range es {
		slim := *e
		slim.Evidence = nil
		es[i] = &slim
	}
	return es, s.sourcesByID(sids)
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
				if c := s.current(id); c != nil {
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
		if list, ok := s.ordered[order]; ok {
			return list
		}
		list := slices.Clone(s.ordered[cg.OrderID])
		s.sort(list, order)
		return list
	}
	m := newMatcher(f)
	cands := narrowest(nil, choices...)
	out := cands[:0] // gather always returns a fresh slice, so filter in place
	for _, c := range cands {
		if m.matches(c) {
			out = append(out, c)
		}
	}
	s.sort(out, order)
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
		if c := cg.InEffect(versions, f.AsOf, s.source); c != nil && m.matches(c) {
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
	s.sort(out, order)
	return out
}

// sort sorts cs in the order. The orders kept precomputed in ordered are
// the date and id ones; the others (a name, a count) sort on demand.
func (s *Store) sort(cs []*cg.Commitment, order cg.CommitmentOrder) {
	switch order {
	case cg.OrderDateAsc, cg.OrderDateDesc, cg.OrderID:
		slices.SortFunc(cs, cg.CompareCommitments(order))
	default:
		cg.SortCommitments(cs, order, s.actorName)
	}
}

// actorName is the folded name of the entity with the id ("" when there is
// none), the key of cg.OrderActorName. The caller holds mu.
func (s *Store) actorName(id string) string {
	if e := s.entities[id]; e != nil {
		return cg.FoldName(e.Name)
	}
	return ""
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

// source looks a source up for the domain's knowledge-time rule
// (cg.KnownFrom); nil when there is none. The caller holds mu.
func (s *Store) source(id string) *cg.Source { return s.sources[id] }
