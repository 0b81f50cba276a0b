package inmem

import (
	"context"
	"fmt"
	"slices"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Counts returns the number of matching commitments per kind and status,
// only for pairs that occur, ordered by kind in display order, then status
// in lifecycle order.
func (s *Store) Counts(ctx context.Context, f cg.CommitmentFilter) ([]cg.Count, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: counts: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	// Keyed by the count with Count 0.
	n := map[cg.Count]int{}
	switch {
	case countable(f) && len(f.ActorIDs) == 0:
		// The whole graph, or some kinds: the maintained totals.
		countCells(s.totals, f.Kinds, n)
	case countable(f):
		// Some actors: their maintained matrix rows.
		for _, a := range uniqStrings(f.ActorIDs) {
			if row := s.cells[a]; row != nil {
				countCells(*row, f.Kinds, n)
			}
		}
	default:
		for _, c := range s.selectCommitments(f, cg.OrderID) {
			n[cg.Count{Kind: c.Kind, Status: c.Status}]++
		}
	}
	out := make([]cg.Count, 0, len(n))
	for k, v := range n {
		k.Count = v
		out = append(out, k)
	}
	slices.SortFunc(out, cg.CompareCounts)
	return out, nil
}

// CountsBy counts the matching commitments by the dimensions.
func (s *Store) CountsBy(ctx context.Context, f cg.CommitmentFilter, by []cg.CountDimension) ([]cg.GroupCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: counts by: %w", err)
	}
	if err := cg.CheckDimensions(by); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return cg.GroupCommitments(s.selectCommitments(f, cg.OrderID), by), nil
}
