package dataset_test

import (
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
)

func TestCount(t *testing.T) {
	ev := func(n int) []cg.Evidence { return make([]cg.Evidence, n) }
	ds := &cg.Dataset{
		Sources:     []*cg.Source{{}, {}},
		Entities:    []*cg.Entity{{Evidence: ev(1)}, {}},
		Relations:   []*cg.Relation{{Evidence: ev(2)}},
		Commitments: []*cg.Commitment{{Evidence: ev(3)}, {Evidence: ev(4)}},
		Claims:      []*cg.Claim{{Evidence: ev(5)}},
	}
	want := dataset.Counts{Sources: 2, Entities: 2, Relations: 1, Commitments: 2, Claims: 1, Evidence: 15, CommitmentEvidence: 7}
	if got := dataset.Count(ds); got != want {
		t.Errorf("Count = %+v, want %+v", got, want)
	}
	if got, want := want.String(), "2 sources, 2 entities, 1 relations, 2 commitments, 1 claims, 15 evidence items"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
