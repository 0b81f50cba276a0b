package inmem

import (
	"slices"
	"sort"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// scanAbove is how many commitments one filter key must select before a
// page of them is cut from the store's own ordering rather than gathered
// and sorted: below it the sort is cheap, above it the sort of every match
// (71,000 for one kind at a million commitments) was the cost of a page.
const scanAbove = 1024

// pageByScan answers a page of a listing filtered by one key of one index
// (a kind, status, actor, target, source or stater) without sorting its
// matches: the total is the length of the key's list, and the page the
// first matches after the cursor in the maintained ordering, which the
// filter selects about one in (all ÷ matches) of. ok is false when the
// filter, order or size is not one it answers; the caller then selects.
func (s *Store) pageByScan(f cg.CommitmentFilter, order cg.CommitmentOrder, after *cg.CursorKey, first int) (*cg.CommitmentPage, bool) {
	all, ordered := s.ordered[order]
	if !ordered || first <= 0 || f.AsOf != nil || len(f.IDs) > 0 || f.From.Known() || f.To.Known() {
		return nil, false
	}
	var key string
	var ix index[*cg.Commitment]
	fields := 0
	one := func(index index[*cg.Commitment], keys []string) {
		if len(keys) == 0 {
			return
		}
		fields++
		key, ix = keys[0], index
		for _, k := range keys[1:] {
			if k != key {
				fields++ // two keys: not one list
			}
		}
	}
	one(s.byKind, strs(f.Kinds))
	one(s.byStatus, strs(f.Statuses))
	one(s.byActor, f.ActorIDs)
	one(s.byTarget, f.TargetIDs)
	one(s.bySource, f.SourceIDs)
	one(s.byStatedBy, f.StatedByIDs)
	if fields != 1 || len(ix[key]) <= scanAbove {
		return nil, false
	}
	page := &cg.CommitmentPage{TotalCount: len(ix[key]), Commitments: make([]*cg.Commitment, 0, first)}
	i := 0
	if after != nil {
		i = sort.Search(len(all), func(i int) bool { return after.Before(all[i]) })
	}
	m := newMatcher(f)
	for ; i < len(all); i++ {
		if c := all[i]; m.matches(c) {
			if len(page.Commitments) == first {
				page.HasNextPage = true
				break
			}
			page.Commitments = append(page.Commitments, c)
		}
	}
	return page, true
}

// dateKey orders known dates as cg.CompareCommitments does (year, month,
// day; a missing month or day first).
func dateKey(d cg.Date) uint32 {
	return uint32(d.Year)<<9 | uint32(d.Month)<<5 | uint32(d.Day)
}

// span is a range [lo, hi) of one of the store's orderings.
type span struct{ lo, hi int }

// dateSpans are the ranges of the ordering (cg.OrderDateAsc or
// cg.OrderDateDesc) that hold exactly the commitments whose dates fall
// within [from, to] (cg.Date.Within), in the ordering's order. Known dates
// come first in both orderings, sorted by dateKey, so that those starting
// in [from, to] are one range; the only others within are the year
// and the month of from when from starts after them (a date known to the
// year or month that overlaps from), each a block of one date.
func (s *Store) dateSpans(order cg.CommitmentOrder, from, to cg.Date) []span {
	list := s.ordered[order]
	desc := order == cg.OrderDateDesc
	known := sort.Search(len(list), func(i int) bool { return !list[i].Date.Known() })
	// before(i, t): the date at i starts before t, which holds for a
	// prefix of the known ones in ascending order, a suffix in descending.
	startsBefore := func(i int, t cg.Date, end bool) bool {
		bound := t.Start()
		if end {
			bound = t.End()
		}
		return list[i].Date.Start().Before(bound)
	}
	// first index whose date starts at or after the bound (ascending), or
	// before it (descending).
	cut := func(t cg.Date, end bool) int {
		return sort.Search(known, func(i int) bool { return startsBefore(i, t, end) == desc })
	}
	var main span
	if desc {
		main = span{0, known}
		if to.Known() {
			main.lo = cut(to, true)
		}
		if from.Known() {
			main.hi = cut(from, false)
		}
	} else {
		main = span{0, known}
		if from.Known() {
			main.lo = cut(from, false)
		}
		if to.Known() {
			main.hi = cut(to, true)
		}
	}
	spans := []span{}
	if main.lo < main.hi {
		spans = append(spans, main)
	}
	if from.Known() {
		for _, d := range []cg.Date{{Year: from.Year}, {Year: from.Year, Month: from.Month}} {
			if d == from || !d.Start().Before(from.Start()) || !d.Within(from, to) {
				continue // starts with from: in the main range
			}
			k := dateKey(d)
			at := func(above bool) int {
				return sort.Search(known, func(i int) bool {
					ki := dateKey(list[i].Date)
					if desc {
						return ki < k || (!above && ki == k)
					}
					return ki > k || (!above && ki == k)
				})
			}
			if b := (span{at(false), at(true)}); b.lo < b.hi {
				spans = append(spans, b)
			}
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.lo - b.lo })
	return spans
}

// pageByDates answers a page of a listing filtered by dates alone from
// dateSpans: its total is their length, its page their first commitments
// after the cursor. ok is false for other filters and orders.
func (s *Store) pageByDates(f cg.CommitmentFilter, order cg.CommitmentOrder, after *cg.CursorKey, first int) (*cg.CommitmentPage, bool) {
	if order != cg.OrderDateAsc && order != cg.OrderDateDesc {
		return nil, false
	}
	if (!f.From.Known() && !f.To.Known()) || f.AsOf != nil || len(f.IDs) > 0 || len(f.Kinds) > 0 || len(f.Statuses) > 0 ||
		len(f.ActorIDs) > 0 || len(f.TargetIDs) > 0 || len(f.SourceIDs) > 0 || len(f.StatedByIDs) > 0 {
		return nil, false
	}
	list := s.ordered[order]
	spans := s.dateSpans(order, f.From, f.To)
	page := &cg.CommitmentPage{Commitments: []*cg.Commitment{}}
	start := 0
	if after != nil {
		start = sort.Search(len(list), func(i int) bool { return after.Before(list[i]) })
	}
	for _, sp := range spans {
		page.TotalCount += sp.hi - sp.lo
		for i := max(sp.lo, start); i < sp.hi; i++ {
			if first > 0 && len(page.Commitments) == first {
				page.HasNextPage = true
				break
			}
			page.Commitments = append(page.Commitments, list[i])
		}
	}
	return page, true
}
