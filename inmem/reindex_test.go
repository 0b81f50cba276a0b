package inmem

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// The writes keep the indexes in place, without a rebuild: a change moves
// its commitment between index lists and orderings, a new commitment lands
// in its place, and a retraction leaves them. Every step goes through the
// store's public write methods, the path production takes.
func TestWritesReindex(t *testing.T) {
	ctx := t.Context()
	s, err := New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	ids := func(f cg.CommitmentFilter, o cg.CommitmentOrder) []string {
		t.Helper()
		p, err := s.Commitments(ctx, f, cg.Page{Order: o})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range p.Commitments {
			out = append(out, c.ID)
		}
		return out
	}
	m := func(reason string) cg.WriteMeta {
		return cg.WriteMeta{At: time.Date(2025, 8, 26, 10, 0, 0, 0, time.UTC), Reason: reason}
	}
	old := s.current("c02-pol-refuses")
	date := cg.MustDate("2025-08-22")
	if _, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: old.ID, BaseVersion: 1, Status: cg.StatusWithdrawn, Date: &date,
		Evidence: []cg.Evidence{{SourceID: "src-c", Quote: "Poland delivered tanks in 2024"}}}, m("")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordCommitment(ctx, &cg.Commitment{ID: "c00-new", Kind: cg.Supports, ActorID: "POL", TargetID: "UKR", Status: cg.StatusStated,
		Evidence: []cg.Evidence{{SourceID: "src-b", Quote: "NATO member Poland"}}}, m("")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractCommitment(ctx, "c17-pol-equipment", 1, m("wrong")); err != nil {
		t.Fatal(err)
	}
	_, err = s.RecordCommitment(ctx, &cg.Commitment{ID: "ITA", Kind: cg.Supports, ActorID: "POL", TargetID: "UKR", Status: cg.StatusStated,
		Evidence: []cg.Evidence{{SourceID: "src-b", Quote: "NATO member Poland"}}}, m(""))
	if e := (*cg.Error)(nil); !errors.As(err, &e) || e.Code != cg.CodeConflict {
		t.Errorf("recording a commitment with an entity's id: %v, want CONFLICT", err)
	}

	for _, tc := range []struct {
		name string
		f    cg.CommitmentFilter
		o    cg.CommitmentOrder
		want []string
	}{
		{"added beside its actor's, retracted gone", cg.CommitmentFilter{ActorIDs: []string{"POL"}}, cg.OrderID, []string{"c00-new", "c02-pol-refuses"}},
		{"left its old status", cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusRefused}}, cg.OrderID, []string{"c05-usa-refuses", "c14-ita-refuses"}},
		{"joined its new status", cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusWithdrawn}}, cg.OrderID, []string{"c02-pol-refuses", "c18-fra-surveillance"}},
		{"kept its old source", cg.CommitmentFilter{SourceIDs: []string{"src-a"}, Kinds: []cg.EdgeKind{cg.RefusesTroops}}, cg.OrderID, []string{"c02-pol-refuses", "c14-ita-refuses"}},
		{"joined its new source", cg.CommitmentFilter{SourceIDs: []string{"src-c"}, Kinds: []cg.EdgeKind{cg.RefusesTroops}}, cg.OrderID, []string{"c02-pol-refuses"}},
		{"retracted left its source", cg.CommitmentFilter{SourceIDs: []string{"src-c"}, Kinds: []cg.EdgeKind{cg.OffersEquipment}}, cg.OrderID, nil},
		{"moved in date order", cg.CommitmentFilter{From: cg.MustDate("2025-08-21")}, cg.OrderDateAsc, []string{"c06-rus-opposes", "c12-coalition-troops", "c08-fra-air", "c16-rus-protests", "c02-pol-refuses", "c15-usa-supports"}},
		{"added undated, first of the undated by id", cg.CommitmentFilter{}, cg.OrderDateDesc, []string{"c00-new", "c07-ukr-demands", "c13-nato-logistics", "c20-usa-support"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(tc.f, tc.o)
			if tc.o == cg.OrderDateDesc {
				got = got[len(got)-4:]
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
	if old.Status != cg.StatusRefused || old.Date != cg.MustDate("2025-08") || old.Version != 1 {
		t.Error("a change altered the replaced value in place")
	}
	for o, list := range s.ordered {
		if !slices.IsSortedFunc(list, cg.CompareCommitments(o)) || len(list) != 21 {
			t.Errorf("ordering %s: %d commitments, sorted %v", o, len(list), slices.IsSortedFunc(list, cg.CompareCommitments(o)))
		}
	}
}

// The maintained matrix counts follow the writes: after a change, a new
// commitment and a retraction, the matrix they answer (a filter of kinds
// or actors only, or none) is the one a pass over the commitments gives
// (a filter of every status, which the counts do not answer).
func TestWritesKeepMatrixCounts(t *testing.T) {
	ctx := t.Context()
	s, err := New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	// The unfiltered rows are cached before the writes: they must not
	// outlive them.
	if _, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: 1}); err != nil {
		t.Fatal(err)
	}
	m := cg.WriteMeta{At: time.Date(2025, 8, 26, 10, 0, 0, 0, time.UTC), Reason: "test"}
	if _, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c02-pol-refuses", BaseVersion: 1, Status: cg.StatusWithdrawn,
		Evidence: []cg.Evidence{{SourceID: "src-c", Quote: "Poland delivered tanks in 2024"}}}, m); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordCommitment(ctx, &cg.Commitment{ID: "c00-new", Kind: cg.OffersTroops, ActorID: "POL", TargetID: "UKR", Status: cg.StatusPledged,
		Evidence: []cg.Evidence{{SourceID: "src-b", Quote: "NATO member Poland"}}}, m); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"c17-pol-equipment", "c05-usa-refuses"} {
		if _, err := s.RetractCommitment(ctx, id, 1, m); err != nil {
			t.Fatal(err)
		}
	}
	every := cg.CommitmentFilter{Statuses: cg.Statuses}
	for _, tc := range []struct {
		name string
		f    cg.CommitmentFilter
	}{
		{"all", cg.CommitmentFilter{}},
		{"kinds", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops, cg.RefusesTroops}}},
		{"actors", cg.CommitmentFilter{ActorIDs: []string{"POL", "USA", "POL"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !countable(tc.f) || countable(every) {
				t.Fatal("the filters do not take the paths the test compares")
			}
			scan := every
			scan.Kinds, scan.ActorIDs = tc.f.Kinds, tc.f.ActorIDs
			for _, p := range []cg.MatrixPage{{}, {First: 2}} {
				got, err := s.Matrix(ctx, tc.f, p)
				if err != nil {
					t.Fatal(err)
				}
				want, err := s.Matrix(ctx, scan, p)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("first %d: maintained counts give\n  %+v\na pass gives\n  %+v", p.First, got, want)
				}
			}
		})
	}
	if _, ok := s.cells["USA"]; ok {
		// USA keeps other commitments; a row whose last is gone leaves.
		if r, _ := s.cells.row("USA", []cg.EdgeKind{cg.RefusesTroops}); r.Total != 0 {
			t.Errorf("USA's retracted refusal still counts: %+v", r)
		}
	}
}
