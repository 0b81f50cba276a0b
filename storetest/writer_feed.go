package storetest

import (
	"context"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// testFeed checks a writable store's change feed (cg.ChangeFeed): one event
// per commitment write, in order, with growing cursors; none for a
// replayed request, a refused write or a put; a subscriber resumed from a
// cursor gets exactly the events after it.
func testFeed(t *testing.T, s cg.WritableStore) {
	f, ok := s.(cg.ChangeFeed)
	if !ok {
		t.Fatalf("%T is a Writer but not a cg.ChangeFeed", s)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	live, err := f.Changes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := func(req string) cg.WriteMeta {
		return cg.WriteMeta{By: editor, At: ts("2025-08-28T10:00:00Z"), Reason: "feed", RequestID: req}
	}
	ev := []cg.Evidence{{SourceID: "src-b", Quote: "a new report"}}
	c := &cg.Commitment{ID: "c50-feed", Kind: cg.OffersAirSupport, ActorID: "ITA", TargetID: "UKR", Status: cg.StatusOffered, Evidence: ev}
	steps := []func() error{
		func() error { _, err := s.RecordCommitment(ctx, c, m("req-feed-record")); return err },
		// The same request again: a replay, no event.
		func() error { _, err := s.RecordCommitment(ctx, c, m("req-feed-record")); return err },
		func() error {
			_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: c.ID, BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev}, m(""))
			return err
		},
		// A stale base version: refused, no event.
		func() error {
			_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: c.ID, BaseVersion: 1, Status: cg.StatusDelivered, Evidence: ev}, m(""))
			if cg.ErrorCode(err) != cg.CodeConflict {
				t.Errorf("a stale change: %v, want CONFLICT", err)
			}
			return nil
		},
		// A put: not a commitment write, no event.
		func() error {
			_, err := s.PutEntity(ctx, &cg.Entity{ID: "ITA", Kind: cg.KindCountry, Name: "Italia"}, m(""))
			return err
		},
		func() error { _, err := s.RetractCommitment(ctx, c.ID, 2, m("")); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	want := []struct {
		t cg.ChangeType
		v int
	}{{cg.ChangeRecorded, 1}, {cg.ChangeStatusChanged, 2}, {cg.ChangeRetracted, 3}}
	receive := func(ch <-chan cg.ChangeEvent, n int) []cg.ChangeEvent {
		t.Helper()
		var out []cg.ChangeEvent
		for len(out) < n {
			select {
			case e, ok := <-ch:
				if !ok {
					t.Fatalf("the feed closed after %d events", len(out))
				}
				out = append(out, e)
			case <-ctx.Done():
				t.Fatalf("%d of %d events", len(out), n)
			}
		}
		return out
	}
	got := receive(live, len(want))
	for i, e := range got {
		if e.Commitment.ID != c.ID || e.Type != want[i].t || e.Commitment.Version != want[i].v {
			t.Errorf("event %d: %s %s v%d, want %s %s v%d", i, e.Type, e.Commitment.ID, e.Commitment.Version, want[i].t, c.ID, want[i].v)
		}
		if i > 0 && e.Cursor <= got[i-1].Cursor {
			t.Errorf("event %d: cursor %d after %d", i, e.Cursor, got[i-1].Cursor)
		}
	}
	// Nothing more: the replay, the refusal and the put published nothing.
	if _, err := s.RecordCommitment(ctx, &cg.Commitment{ID: "c51-feed", Kind: cg.OffersAirSupport, ActorID: "ITA", TargetID: "UKR",
		Status: cg.StatusOffered, Evidence: ev}, m("")); err != nil {
		t.Fatal(err)
	}
	if e := receive(live, 1)[0]; e.Commitment.ID != "c51-feed" {
		t.Errorf("after the retraction: %s %s v%d, want c51-feed's record", e.Type, e.Commitment.ID, e.Commitment.Version)
	}

	resumed, err := f.Changes(ctx, &got[0].Cursor)
	if err != nil {
		t.Fatal(err)
	}
	again := receive(resumed, 3)
	for i, e := range again {
		if wantID := []string{c.ID, c.ID, "c51-feed"}[i]; e.Commitment.ID != wantID || i < 2 && e.Cursor != got[i+1].Cursor {
			t.Errorf("resumed event %d: %s %s at %d", i, e.Type, e.Commitment.ID, e.Cursor)
		}
	}
	if _, err := f.Changes(ctx, new(int64)); err != nil && cg.ErrorCode(err) != cg.CodeCursorExpired {
		t.Errorf("resuming from 0: %v, want events or CURSOR_EXPIRED", err)
	}
}
