package inmem

import (
	"math/rand/v2"
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// The pages of entities with many commitments, cut from the lists kept in
// date order (dated.go), must be the listing's pages for the same filter,
// cursor by cursor, before writes and after records, changes of status and
// date, and retractions moved those lists.
func TestDatedPagesFollowWrites(t *testing.T) {
	old := datedMin
	datedMin = 20 // most of this graph's busy entities
	defer func() { datedMin = old }()
	ctx := t.Context()
	ds := storetest.SyntheticSkewed(3000, 150, 4)
	ds.Sources = append(ds.Sources, &cg.Source{ID: "src-text", File: "text.txt", Text: "a quote\n"})
	s, err := New(ds)
	if err != nil {
		t.Fatal(err)
	}
	var busy []string
	for id, l := range s.byActor {
		if len(l) >= datedMin {
			busy = append(busy, id)
		}
	}
	for id, l := range s.byTarget {
		if len(l) >= datedMin && !slices.Contains(busy, id) {
			busy = append(busy, id)
		}
	}
	slices.Sort(busy)
	if len(busy) < 5 {
		t.Fatalf("only %d entities with %d commitments or more", len(busy), datedMin)
	}
	ids := func(cs []*cg.Commitment) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	compare := func(when string) {
		t.Helper()
		for _, id := range busy {
			for _, side := range []cg.Side{cg.SideMade, cg.SideReceived} {
				for _, order := range []cg.CommitmentOrder{cg.OrderDateAsc, cg.OrderDateDesc, cg.OrderID} {
					for _, kinds := range [][]cg.EdgeKind{nil, cg.CommitmentKinds[:2]} {
						q := cg.EntityCommitmentsQuery{Side: side, EntityIDs: []string{id}, Kinds: kinds, Page: cg.Page{First: 9, Order: order}}
						for pages := 0; ; pages++ {
							got, err := s.EntityCommitments(ctx, q)
							if err != nil {
								t.Fatal(err)
							}
							want, err := s.Commitments(ctx, q.Filter(id), q.Page)
							if err != nil {
								t.Fatal(err)
							}
							p := got.Pages[id]
							if p.TotalCount != want.TotalCount || p.HasNextPage != want.HasNextPage || !slices.Equal(ids(p.Commitments), ids(want.Commitments)) {
								t.Fatalf("%s: %s %s %s kinds %v page %d: got total %d next %v %v, want total %d next %v %v", when, id, side, order, kinds, pages,
									p.TotalCount, p.HasNextPage, ids(p.Commitments), want.TotalCount, want.HasNextPage, ids(want.Commitments))
							}
							if !p.HasNextPage {
								break
							}
							q.Page.After = cg.EncodeCursor(p.Commitments[len(p.Commitments)-1], order)
						}
					}
				}
			}
		}
	}
	compare("before writes")
	if n := len(s.dated.lists); n == 0 {
		t.Fatal("no list kept in date order: the pages did not use them")
	}
	w := &randomWriter{t: t, s: s, r: rand.New(rand.NewPCG(4, 4)), ends: busy,
		dates: []string{"", "2024", "2025-03", "2025-08-20", "2023"}, live: ids(ds.Commitments)}
	for i := range 300 {
		w.write(i)
	}
	compare("after writes")
}
