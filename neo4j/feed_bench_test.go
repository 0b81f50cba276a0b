package neo4j

import (
	"fmt"
	"sync"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkFeedCost measures the outbox's cost per write: commitment
// changes with and without the change event, one writer and four at once
// (the counter node serialises the feed's writers). On a shared machine
// two runs a minute apart differ more than the cost, so both modes run on
// one warmed-up store in alternating rounds, and each reports its own
// writes/s; b.N is the writes of each mode.
//
//	go test -run '^$' -bench FeedCost -benchtime 200x ./neo4j/
func BenchmarkFeedCost(b *testing.B) {
	const pool, round = 64, 20
	for _, writers := range []int{1, 4} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s := openEmpty(b)
			ds := storetest.Fixture()
			for i := range pool {
				ds.Commitments = append(ds.Commitments, &cg.Commitment{ID: fmt.Sprintf("pool-%03d", i), Kind: cg.OffersTroops,
					ActorID: "FRA", TargetID: "UKR", Status: cg.StatusOffered, Date: cg.MustDate("2025-08-20"), Version: 1,
					Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France is ready to deploy troops"}}})
			}
			load(b, s, ds)
			ctx := b.Context()
			base := make([]int, pool)
			for i := range base {
				base[i] = 1
			}
			statuses := []cg.Status{cg.StatusPledged, cg.StatusOffered}
			// writes runs n changes over writers goroutines, each owning
			// the commitments k ≡ w (mod writers).
			next := 0
			writes := func(n int) time.Duration {
				start := time.Now()
				var wg sync.WaitGroup
				for w := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for j := w; j < n; j += writers {
							k := (next + j) % pool
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
				next += n - n%pool // keep k ≡ w (mod writers) across rounds
				return time.Since(start)
			}
			writes(2 * round) // warm up: plans, JIT, the counter node
			elapsed := map[bool]time.Duration{}
			b.ResetTimer()
			for done, r := 0, 0; done < b.N; r++ {
				n := min(round, b.N-done)
				n -= n % writers
				if n == 0 {
					n = writers
				}
				for _, outbox := range []bool{r%2 == 0, r%2 != 0} {
					s.noOutbox = !outbox
					elapsed[outbox] += writes(n)
				}
				done += n
			}
			s.noOutbox = false
			b.ReportMetric(float64(b.N)/elapsed[true].Seconds(), "outbox-writes/s")
			b.ReportMetric(float64(b.N)/elapsed[false].Seconds(), "plain-writes/s")
			b.ReportMetric(elapsed[true].Seconds()/elapsed[false].Seconds(), "cost-ratio")
		})
	}
}
