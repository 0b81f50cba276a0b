package storetest

import (
	"slices"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// testEveryOrderPages lists the fixture in every order, now and as of a
// moment after every source, whole and a few commitments a page at a
// time: the whole listing follows the order's definition (checked here
// key by key, not through the domain's comparison alone), and the pages
// joined are that listing, with no repeats and no gaps.
func testEveryOrderPages(t *testing.T, s cg.Store) {
	ctx := t.Context()
	fx := Fixture()
	names := map[string]string{}
	for _, e := range fx.Entities {
		names[e.ID] = cg.FoldName(e.Name)
	}
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	filters := map[string]cg.CommitmentFilter{
		"all":        {},
		"src-a":      {SourceIDs: []string{"src-a"}},
		"as of 2030": {AsOf: &later},
	}
	for fname, f := range filters {
		for _, o := range cg.CommitmentOrders {
			t.Run(fname+"/"+string(o), func(t *testing.T) {
				t.Parallel() // read-only: as AsTheListing's cases
				whole := must(s.Commitments(ctx, f, cg.Page{Order: o}))(t)
				inOrder(t, whole.Commitments, o, names)
				want := commitmentIDs(whole.Commitments)
				// The definition: the domain's sort of the same commitments.
				def := slices.Clone(whole.Commitments)
				cg.SortCommitments(def, o, func(id string) string { return names[id] })
				sameIDs(t, "whole listing against the definition", want, commitmentIDs(def))
				for _, first := range []int{1, 2, 5} {
					var got []string
					after := ""
					for pages := 1; ; pages++ {
						if pages > len(want)+1 {
							t.Fatalf("first %d: more pages than commitments; so far %q", first, got)
						}
						p := must(s.Commitments(ctx, f, cg.Page{First: first, After: after, Order: o}))(t)
						if p.TotalCount != len(want) {
							t.Errorf("first %d, page %d: TotalCount %d, want %d", first, pages, p.TotalCount, len(want))
						}
						got = append(got, commitmentIDs(p.Commitments)...)
						if !p.HasNextPage || len(p.Commitments) == 0 {
							break
						}
						last := p.Commitments[len(p.Commitments)-1]
						after = cg.EncodeCursorNamed(last, o, names[last.ActorID])
					}
					if seen := slices.Compact(slices.Sorted(slices.Values(got))); len(seen) != len(got) {
						t.Errorf("first %d: repeats in %q", first, got)
					}
					sameIDs(t, "pages joined", got, want)
				}
			})
		}
	}
}

// inOrder checks a listing against the order's keys written out: the name
// ascending or the count descending, then the date, then the id.
func inOrder(t *testing.T, cs []*cg.Commitment, o cg.CommitmentOrder, names map[string]string) {
	t.Helper()
	for i := 1; i < len(cs); i++ {
		a, b := cs[i-1], cs[i]
		var primary int // <0: a first, >0: b first, 0: tie
		switch o {
		case cg.OrderActorName:
			primary = compareStrings(names[a.ActorID], names[b.ActorID])
		case cg.OrderEvidenceCountDesc:
			primary = len(b.Evidence) - len(a.Evidence)
		case cg.OrderSourceCountDesc:
			primary = distinctSources(b) - distinctSources(a)
		}
		if primary > 0 {
			t.Errorf("%s: %s before %s", o, a.ID, b.ID)
		}
		if primary != 0 || o == cg.OrderDateDesc || o == cg.OrderID {
			continue
		}
		if !a.Date.Known() && b.Date.Known() {
			t.Errorf("%s: undated %s before dated %s", o, a.ID, b.ID)
		}
		if a.Date == b.Date && a.ID > b.ID {
			t.Errorf("%s: tie %s before %s", o, a.ID, b.ID)
		}
		if a.Date.Known() && b.Date.Known() && a.Date.String() > b.Date.String() {
			t.Errorf("%s: %s (%s) before %s (%s)", o, a.ID, a.Date, b.ID, b.Date)
		}
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func distinctSources(c *cg.Commitment) int {
	seen := map[string]bool{}
	for _, e := range c.Evidence {
		seen[e.SourceID] = true
	}
	return len(seen)
}
