package storetest

import (
	"context"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// testReplays checks that a store says when it answers a write from its
// request log (cg.MarkReplayed), so that the API publishes each change
// once: never for a first write, always for its retry, for every kind of
// write.
func testReplays(t *testing.T, s cg.WritableStore) {
	meta := func(req string) cg.WriteMeta {
		return cg.WriteMeta{By: editor, At: ts("2025-08-27T10:00:00Z"), Reason: "replays", RequestID: req}
	}
	src := cg.Source{ID: "src-r", File: "r.txt", Title: "Replays", Text: "Poland pledged radar planes.\nRadar planes arrived.\n"}
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, m cg.WriteMeta) error
	}{
		{"put source", func(ctx context.Context, m cg.WriteMeta) error { _, err := s.PutSource(ctx, &src, m); return err }},
		{"put entity", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.PutEntity(ctx, &cg.Entity{ID: "radar", Kind: cg.KindProposal, Name: "Radar plan",
				Evidence: []cg.Evidence{{SourceID: "src-r", Quote: "radar planes"}}}, m)
			return err
		}},
		{"record", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.RecordCommitment(ctx, &cg.Commitment{ID: "c40-pol-radar", Kind: cg.OffersEquipment, ActorID: "POL", TargetID: "UKR",
				Status: cg.StatusPledged, Evidence: []cg.Evidence{{SourceID: "src-r", Quote: "Poland pledged radar planes"}}}, m)
			return err
		}},
		{"change", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c40-pol-radar", BaseVersion: 1, Status: cg.StatusDelivered,
				Evidence: []cg.Evidence{{SourceID: "src-r", Quote: "Radar planes arrived"}}}, m)
			return err
		}},
		{"retract", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.RetractCommitment(ctx, "c40-pol-radar", 2, m)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := meta("req-replay-" + tc.name)
			for i, want := range []bool{false, true, true} {
				ctx, replayed := cg.WithReplayReport(t.Context())
				if err := tc.write(ctx, m); err != nil {
					t.Fatalf("attempt %d: %v", i+1, err)
				}
				if got := replayed(); got != want {
					t.Errorf("attempt %d: replayed %v, want %v", i+1, got, want)
				}
			}
		})
	}
	t.Run("without a request id nothing is replayed", func(t *testing.T) {
		ctx, replayed := cg.WithReplayReport(t.Context())
		if _, err := s.PutSource(ctx, &src, cg.WriteMeta{By: editor, At: ts("2025-08-27T11:00:00Z")}); err != nil {
			t.Fatal(err)
		}
		if replayed() {
			t.Errorf("a write without a request id was reported as replayed")
		}
	})
}
