package storetest

import (
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

func testLookups(t *testing.T, s cg.Store) {
	ctx := t.Context()
	fx := Fixture()

	t.Run("Sources", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			ids  []string
			want []string
		}{
			{"nil gives all by id", nil, []string{"src-a", "src-b", "src-c"}},
			{"empty gives all by id", []string{}, []string{"src-a", "src-b", "src-c"}},
			{"by id, unknown absent, repeats once", []string{"src-c", "nope", "src-a", "src-c"}, []string{"src-a", "src-c"}},
			{"only unknown", []string{"nope"}, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sameIDs(t, "sources", sourceIDs(must(s.Sources(ctx, tc.ids))(t)), tc.want)
			})
		}
		t.Run("values preserved", func(t *testing.T) {
			got := must(s.Sources(ctx, nil))(t)
			sameValues(t, "source", got, fx.Sources, func(s *cg.Source) string { return s.ID }, func(s cg.Source) cg.Source { return s })
			// Precision is part of the value: a month-only date must not
			// come back as the first of the month.
			if len(got) == 3 && (got[1].Published != cg.Date{Year: 2025, Month: 8} || got[2].Published.Known()) {
				t.Errorf("published dates %v, %v: want 2025-08 and unknown", got[1].Published, got[2].Published)
			}
		})
	})

	t.Run("Entities", func(t *testing.T) {
		all := []string{"FRA", "ITA", "POL", "RUS", "UKR", "USA", "agr-budapest", "coalition", "ev-paris", "ev-rome",
			"ev-washington", "macron", "meloni", "nato", "prop-ita-24h", "prop-reassurance"}
		d := cg.MustDate
		for _, tc := range []struct {
			name string
			f    cg.EntityFilter
			want []string
		}{
			{"no filter gives all by id", cg.EntityFilter{}, all},
			{"ids, unknown absent, repeats once", cg.EntityFilter{IDs: []string{"UKR", "nope", "ITA", "ITA"}}, []string{"ITA", "UKR"}},
			{"kinds", cg.EntityFilter{Kinds: []cg.EntityKind{cg.KindEvent, cg.KindAgreement}}, []string{"agr-budapest", "ev-paris", "ev-rome", "ev-washington"}},
			{"one kind", cg.EntityFilter{Kinds: []cg.EntityKind{cg.KindPerson}}, []string{"macron", "meloni"}},
			{"ids and kinds", cg.EntityFilter{IDs: []string{"ITA", "meloni", "nato"}, Kinds: []cg.EntityKind{cg.KindPerson, cg.KindCountry}}, []string{"ITA", "meloni"}},
			// A year or month date overlaps the range; undated entities
			// never fall within a bounded range.
			{"date range with precisions", cg.EntityFilter{From: d("2025-08-01"), To: d("2025-08-31")}, []string{"ev-rome", "ev-washington", "prop-ita-24h"}},
			{"open start", cg.EntityFilter{To: d("2025-03-01")}, []string{"agr-budapest", "ev-paris", "ev-rome", "prop-reassurance"}},
			{"month bounds", cg.EntityFilter{From: d("2025-03"), To: d("2025-03")}, []string{"ev-paris", "ev-rome"}},
			{"kind and dates", cg.EntityFilter{Kinds: []cg.EntityKind{cg.KindEvent}, From: d("2025-08-01"), To: d("2025-08-31")}, []string{"ev-rome", "ev-washington"}},
			{"limit without search keeps id order", cg.EntityFilter{Limit: 3}, []string{"FRA", "ITA", "POL"}},
			// Search: exact name or alias, then prefix, then substring;
			// ties by name.
			{"search exact before substring", cg.EntityFilter{Search: "us"}, []string{"USA", "RUS", "ev-washington"}},
			{"search is case-insensitive", cg.EntityFilter{Search: "Us"}, []string{"USA", "RUS", "ev-washington"}},
			{"search prefix before substring", cg.EntityFilter{Search: "plan"}, []string{"prop-reassurance", "prop-ita-24h"}},
			{"search prefix ties by name", cg.EntityFilter{Search: "ITAL"}, []string{"prop-ita-24h", "ITA"}},
			{"search exact alias before prefix", cg.EntityFilter{Search: "rome"}, []string{"ITA", "ev-rome"}},
			{"search alias prefix before name substring", cg.EntityFilter{Search: "the"}, []string{"nato", "coalition"}},
			{"search alias", cg.EntityFilter{Search: "kyiv"}, []string{"UKR"}},
			{"search with kinds", cg.EntityFilter{Search: "us", Kinds: []cg.EntityKind{cg.KindCountry}}, []string{"USA", "RUS"}},
			{"search with limit keeps the best", cg.EntityFilter{Search: "us", Limit: 2}, []string{"USA", "RUS"}},
			{"search no match", cg.EntityFilter{Search: "zzz"}, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sameIDs(t, "entities", entityIDs(must(s.Entities(ctx, tc.f))(t)), tc.want)
			})
		}
		t.Run("negative limit", func(t *testing.T) {
			_, err := s.Entities(ctx, cg.EntityFilter{Limit: -1})
			wantError(t, err, cg.CodeBadInput, "limit")
		})
		t.Run("values preserved", func(t *testing.T) {
			got := must(s.Entities(ctx, cg.EntityFilter{}))(t)
			sameValues(t, "entity", got, fx.Entities, func(e *cg.Entity) string { return e.ID }, normEntity)
		})
	})

	t.Run("Relations", func(t *testing.T) {
		all := []string{"r-fra-member-coalition", "r-fra-member-nato", "r-ita-member-nato", "r-macron-president-fra",
			"r-macron-washington", "r-meloni-pm-ita", "r-meloni-washington", "r-pol-member-nato", "r-rus-budapest",
			"r-ukr-budapest", "r-usa-washington"}
		for _, tc := range []struct {
			name string
			f    cg.RelationFilter
			want []string
		}{
			{"no filter gives all by id", cg.RelationFilter{}, all},
			{"kind", cg.RelationFilter{Kinds: []cg.EdgeKind{cg.MemberOf}}, []string{"r-fra-member-coalition", "r-fra-member-nato", "r-ita-member-nato", "r-pol-member-nato"}},
			{"kinds", cg.RelationFilter{Kinds: []cg.EdgeKind{cg.Signed, cg.HoldsOffice}}, []string{"r-macron-president-fra", "r-meloni-pm-ita", "r-rus-budapest", "r-ukr-budapest"}},
			{"entity at either end", cg.RelationFilter{EntityIDs: []string{"FRA"}}, []string{"r-fra-member-coalition", "r-fra-member-nato", "r-macron-president-fra"}},
			{"entities", cg.RelationFilter{EntityIDs: []string{"ev-washington", "agr-budapest"}}, []string{"r-macron-washington", "r-meloni-washington", "r-rus-budapest", "r-ukr-budapest", "r-usa-washington"}},
			{"from", cg.RelationFilter{FromIDs: []string{"meloni"}}, []string{"r-meloni-pm-ita", "r-meloni-washington"}},
			{"to", cg.RelationFilter{ToIDs: []string{"nato"}}, []string{"r-fra-member-nato", "r-ita-member-nato", "r-pol-member-nato"}},
			{"from and to", cg.RelationFilter{FromIDs: []string{"FRA"}, ToIDs: []string{"nato"}}, []string{"r-fra-member-nato"}},
			{"source", cg.RelationFilter{SourceIDs: []string{"src-b"}}, []string{"r-fra-member-coalition", "r-macron-washington", "r-pol-member-nato", "r-usa-washington"}},
			{"any evidence from the source", cg.RelationFilter{SourceIDs: []string{"src-a"}}, []string{"r-macron-president-fra", "r-meloni-pm-ita", "r-meloni-washington", "r-usa-washington"}},
			{"kind and source", cg.RelationFilter{Kinds: []cg.EdgeKind{cg.ParticipatedIn}, SourceIDs: []string{"src-a"}}, []string{"r-meloni-washington", "r-usa-washington"}},
			{"entity and kind", cg.RelationFilter{EntityIDs: []string{"FRA"}, Kinds: []cg.EdgeKind{cg.HoldsOffice}}, []string{"r-macron-president-fra"}},
			{"no match", cg.RelationFilter{EntityIDs: []string{"ev-rome"}}, []string{}},
			{"ids, by id, unknown and other sections' ids left out", cg.RelationFilter{IDs: []string{"r-usa-washington", "nobody", "FRA", "r-fra-member-nato", "r-usa-washington"}}, []string{"r-fra-member-nato", "r-usa-washington"}},
			{"ids and kind", cg.RelationFilter{IDs: []string{"r-usa-washington", "r-fra-member-nato"}, Kinds: []cg.EdgeKind{cg.MemberOf}}, []string{"r-fra-member-nato"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sameIDs(t, "relations", relationIDs(must(s.Relations(ctx, tc.f))(t)), tc.want)
			})
		}
		t.Run("values preserved", func(t *testing.T) {
			got := must(s.Relations(ctx, cg.RelationFilter{}))(t)
			sameValues(t, "relation", got, fx.Relations, func(r *cg.Relation) string { return r.ID }, normRelation)
		})
	})

	t.Run("Claims", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			f    cg.ClaimFilter
			want []string
		}{
			{"no filter gives all by id", cg.ClaimFilter{}, []string{"cl-coalition-size-b", "cl-ita-plan-art5-a", "cl-ita-plan-art5-c"}},
			{"disputed subject keeps both accounts", cg.ClaimFilter{SubjectIDs: []string{"prop-ita-24h"}}, []string{"cl-ita-plan-art5-a", "cl-ita-plan-art5-c"}},
			{"source", cg.ClaimFilter{SourceIDs: []string{"src-c"}}, []string{"cl-ita-plan-art5-c"}},
			{"sources", cg.ClaimFilter{SourceIDs: []string{"src-a", "src-b"}}, []string{"cl-coalition-size-b", "cl-ita-plan-art5-a"}},
			{"subject and source", cg.ClaimFilter{SubjectIDs: []string{"prop-ita-24h"}, SourceIDs: []string{"src-a"}}, []string{"cl-ita-plan-art5-a"}},
			{"no match", cg.ClaimFilter{SubjectIDs: []string{"coalition"}, SourceIDs: []string{"src-a"}}, []string{}},
			{"ids, by id, unknown ids left out", cg.ClaimFilter{IDs: []string{"cl-ita-plan-art5-c", "c01-fra-troops", "cl-coalition-size-b"}}, []string{"cl-coalition-size-b", "cl-ita-plan-art5-c"}},
			{"ids and subject", cg.ClaimFilter{IDs: []string{"cl-ita-plan-art5-c", "cl-coalition-size-b"}, SubjectIDs: []string{"coalition"}}, []string{"cl-coalition-size-b"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sameIDs(t, "claims", claimIDs(must(s.Claims(ctx, tc.f))(t)), tc.want)
			})
		}
		t.Run("values preserved", func(t *testing.T) {
			got := must(s.Claims(ctx, cg.ClaimFilter{}))(t)
			sameValues(t, "claim", got, fx.Claims, func(c *cg.Claim) string { return c.ID }, normClaim)
		})
	})
}
