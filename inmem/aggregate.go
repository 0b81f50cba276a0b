package inmem

import (
	"context"
	"fmt"
	"slices"

	cg "github.com/coalitiongraph/coalitiongraph"
)

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
