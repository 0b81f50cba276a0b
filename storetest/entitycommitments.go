package storetest

import (
	"fmt"
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// testEntityCommitments checks EntityCommitments: a few pages worked out by
// hand, then, for every side, order and a few filters, that each entity's
// page of a many-entity call is the page Commitments answers for the
// query's Filter (the method's definition), walking every entity's pages
// by cursor; and the errors.
func testEntityCommitments(t *testing.T, s cg.Store) {
	ctx := t.Context()
	fx := Fixture()
	names := map[string]string{}
	for _, e := range fx.Entities {
		names[e.ID] = cg.FoldName(e.Name)
	}

	t.Run("ByHand", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			q     cg.EntityCommitmentsQuery
			want  map[string][]string
			total map[string]int
			next  map[string]bool
		}{
			{"made, date ascending, first 2", cg.EntityCommitmentsQuery{Side: cg.SideMade, EntityIDs: []string{"FRA"}, Page: cg.Page{First: 2}},
				map[string][]string{"FRA": c(21, 9)}, map[string]int{"FRA": 6}, map[string]bool{"FRA": true}},
			{"made, by id, after a cursor, to the end", cg.EntityCommitmentsQuery{Side: cg.SideMade, EntityIDs: []string{"FRA"},
				Page: cg.Page{First: 10, Order: cg.OrderID, After: cg.IDCursor(c(9)[0])}},
				map[string][]string{"FRA": c(18, 19, 21)}, map[string]int{"FRA": 6}, map[string]bool{"FRA": false}},
			{"received, a kind, many entities, one with none, one unknown", cg.EntityCommitmentsQuery{Side: cg.SideReceived,
				EntityIDs: []string{"UKR", "prop-ita-24h", "FRA", "nope"}, Kinds: []cg.EdgeKind{cg.OffersTroops}, Page: cg.Page{First: 2, Order: cg.OrderID}},
				map[string][]string{"UKR": c(1, 12), "prop-ita-24h": c(), "FRA": c(), "nope": c()},
				map[string]int{"UKR": 3}, map[string]bool{"UKR": true}},
			{"made, statuses, whole", cg.EntityCommitmentsQuery{Side: cg.SideMade, EntityIDs: []string{"FRA", "USA"},
				Statuses: []cg.Status{cg.StatusPledged, cg.StatusDelivered}, Page: cg.Page{Order: cg.OrderDateDesc}},
				map[string][]string{"FRA": c(8, 19), "USA": c(20)}, map[string]int{"FRA": 2, "USA": 1}, nil},
			{"made, most evidence first, first 1", cg.EntityCommitmentsQuery{Side: cg.SideMade, EntityIDs: []string{"ITA", "ev-paris"},
				Page: cg.Page{First: 1, Order: cg.OrderEvidenceCountDesc}},
				nil, map[string]int{"ITA": 3}, map[string]bool{"ITA": true}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := must(s.EntityCommitments(ctx, tc.q))(t)
				if len(res.Pages) != len(slices.Compact(slices.Sorted(slices.Values(tc.q.EntityIDs)))) {
					t.Errorf("%d pages for ids %v", len(res.Pages), tc.q.EntityIDs)
				}
				for _, id := range tc.q.EntityIDs {
					p := res.Pages[id]
					if p == nil {
						t.Fatalf("no page for %s", id)
					}
					if want, ok := tc.want[id]; ok {
						sameIDs(t, id, commitmentIDs(p.Commitments), want)
					}
					if p.TotalCount != tc.total[id] || p.HasNextPage != tc.next[id] {
						t.Errorf("%s: TotalCount %d, HasNextPage %v; want %d, %v", id, p.TotalCount, p.HasNextPage, tc.total[id], tc.next[id])
					}
				}
			})
		}
	})

	t.Run("AsTheListing", func(t *testing.T) {
		ids := []string{"FRA", "USA", "UKR", "ITA", "prop-ita-24h", "meloni", "ev-paris", "nope"}
		filters := []struct {
			name     string
			kinds    []cg.EdgeKind
			statuses []cg.Status
		}{
			{"all", nil, nil},
			{"kinds", []cg.EdgeKind{cg.OffersAirSupport, cg.OffersTroops, cg.Supports}, nil},
			{"statuses", nil, []cg.Status{cg.StatusStated, cg.StatusOffered}},
		}
		for _, side := range []cg.Side{cg.SideMade, cg.SideReceived} {
			for _, f := range filters {
				for _, o := range cg.CommitmentOrders {
					t.Run(fmt.Sprintf("%s/%s/%s", side, f.name, o), func(t *testing.T) {
						// Read-only over the one loaded store: on Neo4j
						// each case's statements are planned cold (2-3 s
						// each), and two cases plan at once on two cores.
						t.Parallel()
						q := cg.EntityCommitmentsQuery{Side: side, EntityIDs: ids, Kinds: f.kinds, Statuses: f.statuses, Page: cg.Page{First: 1, Order: o}}
						// Every entity's first page in one call, then each
						// entity's further pages with its cursor, the call
						// still naming every entity: the cursor is a position
						// in the order, which every entity's listing has.
						walked := map[string][]string{}
						var cursors []string
						first := must(s.EntityCommitments(ctx, q))(t)
						checkPages(t, s, q, first, names)
						for _, id := range ids {
							p := first.Pages[id]
							walked[id] = commitmentIDs(p.Commitments)
							for n := 0; p.HasNextPage; n++ {
								if n > len(fx.Commitments) {
									t.Fatalf("%s: more pages than commitments", id)
								}
								last := p.Commitments[len(p.Commitments)-1]
								qn := q
								qn.Page.After = cg.EncodeCursorNamed(last, o, names[last.ActorID])
								cursors = append(cursors, qn.Page.After)
								res := must(s.EntityCommitments(ctx, qn))(t)
								checkPages(t, s, qn, res, names)
								p = res.Pages[id]
								walked[id] = append(walked[id], commitmentIDs(p.Commitments)...)
							}
						}
						for _, id := range ids {
							whole := must(s.Commitments(ctx, q.Filter(id), cg.Page{Order: o}))(t)
							sameIDs(t, id+": pages joined", walked[id], commitmentIDs(whole.Commitments))
						}
						if len(cursors) == 0 {
							t.Fatal("no entity had a second page: the walk proves nothing")
						}
					})
				}
			}
		}
	})

	t.Run("Errors", func(t *testing.T) {
		_, err := s.EntityCommitments(ctx, cg.EntityCommitmentsQuery{Side: "SIDEWAYS", EntityIDs: []string{"FRA"}})
		wantError(t, err, cg.CodeBadInput, "side")
		_, err = s.EntityCommitments(ctx, cg.EntityCommitmentsQuery{Side: cg.SideMade, EntityIDs: []string{"FRA"}, Page: cg.Page{After: "nope"}})
		wantError(t, err, cg.CodeBadInput, "after")
		_, err = s.EntityCommitments(ctx, cg.EntityCommitmentsQuery{Side: cg.SideMade, EntityIDs: []string{"FRA"},
			Page: cg.Page{Order: cg.OrderID, After: cg.EncodeCursor(&cg.Commitment{ID: "x"}, cg.OrderDateAsc)}})
		wantError(t, err, cg.CodeBadInput, "after")
		_, err = s.EntityCommitments(ctx, cg.EntityCommitmentsQuery{Side: cg.SideMade, EntityIDs: make([]string, cg.MaxEntityPages+1)})
		wantError(t, err, cg.CodeBadInput, "entityIds")
		res := must(s.EntityCommitments(ctx, cg.EntityCommitmentsQuery{Side: cg.SideMade}))(t)
		if len(res.Pages) != 0 || res.Entities == nil || res.Sources == nil {
			t.Errorf("no ids: %+v", res)
		}
	})
}

// checkPages holds every page of res to the listing's page of the query's
// Filter (commitments with all their fields, total, next page), and the
// related entities and sources to what the pages refer to.
func checkPages(t *testing.T, s cg.Store, q cg.EntityCommitmentsQuery, res *cg.EntityCommitments, names map[string]string) {
	t.Helper()
	var all []*cg.Commitment
	for _, id := range q.EntityIDs {
		p := res.Pages[id]
		if p == nil {
			t.Fatalf("no page for %s", id)
		}
		want := must(s.Commitments(t.Context(), q.Filter(id), q.Page))(t)
		sameIDs(t, id, commitmentIDs(p.Commitments), commitmentIDs(want.Commitments))
		if p.TotalCount != want.TotalCount || p.HasNextPage != want.HasNextPage {
			t.Errorf("%s: TotalCount %d, HasNextPage %v; the listing %d, %v", id, p.TotalCount, p.HasNextPage, want.TotalCount, want.HasNextPage)
		}
		for i, c := range p.Commitments {
			if i < len(want.Commitments) && !sameCommitment(c, want.Commitments[i]) {
				t.Errorf("%s: commitment %s\n got %+v\nwant %+v", id, c.ID, *c, *want.Commitments[i])
			}
		}
		all = append(all, p.Commitments...)
	}
	var eids, sids []string
	for _, c := range all {
		eids = append(eids, c.ActorID, c.TargetID)
		if c.StatedByID != "" {
			eids = append(eids, c.StatedByID)
		}
		for _, ev := range c.Evidence {
			sids = append(sids, ev.SourceID)
		}
	}
	sameIDs(t, "related entities", entityIDs(res.Entities), slices.Compact(slices.Sorted(slices.Values(eids))))
	sameIDs(t, "related sources", sourceIDs(res.Sources), slices.Compact(slices.Sorted(slices.Values(sids))))
	for _, e := range res.Entities {
		if len(e.Evidence) != 0 {
			t.Errorf("related entity %s came with its evidence", e.ID)
		}
		if names[e.ID] != cg.FoldName(e.Name) {
			t.Errorf("related entity %s: name %q", e.ID, e.Name)
		}
	}
}

func sameCommitment(a, b *cg.Commitment) bool {
	x, y := normCommitment(*a), normCommitment(*b)
	return fmt.Sprintf("%+v", x) == fmt.Sprintf("%+v", y)
}
