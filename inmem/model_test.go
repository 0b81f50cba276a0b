package inmem_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// scan is the obvious answer to a commitment filter: check every
// commitment. The store must agree with it however it narrows candidates
// through its indexes.
func scan(ds *cg.Dataset, f cg.CommitmentFilter, order cg.CommitmentOrder) []string {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	var out []*cg.Commitment
	for _, c := range ds.Commitments {
		cites := len(f.SourceIDs) == 0
		for _, e := range c.Evidence {
			cites = cites || slices.Contains(f.SourceIDs, e.SourceID)
		}
		if in(f.IDs, c.ID) && (len(f.Kinds) == 0 || slices.Contains(f.Kinds, c.Kind)) &&
			(len(f.Statuses) == 0 || slices.Contains(f.Statuses, c.Status)) &&
			in(f.ActorIDs, c.ActorID) && in(f.TargetIDs, c.TargetID) && in(f.StatedByIDs, c.StatedByID) &&
			cites && c.Date.Within(f.From, f.To) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, cg.CompareCommitments(order))
	var ids []string
	for _, c := range out {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestCommitmentsAgreeWithScan(t *testing.T) {
	ds := storetest.Synthetic(3000, 40, 7)
	s, err := inmem.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	pickN := func(n int, from func() string) []string {
		var out []string
		for range n {
			out = append(out, from())
		}
		return out
	}
	entity := func() string { return ds.Entities[r.IntN(len(ds.Entities))].ID }
	date := func() cg.Date {
		return []cg.Date{{}, {Year: 2025}, {Year: 2025, Month: 1 + r.IntN(12)}, {Year: 2025, Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}}[r.IntN(4)]
	}
	orders := []cg.CommitmentOrder{cg.OrderDateAsc, cg.OrderDateDesc, cg.OrderID}
	for i := range 400 {
		var f cg.CommitmentFilter
		// Each field set with some chance, so that every combination of
		// narrowest index and remaining checks comes up.
		if r.IntN(6) == 0 {
			f.IDs = pickN(1+r.IntN(40), func() string { return ds.Commitments[r.IntN(len(ds.Commitments))].ID })
		}
		if r.IntN(3) == 0 {
			for range 1 + r.IntN(3) {
				f.Kinds = append(f.Kinds, cg.CommitmentKinds[r.IntN(len(cg.CommitmentKinds))])
			}
		}
		if r.IntN(3) == 0 {
			f.Statuses = append(f.Statuses, cg.Statuses[r.IntN(len(cg.Statuses))])
		}
		if r.IntN(3) == 0 {
			f.ActorIDs = pickN(1+r.IntN(3), entity)
		}
		if r.IntN(3) == 0 {
			f.TargetIDs = pickN(1+r.IntN(3), entity)
		}
		if r.IntN(3) == 0 {
			f.SourceIDs = pickN(1+r.IntN(2), func() string { return ds.Sources[r.IntN(len(ds.Sources))].ID })
		}
		if r.IntN(4) == 0 {
			f.StatedByIDs = pickN(1, entity)
		}
		if r.IntN(2) == 0 {
			f.From, f.To = date(), date()
		}
		order := orders[i%len(orders)]
		want := scan(ds, f, order)
		first := 1 + r.IntN(50)
		var got []string
		after := ""
		for {
			p, err := s.Commitments(t.Context(), f, cg.Page{First: first, After: after, Order: order})
			if err != nil {
				t.Fatalf("filter %+v: %v", f, err)
			}
			if p.TotalCount != len(want) {
				t.Fatalf("filter %+v: TotalCount %d, scan finds %d", f, p.TotalCount, len(want))
			}
			for _, c := range p.Commitments {
				got = append(got, c.ID)
			}
			if !p.HasNextPage {
				break
			}
			after = cg.EncodeCursor(p.Commitments[len(p.Commitments)-1], order)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("filter %+v order %s:\n got %v\nwant %v", f, order, got, want)
		}
	}
}
