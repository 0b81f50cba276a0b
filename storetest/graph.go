package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Edges of the fixture as paths name them: in the edge's own direction,
// whichever way the path runs.
var (
	eMacronWashington = cg.EdgeRef{ID: "r-macron-washington", Kind: cg.ParticipatedIn, FromID: "macron", ToID: "ev-washington"}
	eMeloniWashington = cg.EdgeRef{ID: "r-meloni-washington", Kind: cg.ParticipatedIn, FromID: "meloni", ToID: "ev-washington"}
	ePolRefuses       = cg.EdgeRef{ID: "c02-pol-refuses", Kind: cg.RefusesTroops, FromID: "POL", ToID: "UKR"}
	ePolEquipment     = cg.EdgeRef{ID: "c17-pol-equipment", Kind: cg.OffersEquipment, FromID: "POL", ToID: "UKR"}
	ePolNato          = cg.EdgeRef{ID: "r-pol-member-nato", Kind: cg.MemberOf, FromID: "POL", ToID: "nato"}
	eItaSupports      = cg.EdgeRef{ID: "c10-ita-supports", Kind: cg.Supports, FromID: "ITA", ToID: "UKR"}
	eItaRefuses       = cg.EdgeRef{ID: "c14-ita-refuses", Kind: cg.RefusesTroops, FromID: "ITA", ToID: "UKR"}
	eItaNato          = cg.EdgeRef{ID: "r-ita-member-nato", Kind: cg.MemberOf, FromID: "ITA", ToID: "nato"}
	eFraVenue         = cg.EdgeRef{ID: "c19-fra-venue", Kind: cg.OffersVenue, FromID: "FRA", ToID: "ev-paris"}
	eUkrBudapest      = cg.EdgeRef{ID: "r-ukr-budapest", Kind: cg.Signed, FromID: "UKR", ToID: "agr-budapest"}
	eCoalitionTroops  = cg.EdgeRef{ID: "c12-coalition-troops", Kind: cg.OffersTroops, FromID: "coalition", ToID: "UKR"}
	eUsaUkr           = []cg.EdgeRef{ // the edges between USA and UKR, by id
		{ID: "c04-usa-air", Kind: cg.OffersAirSupport, FromID: "USA", ToID: "UKR"},
		{ID: "c05-usa-refuses", Kind: cg.RefusesTroops, FromID: "USA", ToID: "UKR"},
		{ID: "c07-ukr-demands", Kind: cg.Demands, FromID: "UKR", ToID: "USA"},
		{ID: "c20-usa-support", Kind: cg.OffersSupport, FromID: "USA", ToID: "UKR"},
	}
	eFraUkr = []cg.EdgeRef{ // the five parallel FRA → UKR commitments, by id
		{ID: "c01-fra-troops", Kind: cg.OffersTroops, FromID: "FRA", ToID: "UKR"},
		{ID: "c08-fra-air", Kind: cg.OffersAirSupport, FromID: "FRA", ToID: "UKR"},
		{ID: "c09-fra-air-old", Kind: cg.OffersAirSupport, FromID: "FRA", ToID: "UKR"},
		{ID: "c18-fra-surveillance", Kind: cg.OffersSurveillance, FromID: "FRA", ToID: "UKR"},
		{ID: "c21-fra-troops-old", Kind: cg.OffersTroops, FromID: "FRA", ToID: "UKR"},
	}
)

func path(entities string, edges ...cg.EdgeRef) cg.Path {
	return cg.Path{EntityIDs: strings.Fields(entities), Edges: edges}
}

func showPaths(ps []cg.Path) string {
	var b strings.Builder
	for _, p := range ps {
		var es []string
		for _, e := range p.Edges {
			es = append(es, fmt.Sprintf("%s(%s %s→%s)", e.ID, e.Kind, e.FromID, e.ToID))
		}
		fmt.Fprintf(&b, "\n  %v via %v", p.EntityIDs, es)
	}
	return b.String()
}

func samePaths(got, want []cg.Path) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !slices.Equal(got[i].EntityIDs, want[i].EntityIDs) || !slices.Equal(got[i].Edges, want[i].Edges) {
			return false
		}
	}
	return true
}

func testGraph(t *testing.T, s cg.Store) {
	ctx := t.Context()

	t.Run("Paths", func(t *testing.T) {
		viaFra := make([]cg.Path, len(eFraUkr))
		for i, e := range eFraUkr {
			viaFra[i] = path("ev-paris FRA UKR agr-budapest", eFraVenue, e, eUkrBudapest)
		}
		for _, tc := range []struct {
			name     string
			from, to string
			maxHops  int
			want     []cg.Path
		}{
			{"two hops", "macron", "meloni", 2, []cg.Path{path("macron ev-washington meloni", eMacronWashington, eMeloniWashington)}},
			{"edges listed in path order", "meloni", "macron", cg.MaxHops, []cg.Path{path("meloni ev-washington macron", eMeloniWashington, eMacronWashington)}},
			{"hop limit below the distance", "macron", "meloni", 1, nil},
			// Every shortest path, ordered by the sequence of edge ids.
			{"all shortest paths", "POL", "ITA", cg.MaxHops, []cg.Path{
				path("POL UKR ITA", ePolRefuses, eItaSupports),
				path("POL UKR ITA", ePolRefuses, eItaRefuses),
				path("POL UKR ITA", ePolEquipment, eItaSupports),
				path("POL UKR ITA", ePolEquipment, eItaRefuses),
				path("POL nato ITA", ePolNato, eItaNato),
			}},
			// USA's edges to UKR run both ways (c07 is UKR's demand of
			// USA); the order is by id whichever end an edge starts at.
			{"edges in either direction, ordered by id", "USA", "coalition", 2, []cg.Path{
				path("USA UKR coalition", eUsaUkr[0], eCoalitionTroops),
				path("USA UKR coalition", eUsaUkr[1], eCoalitionTroops),
				path("USA UKR coalition", eUsaUkr[2], eCoalitionTroops),
				path("USA UKR coalition", eUsaUkr[3], eCoalitionTroops),
			}},
			{"parallel edges make paths of their own", "ev-paris", "agr-budapest", 3, viaFra},
			{"three hops needed, two allowed", "ev-paris", "agr-budapest", 2, nil},
			{"no path to an isolated entity", "ITA", "ev-rome", cg.MaxHops, nil},
			{"to itself", "ITA", "ITA", 1, []cg.Path{path("ITA")}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := must(s.Paths(ctx, tc.from, tc.to, tc.maxHops))(t)
				if !samePaths(got, tc.want) {
					t.Errorf("paths %s → %s:%s\nwant:%s", tc.from, tc.to, showPaths(got), showPaths(tc.want))
				}
			})
		}
		for _, tc := range []struct {
			name     string
			from, to string
			maxHops  int
			code     cg.Code
			field    string
		}{
			{"zero hops", "macron", "meloni", 0, cg.CodeBadInput, "maxHops"},
			{"too many hops", "macron", "meloni", cg.MaxHops + 1, cg.CodeBadInput, "maxHops"},
			{"unknown from", "nope", "meloni", 2, cg.CodeNotFound, ""},
			{"unknown to", "macron", "nope", 2, cg.CodeNotFound, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Paths(ctx, tc.from, tc.to, tc.maxHops)
				wantError(t, err, tc.code, tc.field)
			})
		}
	})

	t.Run("Neighbourhood", func(t *testing.T) {
		for _, tc := range []struct {
			name                    string
			id                      string
			depth                   int
			entities, commits, rels []string
		}{
			{"depth 1", "meloni", 1,
				[]string{"ITA", "ev-washington", "meloni", "prop-ita-24h"},
				c(3, 11),
				[]string{"r-meloni-pm-ita", "r-meloni-washington"}},
			// Edges among the entities found, including ones between
			// two entities at the outer ring (c04 USA → UKR).
			{"depth 2", "meloni", 2,
				[]string{"ITA", "UKR", "USA", "ev-washington", "macron", "meloni", "nato", "prop-ita-24h"},
				c(3, 4, 5, 7, 10, 11, 13, 14, 15, 20),
				[]string{"r-ita-member-nato", "r-macron-washington", "r-meloni-pm-ita", "r-meloni-washington", "r-usa-washington"}},
			{"depth 0", "UKR", 0, []string{"UKR"}, nil, nil},
			{"isolated", "ev-rome", 2, []string{"ev-rome"}, nil, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				g := must(s.Neighbourhood(ctx, tc.id, tc.depth))(t)
				sameIDs(t, "entities", entityIDs(g.Entities), tc.entities)
				sameIDs(t, "commitments", commitmentIDs(g.Commitments), nonNil(tc.commits))
				sameIDs(t, "relations", relationIDs(g.Relations), nonNil(tc.rels))
			})
		}
		t.Run("values are whole", func(t *testing.T) {
			g := must(s.Neighbourhood(ctx, "meloni", 1))(t)
			fx := Fixture()
			sameValues(t, "entity", g.Entities, pick(fx.Entities, "ITA", "ev-washington", "meloni", "prop-ita-24h"), func(e *cg.Entity) string { return e.ID }, normEntity)
			sameValues(t, "commitment", g.Commitments, pick(fx.Commitments, c(3, 11)...), func(c *cg.Commitment) string { return c.ID }, normCommitment)
			sameValues(t, "relation", g.Relations, pick(fx.Relations, "r-meloni-pm-ita", "r-meloni-washington"), func(r *cg.Relation) string { return r.ID }, normRelation)
		})
		for _, tc := range []struct {
			name  string
			id    string
			depth int
			code  cg.Code
			field string
		}{
			{"negative depth", "meloni", -1, cg.CodeBadInput, "depth"},
			{"too deep", "meloni", cg.MaxHops + 1, cg.CodeBadInput, "depth"},
			{"unknown entity", "nope", 1, cg.CodeNotFound, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Neighbourhood(ctx, tc.id, tc.depth)
				wantError(t, err, tc.code, tc.field)
			})
		}
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// pick returns the fixture items with the ids.
func pick[T any](items []*T, ids ...string) []*T {
	var out []*T
	for _, it := range items {
		var id string
		switch v := any(it).(type) {
		case *cg.Entity:
			id = v.ID
		case *cg.Commitment:
			id = v.ID
		case *cg.Relation:
			id = v.ID
		case *cg.Source:
			id = v.ID
		}
		if slices.Contains(ids, id) {
			out = append(out, it)
		}
	}
	return out
}
