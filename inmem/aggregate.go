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
