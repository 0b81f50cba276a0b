package neo4j

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkFeedCost measures the outbox's cost per write: commitment
// changes with and without the change event, one writer and four at once
// (the counter node serialises the feed's writers), side by side:
//
//	go test -run '^$' -bench FeedCost -benchtime 400x ./neo4j/
func BenchmarkFeedCost(b *testing.B) {
	const pool = 64
	for _, writers := range []int{1, 4} {
		for _, outbox := range []bool{true, false} {
			name := fmt.Sprintf("writers=%d/outbox=%v", writers, outbox)
			b.Run(name, func(b *testing.B) {
				s := openEmpty(b)
				ds := storetest.Fixture()
				for i := range pool {
					ds.Commitments = append(ds.Commitments, &cg.Commitment{ID: fmt.Sprintf("pool-%03d", i), Kind: cg.OffersTroops,
						ActorID: "FRA", TargetID: "UKR", Status: cg.StatusOffered, Date: cg.MustDate("2025-08-20"), Version: 1,
						Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France is ready to deploy troops"}}})
				}
				load(b, s, ds)
				s.noOutbox = !outbox
				ctx := b.Context()
				var next atomic.Int64
				// Each writer owns the commitments k ≡ w (mod writers).
				base := make([]int, pool)
				for i := range base {
					base[i] = 1
				}
				statuses := []cg.Status{cg.StatusPledged, cg.StatusOffered}
				b.ResetTimer()
				var wg sync.WaitGroup
				for w := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := w; ; i += writers {
							if next.Add(1) > int64(b.N) {
								return
							}
							k := i % pool
							c, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: fmt.Sprintf("pool-%03d", k), BaseVersion: base[k],
								Status: statuses[base[k]%2], Evidence: ev}, cg.WriteMeta{By: "bench", At: at})
							if err != nil {
								b.Error(err)
								return
							}
							base[k] = c.Version
						}
					}()
				}
				wg.Wait()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			})
		}
	}
}
