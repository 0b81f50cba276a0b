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
	src := cg.Source{ID: "src-r", File: "r.txt", Title: "Replays", Text: writesOfEachKindText}
	for _, tc := range writesOfEachKind(s, &src, "radar", "c40-pol-radar") {
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

// namedWrite is one write through a cg.WritableStore, by name.
type namedWrite struct {
	name  string
	write func(ctx context.Context, m cg.WriteMeta) error
}

// writesOfEachKindText is the text a source given to writesOfEachKind
// needs: the quotes of its writes are in it.
const writesOfEachKindText = "Poland pledged radar planes.\nRadar planes arrived.\n"

// writesOfEachKind is one write of each kind a store takes, in an order
// a store with the fixture loaded accepts: the source src (its Text
// writesOfEachKindText), an entity and a commitment with the ids given,
// then a change and a retraction of that commitment.
func writesOfEachKind(s cg.WritableStore, src *cg.Source, entityID, commitmentID string) []namedWrite {
	return []namedWrite{
		{"put source", func(ctx context.Context, m cg.WriteMeta) error { _, err := s.PutSource(ctx, src, m); return err }},
		{"put entity", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.PutEntity(ctx, &cg.Entity{ID: entityID, Kind: cg.KindProposal, Name: "Radar plan",
				Evidence: []cg.Evidence{{SourceID: src.ID, Quote: "radar planes"}}}, m)
			return err
		}},
		{"record", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.RecordCommitment(ctx, &cg.Commitment{ID: commitmentID, Kind: cg.OffersEquipment, ActorID: "POL", TargetID: "UKR",
				Status: cg.StatusPledged, Evidence: []cg.Evidence{{SourceID: src.ID, Quote: "Poland pledged radar planes"}}}, m)
			return err
		}},
		{"change", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: commitmentID, BaseVersion: 1, Status: cg.StatusDelivered,
				Evidence: []cg.Evidence{{SourceID: src.ID, Quote: "Radar planes arrived"}}}, m)
			return err
		}},
		{"retract", func(ctx context.Context, m cg.WriteMeta) error {
			_, err := s.RetractCommitment(ctx, commitmentID, 2, m)
			return err
		}},
	}
}
