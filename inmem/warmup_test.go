package inmem

import (
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"

	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// WarmUp leaves the text index and the matrix rows built, so that the
// first search and matrix page do not build them under their deadline.
func TestWarmUpBuildsWhatFirstReadsWould(t *testing.T) {
	old := datedMin
	datedMin = 20
	defer func() { datedMin = old }()
	s, err := New(storetest.SyntheticSkewed(500, 50, 2))
	if err != nil {
		t.Fatal(err)
	}
	if s.text.built || s.rowCache.ok || len(s.dated.lists) > 0 {
		t.Fatalf("built before the warm-up: text %v, matrix rows %v", s.text.built, s.rowCache.ok)
	}
	if _, err := s.WarmUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !s.text.built || !s.rowCache.ok || len(s.text.docs) == 0 || len(s.rowCache.rows) == 0 {
		t.Errorf("after the warm-up: text built %v (%d documents), matrix rows %v (%d)",
			s.text.built, len(s.text.docs), s.rowCache.ok, len(s.rowCache.rows))
	}
	for id, list := range s.byActor {
		if _, ok := s.dated.lists[datedKey{cg.SideMade, cg.OrderDateAsc, id}]; ok != (len(list) >= datedMin) {
			t.Errorf("actor %s with %d commitments: a list in date order %v", id, len(list), ok)
		}
	}
}
