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
		Text: writesOfEachKindText}
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
	// Replacing a source is a write of its own kind here: it can change
	// what earlier reads as of a moment show.
	writes := writesOfEachKind(s, &src, "radar-v", "c50-pol-radar")
	replace := namedWrite{"replace source", func(ctx context.Context, m cg.WriteMeta) error {
		again := src
		again.Title = "Versions, again"
		_, err := s.PutSource(ctx, &again, m)
		return err
	}}
	writes = append(writes[:1], append([]namedWrite{replace}, writes[1:]...)...)
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
