package inmem

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// EntityCommitments cuts each entity's page from its per-actor or
// per-target index list under one read lock: the list is scanned once
// (filter and count), and only a page's worth is ranked (cg.CutPage).
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
		p := cg.CutPage(ix[id], keep, order, after, q.Page.First, s.actorName)
		res.Pages[id] = p
		all = append(all, p.Commitments...)
	}
	res.Entities, res.Sources = s.related(all)
	res.FillPages(q)
	return res, nil
}
