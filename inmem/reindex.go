package inmem

import (
	"slices"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// indexCommitment puts c, the current version of its commitment, into the
// indexes, from which apply has taken the old one. The caller holds s.mu
// for writing and has checked c.
func (s *Store) indexCommitment(c *cg.Commitment) {
	s.byActor.insert(c.ActorID, c, commitmentID)
	s.byTarget.insert(c.TargetID, c, commitmentID)
	s.dated.change(c, 1)
	s.byKind.insert(string(c.Kind), c, commitmentID)
	s.byStatus.insert(string(c.Status), c, commitmentID)
	s.cells.add(c, 1)
	s.totals.add(c, 1)
	s.cellsChanged(c.ActorID)
	for _, src := range evidenceSources(c.Evidence) {
		s.bySource.insert(src, c, commitmentID)
	}
	if c.StatedByID != "" {
		s.byStatedBy.insert(c.StatedByID, c, commitmentID)
	}
	for _, o := range orders {
		list := s.ordered[o]
		i, _ := slices.BinarySearchFunc(list, c, cg.CompareCommitments(o))
		s.ordered[o] = slices.Insert(list, i, c)
	}
}

func (s *Store) unindexCommitment(c *cg.Commitment) {
	s.byActor.remove(c.ActorID, c.ID, commitmentID)
	s.byTarget.remove(c.TargetID, c.ID, commitmentID)
	s.dated.change(c, -1)
	s.byKind.remove(string(c.Kind), c.ID, commitmentID)
	s.byStatus.remove(string(c.Status), c.ID, commitmentID)
	s.cells.add(c, -1)
	s.totals.add(c, -1)
	s.cellsChanged(c.ActorID)
	for _, src := range evidenceSources(c.Evidence) {
		s.bySource.remove(src, c.ID, commitmentID)
	}
	if c.StatedByID != "" {
		s.byStatedBy.remove(c.StatedByID, c.ID, commitmentID)
	}
	for _, o := range orders {
		list := s.ordered[o]
		if i, found := slices.BinarySearchFunc(list, c, cg.CompareCommitments(o)); found {
			s.ordered[o] = slices.Delete(list, i, i+1)
		}
	}
}
