package storetest

import (
	"fmt"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// benchPool is how many commitments ChangeCommitment cycles through: each
// version carries all the evidence before it, so hammering one commitment
// would measure ever longer copies rather than a write.
const benchPool = 5000

// BenchWrites measures write throughput on a store loaded with the fixture
// and benchPool more commitments: ChangeCommitment round-robin over the
// pool, each change based on the version the last one made, and
// RecordCommitment of new commitments. Both report writes/s. open is
// called once per sub-benchmark, outside the timer.
func BenchWrites(b *testing.B, open func(b *testing.B, ds *cg.Dataset) cg.WritableStore) {
	dataset := func() *cg.Dataset {
		ds := Fixture()
		for i := range benchPool {
			ds.Commitments = append(ds.Commitments, &cg.Commitment{ID: fmt.Sprintf("pool-%05d", i), Kind: cg.OffersTroops,
				ActorID: "FRA", TargetID: "UKR", Status: cg.StatusOffered, Date: cg.MustDate("2025-08-20"), Version: 1,
				Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France is ready to deploy troops"}}})
		}
		return ds
	}
	at := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	ev := []cg.Evidence{{SourceID: "src-b", Quote: "a new report"}}
	report := func(b *testing.B, n int) {
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "writes/s")
	}

	b.Run("ChangeCommitment", func(b *testing.B) {
		s := open(b, dataset())
		defer s.Close()
		ctx := b.Context()
		base := make([]int, benchPool)
		for i := range base {
			base[i] = 1
		}
		statuses := []cg.Status{cg.StatusPledged, cg.StatusOffered}
		n := 0
		for i := 0; b.Loop(); i++ {
			k := i % benchPool
			c, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: fmt.Sprintf("pool-%05d", k), BaseVersion: base[k],
				Status: statuses[base[k]%2], Evidence: ev}, cg.WriteMeta{By: "bench", At: at.Add(time.Duration(i) * time.Millisecond)})
			if err != nil {
				b.Fatal(err)
			}
			base[k] = c.Version
			n++
		}
		report(b, n)
	})

	b.Run("RecordCommitment", func(b *testing.B) {
		s := open(b, dataset())
		defer s.Close()
		ctx := b.Context()
		n := 0
		for i := 0; b.Loop(); i++ {
			_, err := s.RecordCommitment(ctx, &cg.Commitment{ID: fmt.Sprintf("new-%07d", i), Kind: cg.OffersAirSupport,
				ActorID: "ITA", TargetID: "UKR", Status: cg.StatusOffered, Date: cg.MustDate("2025-09-01"), Evidence: ev},
				cg.WriteMeta{By: "bench", At: at, RequestID: fmt.Sprintf("req-%07d", i)})
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		report(b, n)
	})
}
