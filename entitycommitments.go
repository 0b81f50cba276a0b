package coalitiongraph

import (
	"fmt"
	"slices"
	"sort"
)

// An entity's commitments a page at a time, for many entities in one store
// call: what an entity page's commitmentsMadeConnection and
// commitmentsReceivedConnection ask for, and a list of entities each
// asking for its own. The store cuts each page (filter, order, cursor,
// total and next page), so that an actor with thousands of commitments
// costs one page, not all of them.

// Side is the end of its commitments an entity is.
type Side string

const (
	// SideMade: the commitments the entity made (it is their actor).
	SideMade Side = "MADE"
	// SideReceived: the commitments aimed at the entity (their target).
	SideReceived Side = "RECEIVED"
)

// MaxEntityPages bounds the entities of one EntityCommitments call.
const MaxEntityPages = 1000

// EntityCommitmentsQuery asks for one page of the commitments of each of
// EntityIDs on one side, selected by Kinds and Statuses (empty: any), in
// Page.Order from after Page.After, Page.First of them (0: all). The page
// of an entity is, by definition, the page Store.Commitments answers for
// Filter(id) and Page: the same order, cursors, total and next page.
// There is no asOf: these are current reads.
type EntityCommitmentsQuery struct {
	Side      Side
	EntityIDs []string
	Kinds     []EdgeKind
	Statuses  []Status
	Page      Page
}

// Filter is the listing filter of the entity id's commitments in q.
func (q EntityCommitmentsQuery) Filter(id string) CommitmentFilter {
	f := CommitmentFilter{Kinds: q.Kinds, Statuses: q.Statuses}
	if q.Side == SideReceived {
		f.TargetIDs = []string{id}
	} else {
		f.ActorIDs = []string{id}
	}
	return f
}

// Parse checks q (a known side, at most MaxEntityPages ids, a valid page)
// and reads its order and cursor, as ParsePage does.
func (q EntityCommitmentsQuery) Parse() (order CommitmentOrder, after *CursorKey, err error) {
	if q.Side != SideMade && q.Side != SideReceived {
		return "", nil, &Error{Code: CodeBadInput, Field: "side", Message: fmt.Sprintf("unknown side %q", q.Side)}
	}
	if len(q.EntityIDs) > MaxEntityPages {
		return "", nil, &Error{Code: CodeBadInput, Field: "entityIds",
			Message: fmt.Sprintf("at most %d entities, got %d", MaxEntityPages, len(q.EntityIDs))}
	}
	return ParsePage(q.Page)
}

// Matches reports whether c is one of the commitments of the entity id in
// q (its side, kinds and statuses).
func (q EntityCommitmentsQuery) Matches(id string, c *Commitment) bool {
	end := c.ActorID
	if q.Side == SideReceived {
		end = c.TargetID
	}
	return end == id && (len(q.Kinds) == 0 || slices.Contains(q.Kinds, c.Kind)) &&
		(len(q.Statuses) == 0 || slices.Contains(q.Statuses, c.Status))
}

// EntityPage is one entity's page: its commitments in the order, the
// number of all of them (before the cursor too), and whether more follow.
type EntityPage struct {
	Commitments []*Commitment
	TotalCount  int
	HasNextPage bool
}

// EntityCommitments is the answer to an EntityCommitmentsQuery.
type EntityCommitments struct {
	// Pages holds a page for every asked id, an empty one (never nil, no
	// commitments, TotalCount 0) for an entity with none or no entity.
	Pages map[string]*EntityPage
	// Entities and Sources are what the pages' commitments refer to, as
	// in CommitmentPage: each once, ordered by id, entities without their
	// evidence, never nil.
	Entities []*Entity
	Sources  []*Source
}

// FillPages gives every id of q without a page an empty one, so that a
// store need only answer the entities that have commitments.
func (r *EntityCommitments) FillPages(q EntityCommitmentsQuery) {
	if r.Pages == nil {
		r.Pages = map[string]*EntityPage{}
	}
	for _, id := range q.EntityIDs {
		if r.Pages[id] == nil {
			r.Pages[id] = &EntityPage{Commitments: []*Commitment{}}
		}
	}
	if r.Entities == nil {
		r.Entities = []*Entity{}
	}
	if r.Sources == nil {
		r.Sources = []*Source{}
	}
}

// CutPage is an entity's page out of its candidates, in any order and
// possibly with others (keep selects the entity's): the matching ones
// counted, those after the cursor ranked in the order, and the first
// `first` of them kept (0: all), without sorting more than a page's worth.
// actorName gives an actor's folded name, for OrderActorName (nil
// otherwise).
func CutPage(cands []*Commitment, keep func(*Commitment) bool, order CommitmentOrder, after *CursorKey, first int, actorName func(id string) string) *EntityPage {
	order = order.OrDefault()
	type item struct {
		pos CursorKey
		c   *Commitment
	}
	pos := func(c *Commitment) CursorKey {
		name := ""
		if order.NeedsActorName() && actorName != nil {
			name = actorName(c.ActorID)
		}
		return PositionOf(c, order, name)
	}
	p := &EntityPage{}
	var top []item // sorted; at most first+1 when first > 0
	for _, c := range cands {
		if !keep(c) {
			continue
		}
		p.TotalCount++
		k := pos(c)
		if after != nil && comparePositions(*after, k) >= 0 {
			continue
		}
		if first == 0 {
			top = append(top, item{k, c})
			continue
		}
		if len(top) == first+1 && comparePositions(k, top[first].pos) >= 0 {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return comparePositions(k, top[i].pos) < 0 })
		top = slices.Insert(top, i, item{k, c})
		if len(top) > first+1 {
			top = top[:first+1]
		}
	}
	if first == 0 {
		slices.SortFunc(top, func(a, b item) int { return comparePositions(a.pos, b.pos) })
	}
	if first > 0 && len(top) > first {
		top, p.HasNextPage = top[:first], true
	}
	p.Commitments = make([]*Commitment, len(top))
	for i, it := range top {
		p.Commitments[i] = it.c
	}
	return p
}

// PageInOrder is CutPage over candidates that are already in the order
// (OrderID, OrderDateAsc or OrderDateDesc, whose positions a commitment
// holds): the page starts after the cursor, found by binary search, and
// ends at its first+1'th kept commitment, so that an entity with 200,000
// commitments costs its page, not a pass over them all. allKept says that
// keep keeps every candidate (no kind or status filter): then the total is
// their number; otherwise keep is asked of each to count them.
func PageInOrder(sorted []*Commitment, keep func(*Commitment) bool, allKept bool, order CommitmentOrder, after *CursorKey, first int) *EntityPage {
	order = order.OrDefault()
	p := &EntityPage{TotalCount: len(sorted)}
	if !allKept {
		p.TotalCount = 0
		for _, c := range sorted {
			if keep(c) {
				p.TotalCount++
			}
		}
	}
	start := 0
	if after != nil {
		start = sort.Search(len(sorted), func(i int) bool {
			return comparePositions(PositionOf(sorted[i], order, ""), *after) > 0
		})
	}
	for _, c := range sorted[start:] {
		if first > 0 && len(p.Commitments) == first {
			if allKept || keep(c) {
				p.HasNextPage = true
				break
			}
			continue
		}
		if allKept || keep(c) {
			p.Commitments = append(p.Commitments, c)
		}
	}
	if p.Commitments == nil {
		p.Commitments = []*Commitment{}
	}
	return p
}
