package inmem

import (
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// sortByDate must give the orders cg.CompareCommitments defines, ties and
// unknown dates included.
func TestSortByDateIsTheDateOrders(t *testing.T) {
	ds := storetest.SyntheticSkewed(5000, 200, 3)
	ds.Commitments = append(ds.Commitments,
		&cg.Commitment{ID: "z1", Date: cg.Date{Year: 9999, Month: 12, Day: 31}},
		&cg.Commitment{ID: "z2", Date: cg.Date{Year: 1}},
		&cg.Commitment{ID: "z3"})
	byID := slices.Clone(ds.Commitments)
	slices.SortFunc(byID, cg.CompareCommitments(cg.OrderID))
	for _, tc := range []struct {
		order cg.CommitmentOrder
		desc  bool
	}{{cg.OrderDateAsc, false}, {cg.OrderDateDesc, true}} {
		want := slices.Clone(byID)
		slices.SortFunc(want, cg.CompareCommitments(tc.order))
		got := sortByDate(byID, tc.desc)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the orders differ", tc.order)
		}
	}
}
