package inmem

import (
	"context"
	"fmt"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkMatrixAfterWrite is a write (a new commitment) and then the
// dashboard's first page of the unfiltered matrix, over 200,000
// commitments by 50,000 actors (the row count of the 1M benchmark data):
// what a matrix read costs when every read follows a change to the counts.
//
//	go test ./inmem -run '^$' -bench 'MatrixAfterWrite' -benchtime 200x
func BenchmarkMatrixAfterWrite(b *testing.B) {
	ds := storetest.Synthetic(200_000, 50_000, 1)
	ds.Sources = append(ds.Sources, &cg.Source{ID: "src-text", File: "text.txt", Text: "a quote\n"})
	s, err := New(ds)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	first := cg.MatrixPage{First: cg.DefaultMatrixRows}
	if _, err := s.Matrix(ctx, cg.CommitmentFilter{}, first); err != nil {
		b.Fatal(err)
	}
	m := cg.WriteMeta{By: "bench", At: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), Reason: "bench"}
	i := 0
	for b.Loop() {
		c := &cg.Commitment{ID: fmt.Sprintf("w%07d", i), Kind: cg.OffersTroops, Status: cg.StatusOffered,
			ActorID: ds.Entities[(i*7919)%len(ds.Entities)].ID, TargetID: ds.Entities[i%len(ds.Entities)].ID,
			Evidence: []cg.Evidence{{SourceID: "src-text", Quote: "a quote", Line: 1}}}
		if _, err := s.RecordCommitment(ctx, c, m); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Matrix(ctx, cg.CommitmentFilter{}, first); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
