package coalitiongraph_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// TestPageInOrderAsCutPage checks that a page cut from a list already in
// its order is the page CutPage chooses from the same commitments in id
// order: every order PageInOrder takes, with and without a filter, from
// the top and from each cursor, with ties on dates (years only) and
// unknown dates.
func TestPageInOrderAsCutPage(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	dates := []string{"", "2024", "2024", "2025", "2025-03", "2025-03-14", "2025-08", "2023-12-01"}
	var byID []*cg.Commitment
	for i := range 300 {
		byID = append(byID, &cg.Commitment{ID: fmt.Sprintf("c%04d", i), Kind: cg.CommitmentKinds[r.IntN(3)],
			Date: cg.MustDate(dates[r.IntN(len(dates))])})
	}
	for _, order := range []cg.CommitmentOrder{cg.OrderID, cg.OrderDateAsc, cg.OrderDateDesc} {
		sorted := slices.Clone(byID)
		cg.SortCommitments(sorted, order, nil)
		for _, tc := range []struct {
			name string
			keep func(*cg.Commitment) bool
			all  bool
		}{
			{"all", func(*cg.Commitment) bool { return true }, true},
			{"one kind", func(c *cg.Commitment) bool { return c.Kind == cg.CommitmentKinds[1] }, false},
			{"none", func(*cg.Commitment) bool { return false }, false},
		} {
			for _, first := range []int{0, 1, 7, 300, 400} {
				t.Run(fmt.Sprintf("%s/%s/first=%d", order, tc.name, first), func(t *testing.T) {
					// From the top, then after every commitment.
					afters := []*cg.CursorKey{nil}
					for _, c := range byID {
						k := cg.PositionOf(c, order, "")
						afters = append(afters, &k)
					}
					for _, after := range afters {
						want := cg.CutPage(byID, tc.keep, order, after, first, nil)
						got := cg.PageInOrder(sorted, tc.keep, tc.all, order, after, first)
						if got.TotalCount != want.TotalCount || got.HasNextPage != want.HasNextPage ||
							!slices.Equal(ids(got.Commitments), ids(want.Commitments)) {
							t.Fatalf("after %v: got total %d next %v %v, want total %d next %v %v", after,
								got.TotalCount, got.HasNextPage, ids(got.Commitments), want.TotalCount, want.HasNextPage, ids(want.Commitments))
						}
					}
				})
			}
		}
	}
}

func ids(cs []*cg.Commitment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
