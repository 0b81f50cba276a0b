package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The fixture's commitments in each order. Dates: c17 2024, c06 2025, c21
// 2025-02, c09 2025-03, c19 2025-03-11, c02 c12 2025-08, c03 c10 c11
// 2025-08-18, c04 c05 2025-08-19, c01 c14 c18 2025-08-20, c08 c16
// 2025-08-21, c15 2025-08-22; c07 c13 c20 undated (last in both directions).
var (
	allByID       = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21)
	allByDateAsc  = c(17, 6, 21, 9, 19, 2, 12, 3, 10, 11, 4, 5, 1, 14, 18, 8, 16, 15, 7, 13, 20)
	allByDateDesc = c(15, 8, 16, 1, 14, 18, 4, 5, 3, 10, 11, 2, 12, 19, 9, 21, 6, 17, 7, 13, 20)
)

func testCommitments(t *testing.T, s cg.Store) {
	ctx := t.Context()
	d := cg.MustDate

	t.Run("Filters", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			f    cg.CommitmentFilter
			want []string
		}{
			{"no filter", cg.CommitmentFilter{}, allByID},
			{"ids, unknown absent, repeats once", cg.CommitmentFilter{IDs: []string{c(5)[0], "nope", c(1)[0], c(5)[0]}}, c(1, 5)},
			{"kind", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}}, c(1, 12, 21)},
			{"kinds", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops, cg.RefusesTroops}}, c(1, 2, 5, 12, 14, 21)},
			{"kind with no commitments", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.ConsidersTroops}}, c()},
			{"status", cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusRefused}}, c(2, 5, 14)},
			{"statuses", cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusPledged, cg.StatusDelivered}}, c(8, 17, 19, 20)},
			{"actor", cg.CommitmentFilter{ActorIDs: []string{"FRA"}}, c(1, 8, 9, 18, 19, 21)},
			{"actors", cg.CommitmentFilter{ActorIDs: []string{"USA", "RUS"}}, c(4, 5, 6, 15, 16, 20)},
			{"target", cg.CommitmentFilter{TargetIDs: []string{"prop-ita-24h"}}, c(3, 11, 15)},
			{"target with many", cg.CommitmentFilter{TargetIDs: []string{"UKR"}}, c(1, 2, 4, 5, 8, 9, 10, 12, 13, 14, 17, 18, 20, 21)},
			{"source: any evidence from it", cg.CommitmentFilter{SourceIDs: []string{"src-b"}}, c(1, 4, 5, 12, 14, 16, 20)},
			{"sources: each once", cg.CommitmentFilter{SourceIDs: []string{"src-b", "src-c"}}, c(1, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 16, 17, 19, 20, 21)},
			{"stated by", cg.CommitmentFilter{StatedByIDs: []string{"meloni"}}, c(3, 10, 11, 14)},
			{"stated by another", cg.CommitmentFilter{StatedByIDs: []string{"macron"}}, c(1, 8, 19)},
			// Dates: a month or year overlapping the range is within it;
			// undated commitments only match an open range.
			{"day range", cg.CommitmentFilter{From: d("2025-08-19"), To: d("2025-08-20")}, c(1, 2, 4, 5, 6, 12, 14, 18)},
			{"open end", cg.CommitmentFilter{From: d("2025-08-21")}, c(2, 6, 8, 12, 15, 16)},
			{"open start", cg.CommitmentFilter{To: d("2025-03-31")}, c(6, 9, 17, 19, 21)},
			{"month bounds", cg.CommitmentFilter{From: d("2025-08"), To: d("2025-08")}, c(1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 14, 15, 16, 18)},
			{"year bounds", cg.CommitmentFilter{From: d("2024"), To: d("2024")}, c(17)},
			{"actor, kinds and date", cg.CommitmentFilter{ActorIDs: []string{"FRA"}, Kinds: []cg.EdgeKind{cg.OffersAirSupport, cg.OffersTroops}, From: d("2025-08-01")}, c(1, 8)},
			{"source and status", cg.CommitmentFilter{SourceIDs: []string{"src-a"}, Statuses: []cg.Status{cg.StatusStated}}, c(7, 10, 15)},
			{"target and stated by", cg.CommitmentFilter{TargetIDs: []string{"UKR"}, StatedByIDs: []string{"meloni"}}, c(10, 14)},
			{"ids and kind", cg.CommitmentFilter{IDs: c(1, 2, 3), Kinds: []cg.EdgeKind{cg.RefusesTroops}}, c(2)},
			{"fields AND together", cg.CommitmentFilter{ActorIDs: []string{"POL"}, Kinds: []cg.EdgeKind{cg.Supports}}, c()},
			{"unknown actor", cg.CommitmentFilter{ActorIDs: []string{"nope"}}, c()},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := must(s.Commitments(ctx, tc.f, cg.Page{Order: cg.OrderID}))(t)
				sameIDs(t, "commitments", commitmentIDs(p.Commitments), tc.want)
				if p.TotalCount != len(tc.want) || p.HasNextPage {
					t.Errorf("TotalCount %d, HasNextPage %v; want %d, false", p.TotalCount, p.HasNextPage, len(tc.want))
				}
			})
		}
	})

	t.Run("Order", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			f    cg.CommitmentFilter
			o    cg.CommitmentOrder
			want []string
		}{
			{"default is date ascending", cg.CommitmentFilter{}, "", allByDateAsc},
			{"date ascending", cg.CommitmentFilter{}, cg.OrderDateAsc, allByDateAsc},
			{"date descending", cg.CommitmentFilter{}, cg.OrderDateDesc, allByDateDesc},
			{"id", cg.CommitmentFilter{}, cg.OrderID, allByID},
			{"filtered, default", cg.CommitmentFilter{SourceIDs: []string{"src-a"}}, "", c(2, 3, 10, 1, 14, 18, 8, 15, 7)},
			{"filtered, descending", cg.CommitmentFilter{SourceIDs: []string{"src-a"}}, cg.OrderDateDesc, c(15, 8, 1, 14, 18, 3, 10, 2, 7)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := must(s.Commitments(ctx, tc.f, cg.Page{Order: tc.o}))(t)
				sameIDs(t, "commitments", commitmentIDs(p.Commitments), tc.want)
			})
		}
	})

	t.Run("EveryOrderPages", func(t *testing.T) { testEveryOrderPages(t, s) })

	t.Run("Pagination", func(t *testing.T) {
		srcA := cg.CommitmentFilter{SourceIDs: []string{"src-a"}}
		// c01 cites src-a twice and src-b once, c14 both once: each is
		// one commitment of the pages and of the total.
		srcAB := cg.CommitmentFilter{SourceIDs: []string{"src-a", "src-b"}}
		for _, tc := range []struct {
			f    cg.CommitmentFilter
			o    cg.CommitmentOrder
			want []string
		}{
			{cg.CommitmentFilter{}, cg.OrderDateAsc, allByDateAsc},
			{cg.CommitmentFilter{}, cg.OrderDateDesc, allByDateDesc},
			{cg.CommitmentFilter{}, cg.OrderID, allByID},
			{srcA, cg.OrderDateAsc, c(2, 3, 10, 1, 14, 18, 8, 15, 7)},
			{srcA, cg.OrderDateDesc, c(15, 8, 1, 14, 18, 3, 10, 2, 7)},
			{srcA, cg.OrderID, c(1, 2, 3, 7, 8, 10, 14, 15, 18)},
			{srcAB, cg.OrderDateAsc, c(2, 12, 3, 10, 4, 5, 1, 14, 18, 8, 16, 15, 7, 20)},
			{srcAB, cg.OrderID, c(1, 2, 3, 4, 5, 7, 8, 10, 12, 14, 15, 16, 18, 20)},
		} {
			for _, first := range []int{1, 2, 4, 9, 20, 21, 22} {
				name := fmt.Sprintf("%s/sources=%v/first=%d", tc.o, tc.f.SourceIDs, first)
				t.Run(name, func(t *testing.T) { walk(t, s, tc.f, tc.o, first, tc.want) })
			}
		}
	})

	t.Run("Cursors", func(t *testing.T) {
		com := func(n int) *cg.Commitment {
			p := must(s.Commitments(ctx, cg.CommitmentFilter{IDs: c(n)}, cg.Page{}))(t)
			if len(p.Commitments) != 1 {
				t.Fatalf("commitment %d not found", n)
			}
			return p.Commitments[0]
		}
		// A cursor is a position, not an offset: it works with a filter
		// that excludes the commitment it was made from.
		t.Run("keyset from a commitment outside the filter", func(t *testing.T) {
			after := cg.EncodeCursor(com(3), cg.OrderDateAsc)
			p := must(s.Commitments(ctx, cg.CommitmentFilter{SourceIDs: []string{"src-b"}}, cg.Page{After: after, First: 3}))(t)
			sameIDs(t, "page", commitmentIDs(p.Commitments), c(4, 5, 1))
			if p.TotalCount != 7 || !p.HasNextPage {
				t.Errorf("TotalCount %d, HasNextPage %v; want 7, true", p.TotalCount, p.HasNextPage)
			}
		})
		t.Run("after an undated commitment", func(t *testing.T) {
			p := must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{After: cg.EncodeCursor(com(7), cg.OrderDateDesc), Order: cg.OrderDateDesc}))(t)
			sameIDs(t, "page", commitmentIDs(p.Commitments), c(13, 20))
		})
		t.Run("after the last", func(t *testing.T) {
			p := must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{After: cg.EncodeCursor(com(20), cg.OrderDateAsc), First: 5}))(t)
			if len(p.Commitments) != 0 || p.HasNextPage || p.TotalCount != 21 {
				t.Errorf("got %q, HasNextPage %v, TotalCount %d; want none, false, 21", commitmentIDs(p.Commitments), p.HasNextPage, p.TotalCount)
			}
		})
		for _, tc := range []struct {
			name  string
			page  cg.Page
			field string
		}{
			{"negative first", cg.Page{First: -1}, "first"},
			{"unknown order", cg.Page{Order: "SIDEWAYS"}, "order"},
			{"garbage cursor", cg.Page{After: "not a cursor!"}, "after"},
			{"cursor of another order", cg.Page{After: cg.EncodeCursor(&cg.Commitment{ID: "c01-fra-troops", Date: d("2025-08-20")}, cg.OrderDateAsc), Order: cg.OrderID}, "after"},
			{"cursor of the other direction", cg.Page{After: cg.EncodeCursor(&cg.Commitment{ID: "c01-fra-troops", Date: d("2025-08-20")}, cg.OrderDateAsc), Order: cg.OrderDateDesc}, "after"},
			{"cursor with a bad date", cg.Page{After: rawCursor("v1|DATE_ASC|2025-13|c01-fra-troops")}, "after"},
			{"cursor of another version", cg.Page{After: rawCursor("v0|DATE_ASC|2025-08-20|c01-fra-troops")}, "after"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Commitments(ctx, cg.CommitmentFilter{}, tc.page)
				wantError(t, err, cg.CodeBadInput, tc.field)
			})
		}
	})

	t.Run("Related", func(t *testing.T) {
		for _, tc := range []struct {
			name              string
			f                 cg.CommitmentFilter
			page              cg.Page
			entities, sources []string
		}{
			// Actors, targets and speakers each once, in byte order.
			{"target", cg.CommitmentFilter{TargetIDs: []string{"prop-ita-24h"}}, cg.Page{Order: cg.OrderID},
				[]string{"ITA", "USA", "meloni", "prop-ita-24h"}, []string{"src-a", "src-c"}},
			// Only the page's: c03, next after c01 and c02, would add ITA,
			// meloni, prop-ita-24h and src-c; c12 after c11 would add
			// coalition, UKR and src-b.
			{"first page", cg.CommitmentFilter{}, cg.Page{First: 2, Order: cg.OrderID},
				[]string{"FRA", "POL", "UKR", "macron"}, []string{"src-a", "src-b"}},
			// c06, c02, c12 by date; c08 next would add FRA and macron.
			{"dated page", cg.CommitmentFilter{From: d("2025-08-21")}, cg.Page{First: 3},
				[]string{"POL", "RUS", "UKR", "coalition", "nato"}, []string{"src-a", "src-b", "src-c"}},
			{"page after a cursor", cg.CommitmentFilter{}, cg.Page{First: 1, Order: cg.OrderID, After: cg.EncodeCursor(&cg.Commitment{ID: c(10)[0]}, cg.OrderID)},
				[]string{"meloni", "prop-ita-24h"}, []string{"src-c"}},
			{"no match", cg.CommitmentFilter{ActorIDs: []string{"nope"}}, cg.Page{}, []string{}, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := must(s.Commitments(ctx, tc.f, tc.page))(t)
				sameRelated(t, p, tc.entities, tc.sources)
				// The commitments keep their evidence; only the related
				// entities come without theirs.
				byID := slices.SortedFunc(slices.Values(p.Commitments), func(a, b *cg.Commitment) int { return strings.Compare(a.ID, b.ID) })
				sameValues(t, "commitment", byID, pick(Fixture().Commitments, commitmentIDs(p.Commitments)...), func(c *cg.Commitment) string { return c.ID }, normCommitment)
			})
		}
	})

	// A bare page (cg.Page.Bare) is the full page, less whatever evidence
	// and related items the store leaves out.
	t.Run("Bare", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			f    cg.CommitmentFilter
			page cg.Page
		}{
			{"everything", cg.CommitmentFilter{}, cg.Page{}},
			{"actor, by date", cg.CommitmentFilter{ActorIDs: []string{"FRA"}}, cg.Page{Order: cg.OrderDateAsc}},
			{"target with many, a page", cg.CommitmentFilter{TargetIDs: []string{"UKR"}}, cg.Page{First: 3, Order: cg.OrderDateDesc}},
			{"target, after a cursor", cg.CommitmentFilter{TargetIDs: []string{"UKR"}}, cg.Page{First: 2, Order: cg.OrderID, After: cg.EncodeCursor(&cg.Commitment{ID: c(5)[0]}, cg.OrderID)}},
			{"source and status", cg.CommitmentFilter{SourceIDs: []string{"src-a"}, Statuses: []cg.Status{cg.StatusStated}}, cg.Page{}},
			{"dated page", cg.CommitmentFilter{From: d("2025-08-21")}, cg.Page{First: 3}},
			{"by actor name", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops, cg.RefusesTroops}}, cg.Page{First: 4, Order: cg.OrderActorName}},
			{"no match", cg.CommitmentFilter{ActorIDs: []string{"nope"}}, cg.Page{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				full := must(s.Commitments(ctx, tc.f, tc.page))(t)
				bp := tc.page
				bp.Bare = true
				bare := must(s.Commitments(ctx, tc.f, bp))(t)
				sameIDs(t, "commitments", commitmentIDs(bare.Commitments), commitmentIDs(full.Commitments))
				if bare.TotalCount != full.TotalCount || bare.HasNextPage != full.HasNextPage {
					t.Errorf("TotalCount %d, HasNextPage %v; the full page's %d, %v", bare.TotalCount, bare.HasNextPage, full.TotalCount, full.HasNextPage)
				}
				for i, b := range bare.Commitments {
					if i >= len(full.Commitments) {
						break
					}
					want, got := *full.Commitments[i], *b
					if got.Evidence != nil && !reflect.DeepEqual(normEvidence(got.Evidence), normEvidence(want.Evidence)) {
						t.Errorf("%s: evidence %+v, want none or the full page's %+v", b.ID, got.Evidence, want.Evidence)
					}
					got.Evidence, want.Evidence = nil, nil
					if !reflect.DeepEqual(normCommitment(got), normCommitment(want)) {
						t.Errorf("%s:\n got %+v\nwant %+v (the full page's, evidence aside)", b.ID, got, want)
					}
				}
				if bare.Entities == nil || bare.Sources == nil {
					t.Errorf("Entities %v, Sources %v: want empty or the full page's, never nil", bare.Entities, bare.Sources)
				}
				if len(bare.Entities) > 0 {
					sameIDs(t, "entities", entityIDs(bare.Entities), entityIDs(full.Entities))
				}
				if len(bare.Sources) > 0 {
					sameIDs(t, "sources", sourceIDs(bare.Sources), sourceIDs(full.Sources))
				}
			})
		}
	})

	t.Run("values preserved", func(t *testing.T) {
		p := must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{Order: cg.OrderID}))(t)
		sameValues(t, "commitment", p.Commitments, Fixture().Commitments, func(c *cg.Commitment) string { return c.ID }, normCommitment)
		// Spelled out for the fields backends most often get wrong.
		if len(p.Commitments) == 0 {
			return
		}
		c01 := p.Commitments[0]
		wantEv := cg.Evidence{SourceID: "src-a", Quote: "Macron said France “will be there”", AttributedTo: "Emmanuel Macron", Line: 5}
		if len(c01.Evidence) != 3 || c01.Evidence[2] != wantEv {
			t.Errorf("c01 evidence %+v: want 3 items, the last %+v", c01.Evidence, wantEv)
		}
		if len(c01.Conditions) != 2 || c01.Conditions[0] != "after a ceasefire" || c01.Conditions[1] != "no front-line deployment" {
			t.Errorf("c01 conditions %q: want the dataset's order", c01.Conditions)
		}
		if c01.Date.Precision() != cg.PrecisionDay || p.Commitments[1].Date.Precision() != cg.PrecisionMonth ||
			p.Commitments[5].Date.Precision() != cg.PrecisionYear || p.Commitments[6].Date.Precision() != cg.PrecisionUnknown {
			t.Errorf("date precisions not preserved: %v %v %v %v", c01.Date, p.Commitments[1].Date, p.Commitments[5].Date, p.Commitments[6].Date)
		}
	})
}

// walk pages through a listing with cursors made from each page's last
// commitment and checks that the pages join up to the whole listing.
func walk(t *testing.T, s cg.Store, f cg.CommitmentFilter, o cg.CommitmentOrder, first int, want []string) {
	var got []string
	after := ""
	for pages := 1; ; pages++ {
		if pages > len(want)+1 {
			t.Fatalf("more pages than commitments; so far %q", got)
		}
		p := must(s.Commitments(t.Context(), f, cg.Page{First: first, After: after, Order: o}))(t)
		if p.TotalCount != len(want) {
			t.Errorf("page %d: TotalCount %d, want %d", pages, p.TotalCount, len(want))
		}
		remaining := len(want) - len(got)
		wantLen, wantNext := min(first, remaining), remaining > first
		if len(p.Commitments) != wantLen || p.HasNextPage != wantNext {
			t.Fatalf("page %d: %d commitments, HasNextPage %v; want %d, %v", pages, len(p.Commitments), p.HasNextPage, wantLen, wantNext)
		}
		got = append(got, commitmentIDs(p.Commitments)...)
		if !p.HasNextPage {
			break
		}
		after = cg.EncodeCursor(p.Commitments[len(p.Commitments)-1], o)
	}
	sameIDs(t, "pages joined", got, want)
}

// sameRelated checks the entities and sources a page refers to: their ids
// in order, and their values as the fixture holds them.
// withoutEvidence copies the entities with their Evidence nil.
func withoutEvidence(es []*cg.Entity) []*cg.Entity {
	out := make([]*cg.Entity, len(es))
	for i, e := range es {
		slim := *e
		slim.Evidence = nil
		out[i] = &slim
	}
	return out
}

func sameRelated(t *testing.T, p *cg.CommitmentPage, entities, sources []string) {
	t.Helper()
	if p.Entities == nil || p.Sources == nil {
		t.Errorf("related entities %v, sources %v: want non-nil", p.Entities, p.Sources)
	}
	sameIDs(t, "related entities", entityIDs(p.Entities), entities)
	sameIDs(t, "related sources", sourceIDs(p.Sources), sources)
	if t.Failed() {
		return
	}
	fx := Fixture()
	sameValues(t, "entity without evidence", p.Entities, withoutEvidence(pick(fx.Entities, entities...)), func(e *cg.Entity) string { return e.ID }, normEntity)
	sameValues(t, "source", p.Sources, pick(fx.Sources, sources...), func(s *cg.Source) string { return s.ID }, func(s cg.Source) cg.Source { return s })
}
