package inmem

import (
	"context"
	"fmt"
	"slices"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// EntityCommitments cuts each entity's page from its per-actor or
// per-target index list under one read lock: the list is scanned once
// (filter and count), and only a page's worth is ranked (cg.CutPage); a
// page in id order, or a giant's in a date order (dated.go), is cut from a
// list already in its order (cg.PageInOrder).
func (s *Store) EntityCommitments(ctx context.Context, q cg.EntityCommitmentsQuery) (*cg.EntityCommitments, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: entity commitments: %w", err)
	}
	order, after, err := q.Parse()
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ix := s.byActor
	if q.Side == cg.SideReceived {
		ix = s.byTarget
	}
	res := &cg.EntityCommitments{Pages: make(map[string]*cg.EntityPage, len(q.EntityIDs))}
	var all []*cg.Commitment
	for _, id := range q.EntityIDs {
		if res.Pages[id] != nil {
			continue
		}
		keep := func(c *cg.Commitment) bool { return q.Matches(id, c) }
		var p *cg.EntityPage
		switch list := ix[id]; {
		case order == cg.OrderID:
			p = cg.PageInOrder(list, keep, len(q.Kinds) == 0 && len(q.Statuses) == 0, order, after, q.Page.First)
		case len(list) >= datedMin && slices.Contains(datedOrders, order):
			list = s.dated.get(q.Side, order, id, list)
			p = cg.PageInOrder(list, keep, len(q.Kinds) == 0 && len(q.Statuses) == 0, order, after, q.Page.First)
		default:
			p = cg.CutPage(list, keep, order, after, q.Page.First, s.actorName)
		}
		res.Pages[id] = p
		all = append(all, p.Commitments...)
	}
	res.Entities, res.Sources = s.related(all)
	res.FillPages(q)
	return res, nil
}
