package inmem

import (
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
