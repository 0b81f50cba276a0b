package storetest

import (
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

func testAggregates(t *testing.T, s cg.Store) {
	ctx := t.Context()
	type cell = cg.MatrixCell
	mc := func(actor string, kind cg.EdgeKind, status cg.Status, commitments, evidence int) cell {
		return cell{ActorID: actor, Kind: kind, Status: status, Commitments: commitments, EvidenceCount: evidence}
	}
	t.Run("Matrix", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			f      cg.CommitmentFilter
			want   []cell
			actors []string
		}{
			// Listed by actor id (bytewise: upper case first), then kind
			// in cg.CommitmentKinds order. FRA's troop cell holds an
			// OFFERED and a PROPOSED offer and shows the firmer.
			{"all", cg.CommitmentFilter{}, []cell{
				mc("FRA", cg.OffersTroops, cg.StatusOffered, 2, 4),
				mc("FRA", cg.OffersAirSupport, cg.StatusPledged, 2, 2),
				mc("FRA", cg.OffersSurveillance, cg.StatusWithdrawn, 1, 1),
				mc("FRA", cg.OffersVenue, cg.StatusDelivered, 1, 1),
				mc("ITA", cg.Proposes, cg.StatusProposed, 1, 2),
				mc("ITA", cg.Supports, cg.StatusStated, 1, 1),
				mc("ITA", cg.RefusesTroops, cg.StatusRefused, 1, 2),
				mc("POL", cg.RefusesTroops, cg.StatusRefused, 1, 1),
				mc("POL", cg.OffersEquipment, cg.StatusDelivered, 1, 1),
				mc("RUS", cg.Opposes, cg.StatusStated, 1, 1),
				mc("RUS", cg.Protests, cg.StatusStated, 1, 1),
				mc("UKR", cg.Demands, cg.StatusStated, 1, 2),
				mc("USA", cg.Supports, cg.StatusStated, 1, 1),
				mc("USA", cg.RefusesTroops, cg.StatusRefused, 1, 1),
				mc("USA", cg.OffersAirSupport, cg.StatusOffered, 1, 1),
				mc("USA", cg.OffersSupport, cg.StatusPledged, 1, 1),
				mc("coalition", cg.OffersTroops, cg.StatusConsidering, 1, 1),
				mc("meloni", cg.Supports, cg.StatusStated, 1, 1),
				mc("nato", cg.OffersLogistics, cg.StatusOffered, 1, 1),
			}, []string{"FRA", "ITA", "POL", "RUS", "UKR", "USA", "coalition", "meloni", "nato"}},
			// The filter changes which commitments a cell holds, so its
			// status and counts: the March and February offers drop out.
			{"actor and date", cg.CommitmentFilter{ActorIDs: []string{"FRA"}, From: cg.MustDate("2025-08-01")}, []cell{
				mc("FRA", cg.OffersTroops, cg.StatusOffered, 1, 3),
				mc("FRA", cg.OffersAirSupport, cg.StatusPledged, 1, 1),
				mc("FRA", cg.OffersSurveillance, cg.StatusWithdrawn, 1, 1),
			}, []string{"FRA"}},
			// A source filter selects commitments; their evidence still
			// counts in full (c03 and c07 cite two sources).
			{"source", cg.CommitmentFilter{SourceIDs: []string{"src-c"}}, []cell{
				mc("FRA", cg.OffersTroops, cg.StatusProposed, 1, 1),
				mc("FRA", cg.OffersAirSupport, cg.StatusProposed, 1, 1),
				mc("FRA", cg.OffersVenue, cg.StatusDelivered, 1, 1),
				mc("ITA", cg.Proposes, cg.StatusProposed, 1, 2),
				mc("POL", cg.OffersEquipment, cg.StatusDelivered, 1, 1),
				mc("RUS", cg.Opposes, cg.StatusStated, 1, 1),
				mc("UKR", cg.Demands, cg.StatusStated, 1, 2),
				mc("meloni", cg.Supports, cg.StatusStated, 1, 1),
				mc("nato", cg.OffersLogistics, cg.StatusOffered, 1, 1),
			}, []string{"FRA", "ITA", "POL", "RUS", "UKR", "meloni", "nato"}},
			{"no match", cg.CommitmentFilter{ActorIDs: []string{"nope"}}, nil, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := must(s.Matrix(ctx, tc.f, cg.MatrixPage{}))(t)
				// Rows come by total, then actor id (checkRows); the
				// cells are compared by actor id here.
				cells := got.Cells()
				slices.SortFunc(cells, cg.CompareMatrixCells)
				if len(cells) != len(tc.want) || (len(cells) > 0 && !slices.Equal(cells, tc.want)) {
					t.Errorf("matrix:\n got %v\nwant %v", cells, tc.want)
				}
				ids := rowIDs(got)
				slices.Sort(ids)
				sameIDs(t, "row actors", ids, tc.actors)
				checkRows(t, got, len(tc.actors))
			})
		}
	})

	t.Run("MatrixPages", func(t *testing.T) { testMatrixPages(t, s) })

	t.Run("Counts", func(t *testing.T) {
		type count = cg.Count
		cnt := func(kind cg.EdgeKind, status cg.Status, n int) count {
			return count{Kind: kind, Status: status, Count: n}
		}
		for _, tc := range []struct {
			name string
			f    cg.CommitmentFilter
			want []count
		}{
			// Only pairs that occur; kind in cg.CommitmentKinds order,
			// then status in cg.Statuses order.
			{"all", cg.CommitmentFilter{}, []count{
				cnt(cg.Proposes, cg.StatusProposed, 1),
				cnt(cg.Supports, cg.StatusStated, 3),
				cnt(cg.OffersTroops, cg.StatusProposed, 1),
				cnt(cg.OffersTroops, cg.StatusConsidering, 1),
				cnt(cg.OffersTroops, cg.StatusOffered, 1),
				cnt(cg.RefusesTroops, cg.StatusRefused, 3),
				cnt(cg.OffersAirSupport, cg.StatusProposed, 1),
				cnt(cg.OffersAirSupport, cg.StatusOffered, 1),
				cnt(cg.OffersAirSupport, cg.StatusPledged, 1),
				cnt(cg.OffersLogistics, cg.StatusOffered, 1),
				cnt(cg.OffersEquipment, cg.StatusDelivered, 1),
				cnt(cg.OffersSurveillance, cg.StatusWithdrawn, 1),
				cnt(cg.OffersVenue, cg.StatusDelivered, 1),
				cnt(cg.OffersSupport, cg.StatusPledged, 1),
				cnt(cg.Demands, cg.StatusStated, 1),
				cnt(cg.Opposes, cg.StatusStated, 1),
				cnt(cg.Protests, cg.StatusStated, 1),
			}},
			{"source", cg.CommitmentFilter{SourceIDs: []string{"src-b"}}, []count{
				cnt(cg.OffersTroops, cg.StatusConsidering, 1),
				cnt(cg.OffersTroops, cg.StatusOffered, 1),
				cnt(cg.RefusesTroops, cg.StatusRefused, 2),
				cnt(cg.OffersAirSupport, cg.StatusOffered, 1),
				cnt(cg.OffersSupport, cg.StatusPledged, 1),
				cnt(cg.Protests, cg.StatusStated, 1),
			}},
			{"no match", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.ConsidersTroops}}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := must(s.Counts(ctx, tc.f))(t)
				if len(got) != len(tc.want) || (len(got) > 0 && !slices.Equal(got, tc.want)) {
					t.Errorf("counts:\n got %v\nwant %v", got, tc.want)
				}
			})
		}
	})
}
