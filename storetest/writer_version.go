package storetest

import (
	"context"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// testGraphVersion checks the graph version (cg.Versioned) that the read
// cache keys on: every kind of write advances it, each by at least one;
// reads, a rejected write and a replayed request leave it as it is. The
// store must implement cg.Versioned.
func testGraphVersion(t *testing.T, s cg.WritableStore) {
	vs, ok := s.(cg.Versioned)
	if !ok {
		t.Fatalf("%T does not implement cg.Versioned", s)
	}
	ctx := t.Context()
	version := func() uint64 {
		t.Helper()
		return must(vs.GraphVersion(ctx))(t)
	}
	meta := func(req string) cg.WriteMeta {
		return cg.WriteMeta{By: editor, At: ts("2025-08-28T10:00:00Z"), Reason: "graph version", RequestID: req}
	}
	src := cg.Source{ID: "src-v", File: "v.txt", Title: "Versions", Published: cg.MustDate("2025-08-28"),
		Text: "Poland pledged radar planes.\nRadar planes arrived.\n"}
	reads := func(t *testing.T) {
		t.Helper()
		must(s.Sources(ctx, nil))(t)
		must(s.Entities(ctx, cg.EntityFilter{}))(t)
		must(s.Relations(ctx, cg.RelationFilter{}))(t)
		must(s.Claims(ctx, cg.ClaimFilter{}))(t)
		must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{}))(t)
		must(s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{}))(t)
		must(s.Counts(ctx, cg.CommitmentFilter{}))(t)
		must(s.CommitmentHistory(ctx, "c01-fra-troops"))(t)
	}
	writes := []struct {
		name  string
		write func(ctx context.Context, m cg.WriteMeta) error
	}{
		{"put source", func(ctx context.Context, m cg.WriteMeta) error { _, err := s.PutSource(ctx, &src, m); return err }},
		{"replace source", func(ctx context.Context, m cg.WriteMeta) error {
			again := src
			again.Title = "Versions, again"
			_, err := s.PutSource(ctx, &again, m)
			return err
		}},
		{"put entity", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.PutEntity(ctx, &cg.Entity{ID: "radar-v", Kind: cg.KindProposal, Name: "Radar plan",
				Evidence: []cg.Evidence{{SourceID: "src-v", Quote: "radar planes"}}}, m)
			return err
		}},
		{"record", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.RecordCommitment(ctx, &cg.Commitment{ID: "c50-pol-radar", Kind: cg.OffersEquipment, ActorID: "POL", TargetID: "UKR",
				Status: cg.StatusPledged, Evidence: []cg.Evidence{{SourceID: "src-v", Quote: "Poland pledged radar planes"}}}, m)
			return err
		}},
		{"change", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c50-pol-radar", BaseVersion: 1, Status: cg.StatusDelivered,
				Evidence: []cg.Evidence{{SourceID: "src-v", Quote: "Radar planes arrived"}}}, m)
			return err
		}},
		{"retract", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.RetractCommitment(ctx, "c50-pol-radar", 2, m)
			return err
		}},
	}
	t.Run("reads leave it", func(t *testing.T) {
		before := version()
		reads(t)
		if after := version(); after != before {
			t.Errorf("reads moved the version from %d to %d", before, after)
		}
	})
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			m := meta("req-version-" + w.name)
			before := version()
			if err := w.write(ctx, m); err != nil {
				t.Fatal(err)
			}
			after := version()
			if after <= before {
				t.Errorf("the write left the version at %d (was %d)", after, before)
			}
			if err := w.write(ctx, m); err != nil {
				t.Fatalf("replay: %v", err)
			}
			if again := version(); again != after {
				t.Errorf("the replayed request moved the version from %d to %d", after, again)
			}
		})
	}
	t.Run("a rejected write leaves it", func(t *testing.T) {
		before := version()
		_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 99, Status: cg.StatusDelivered,
			Evidence: []cg.Evidence{{SourceID: "src-v", Quote: "Radar planes arrived"}}}, meta(""))
		wantError(t, err, cg.CodeConflict, "baseVersion")
		if after := version(); after != before {
			t.Errorf("a refused change moved the version from %d to %d", before, after)
		}
	})
}
