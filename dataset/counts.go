package dataset

import (
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Counts are how many items of each section a dataset holds. It is the one
// place that knows which sections carry evidence, for the seed's summary
// and for the tests that work out the graph a load makes.
type Counts struct {
	Sources, Entities, Relations, Commitments, Claims int
	// Evidence counts every evidence item, CommitmentEvidence those of
	// commitments alone.
	Evidence, CommitmentEvidence int
}

// Count counts the items of ds.
func Count(ds *cg.Dataset) Counts {
	n := Counts{Sources: len(ds.Sources), Entities: len(ds.Entities), Relations: len(ds.Relations),
		Commitments: len(ds.Commitments), Claims: len(ds.Claims)}
	for _, e := range ds.Entities {
		n.Evidence += len(e.Evidence)
	}
	for _, r := range ds.Relations {
		n.Evidence += len(r.Evidence)
	}
	for _, c := range ds.Commitments {
		n.CommitmentEvidence += len(c.Evidence)
	}
	for _, c := range ds.Claims {
		n.Evidence += len(c.Evidence)
	}
	n.Evidence += n.CommitmentEvidence
	return n
}

func (n Counts) String() string {
	return fmt.Sprintf("%d sources, %d entities, %d relations, %d commitments, %d claims, %d evidence items",
		n.Sources, n.Entities, n.Relations, n.Commitments, n.Claims, n.Evidence)
}
