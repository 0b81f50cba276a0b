package inmem_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// The maintained answers (a page cut from the store's ordering, counts
// from the maintained totals) must equal what selecting every match
// gives. Adding every status (or kind) to a filter selects the same
// commitments but takes the selecting path, so each case is asked both
// ways, on a store
// whose indexes writes have changed since it was loaded.
func TestMaintainedAnswersEqualSelection(t *testing.T) {
	ds := storetest.SyntheticSkewed(20000, 1000, 1)
	s, err := inmem.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	at := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 20000; i += 37 {
		id := fmt.Sprintf("c%07d", i)
		if _, err := s.RetractCommitment(ctx, id, 1, cg.WriteMeta{By: "test", At: at, Reason: "test"}); err != nil {
			t.Fatalf("retract %s: %v", id, err)
		}
	}
	top := func(key func(*cg.Commitment) string) string {
		n := map[string]int{}
		for _, c := range ds.Commitments {
			n[key(c)]++
		}
		best := ""
		for k, v := range n {
			if best == "" || v > n[best] || (v == n[best] && k < best) {
				best = k
			}
		}
		return best
	}
	actor := top(func(c *cg.Commitment) string { return c.ActorID })
	target := top(func(c *cg.Commitment) string { return c.TargetID })
	stater := top(func(c *cg.Commitment) string { return c.StatedByID })
	cases := []struct {
		name string
		f    cg.CommitmentFilter
	}{
		{"everything", cg.CommitmentFilter{}},
		{"kind", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}}},
		{"kind twice", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops, cg.OffersTroops}}},
		{"two kinds", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops, cg.OffersAirSupport}}},
		{"status", cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusOffered}}},
		{"top actor", cg.CommitmentFilter{ActorIDs: []string{actor}}},
		{"top actor and a kind", cg.CommitmentFilter{ActorIDs: []string{actor}, Kinds: []cg.EdgeKind{cg.OffersTroops}}},
		{"top target", cg.CommitmentFilter{TargetIDs: []string{target}}},
		{"source", cg.CommitmentFilter{SourceIDs: []string{"src-1"}}},
		{"stater", cg.CommitmentFilter{StatedByIDs: []string{stater}}},
		{"rare actor", cg.CommitmentFilter{ActorIDs: []string{"e00999"}}},
		{"a month", cg.CommitmentFilter{From: cg.MustDate("2025-03"), To: cg.MustDate("2025-03")}},
		{"days across months", cg.CommitmentFilter{From: cg.MustDate("2025-03-15"), To: cg.MustDate("2025-04-02")}},
		{"one day", cg.CommitmentFilter{From: cg.MustDate("2025-06-01"), To: cg.MustDate("2025-06-01")}},
		{"from a day on", cg.CommitmentFilter{From: cg.MustDate("2025-06-10")}},
		{"from a year on", cg.CommitmentFilter{From: cg.MustDate("2025")}},
		{"up to a month", cg.CommitmentFilter{To: cg.MustDate("2024-05")}},
		{"up to a day", cg.CommitmentFilter{To: cg.MustDate("2025-01-01")}},
		{"to before from", cg.CommitmentFilter{From: cg.MustDate("2025-05"), To: cg.MustDate("2025-02-11")}},
		{"dates and a kind", cg.CommitmentFilter{From: cg.MustDate("2025-03"), To: cg.MustDate("2025-05"), Kinds: []cg.EdgeKind{cg.OffersTroops}}},
	}
	for _, tc := range cases {
		// Every status (or, when the filter names statuses, every kind)
		// adds a field that selects nothing less.
		selecting := tc.f
		if len(tc.f.Statuses) == 0 {
			selecting.Statuses = cg.Statuses
		} else {
			selecting.Kinds = cg.CommitmentKinds
		}
		t.Run(tc.name, func(t *testing.T) {
			for _, order := range []cg.CommitmentOrder{cg.OrderDateAsc, cg.OrderDateDesc, cg.OrderID} {
				after := ""
				for pageNo := range 4 {
					got, err := s.Commitments(ctx, tc.f, cg.Page{First: 20, Order: order, After: after})
					if err != nil {
						t.Fatal(err)
					}
					want, err := s.Commitments(ctx, selecting, cg.Page{First: 20, Order: order, After: after})
					if err != nil {
						t.Fatal(err)
					}
					if got.TotalCount != want.TotalCount || got.HasNextPage != want.HasNextPage || !slices.Equal(ids(got.Commitments), ids(want.Commitments)) ||
						!slices.Equal(entityIDs(got.Entities), entityIDs(want.Entities)) || len(got.Sources) != len(want.Sources) {
						t.Fatalf("%s page %d: got total %d next %v %v, want total %d next %v %v", order, pageNo,
							got.TotalCount, got.HasNextPage, ids(got.Commitments), want.TotalCount, want.HasNextPage, ids(want.Commitments))
					}
					if len(got.Commitments) == 0 {
						break
					}
					after = cg.EncodeCursor(got.Commitments[len(got.Commitments)-1], order)
				}
			}
			got, err := s.Counts(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.Counts(ctx, selecting)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("counts: got %v, want %v", got, want)
			}
		})
	}
}

func ids(cs []*cg.Commitment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func entityIDs(es []*cg.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
