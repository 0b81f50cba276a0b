package neo4j

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// concurrentWriters is issue 13's target load: 16 writers at once.
const concurrentWriters = 16

// spreadActors is how many actors the spread cases' writes name.
const spreadActors = 64

func spreadActor(i int) string { return fmt.Sprintf("act-%02d", i%spreadActors) }

// BenchmarkConcurrentWrites measures mutations/s with 1, 4 and 16
// concurrent writers (issue 13 item 6's target is 16), b.N writes in all,
// each writer its own:
//
//   - floor: a bare `CREATE` per transaction, what this Neo4j and disk
//     commit at most (the bound of any design that commits each write
//     alone);
//   - floor+counter: the same with the change feed's counter bumped in
//     each transaction, the bound of writes that serialise on one lock;
//   - change: ChangeCommitment with a request id, each writer flipping
//     the status of its own commitments of the pool (all FRA → UKR,
//     citing one source);
//   - record: RecordCommitment of new commitments with request ids (all
//     ITA → UKR);
//   - change-spread and record-spread: the same over spreadActors actors
//     in turn instead of one, so that concurrent batches need not wait
//     for each other's lock of one actor's matrix counts.
//
// change and record run with each write alone (batch=1) and with the
// group commit (batch.go).
//
// Besides writes/s it reports where a write's time goes (ms per write of
// each phase of runWrite, summed over the writers, so they add up to
// about 16 × the wall time per write) and the share of SHOW TRANSACTIONS
// samples in which a write transaction was blocked on a lock:
//
//	go test -run '^$' -bench ConcurrentWrites -benchtime 400x ./neo4j/
func BenchmarkConcurrentWrites(b *testing.B) {
	const pool = 1600
	// The pool: pool-NNNNN, all FRA → UKR, and spread-NNNNN, each of
	// spreadActors actors (act-NN) → UKR in turn, so that writers of the
	// spread cases name many actors (whose matrix counts and stripes
	// are distinct locks) instead of one hot one.
	dataset := func() *cg.Dataset {
		ds := storetest.Fixture()
		for a := range spreadActors {
			ds.Entities = append(ds.Entities, &cg.Entity{ID: spreadActor(a), Kind: cg.KindCountry, Name: fmt.Sprintf("Bench country %d", a)})
		}
		for i := range pool {
			ds.Commitments = append(ds.Commitments, &cg.Commitment{ID: fmt.Sprintf("pool-%05d", i), Kind: cg.OffersTroops,
				ActorID: "FRA", TargetID: "UKR", Status: cg.StatusOffered, Date: cg.MustDate("2025-08-20"), Version: 1,
				Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France is ready to deploy troops"}}},
				&cg.Commitment{ID: fmt.Sprintf("spread-%05d", i), Kind: cg.OffersTroops,
					ActorID: spreadActor(i), TargetID: "UKR", Status: cg.StatusOffered, Date: cg.MustDate("2025-08-20"), Version: 1,
					Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France is ready to deploy troops"}}})
		}
		return ds
	}
	at := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	ev := []cg.Evidence{{SourceID: "src-b", Quote: "a new report"}}
	statuses := []cg.Status{cg.StatusPledged, cg.StatusOffered}

	type writeFunc func(ctx context.Context, w, i int) error
	cases := []struct {
		name  string
		setup func(b *testing.B, s *Store) writeFunc
	}{
		{"floor", func(b *testing.B, s *Store) writeFunc {
			return func(ctx context.Context, w, i int) error {
				return bareWrite(ctx, s, `CREATE (:WriteFloor {w: $w, i: $i})`, w, i)
			}
		}},
		{"floor+counter", func(b *testing.B, s *Store) writeFunc {
			return func(ctx context.Context, w, i int) error {
				return bareWrite(ctx, s, `CREATE (:WriteFloor {w: $w, i: $i})
WITH 1 AS one MATCH (f:ChangeFeed {id: 'changes'}) SET f.benchSeq = coalesce(f.benchSeq, 0) + 1`, w, i)
			}
		}},
	}
	for _, spread := range []bool{false, true} {
		suffix, prefix := "", "pool"
		if spread {
			suffix, prefix = "-spread", "spread"
		}
		cases = append(cases, struct {
			name  string
			setup func(b *testing.B, s *Store) writeFunc
		}{"change" + suffix, func(b *testing.B, s *Store) writeFunc {
			base := make([]int, pool)
			for i := range base {
				base[i] = 1
			}
			return func(ctx context.Context, w, i int) error {
				// Writer w owns the commitments k ≡ w (mod 16).
				k := (w + i*concurrentWriters) % pool
				c, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: fmt.Sprintf("%s-%05d", prefix, k), BaseVersion: base[k],
					Status: statuses[base[k]%2], Evidence: ev},
					cg.WriteMeta{By: "bench", At: at, RequestID: fmt.Sprintf("chg-%02d-%07d", w, i)})
				if err != nil {
					return err
				}
				base[k] = c.Version
				return nil
			}
		}}, struct {
			name  string
			setup func(b *testing.B, s *Store) writeFunc
		}{"record" + suffix, func(b *testing.B, s *Store) writeFunc {
			return func(ctx context.Context, w, i int) error {
				actor := "ITA"
				if spread {
					// Writer w's actors, as in change-spread: act-NN
					// with NN ≡ w (mod 16).
					actor = spreadActor(w + i*concurrentWriters)
				}
				_, err := s.RecordCommitment(ctx, &cg.Commitment{ID: fmt.Sprintf("new-%02d-%07d", w, i), Kind: cg.OffersAirSupport,
					ActorID: actor, TargetID: "UKR", Status: cg.StatusOffered, Date: cg.MustDate("2025-09-01"), Evidence: ev},
					cg.WriteMeta{By: "bench", At: at, RequestID: fmt.Sprintf("rec-%02d-%07d", w, i)})
				return err
			}
		}})
	}
	type benchRun struct {
		name                    string
		batch, leaders, writers int
		setup                   func(b *testing.B, s *Store) writeFunc
	}
	var runs []benchRun
	for _, tc := range cases {
		for _, writers := range []int{1, 4, concurrentWriters} {
			if strings.HasPrefix(tc.name, "floor") {
				runs = append(runs, benchRun{fmt.Sprintf("%s/writers=%d", tc.name, writers), 0, 0, writers, tc.setup})
				continue
			}
			// Each write alone, and the group commit (batch.go) with its
			// default leaders, with one and with more.
			runs = append(runs, benchRun{fmt.Sprintf("%s/batch=1/writers=%d", tc.name, writers), 1, 0, writers, tc.setup},
				benchRun{fmt.Sprintf("%s/batch=%d/writers=%d", tc.name, defaultWriteBatch, writers), defaultWriteBatch, 0, writers, tc.setup},
				benchRun{fmt.Sprintf("%s/batch=%d,leaders=1/writers=%d", tc.name, defaultWriteBatch, writers), defaultWriteBatch, 1, writers, tc.setup},
				benchRun{fmt.Sprintf("%s/batch=%d,leaders=4/writers=%d", tc.name, defaultWriteBatch, writers), defaultWriteBatch, 4, writers, tc.setup},
				benchRun{fmt.Sprintf("%s/batch=%d,leaders=8/writers=%d", tc.name, defaultWriteBatch, writers), defaultWriteBatch, 8, writers, tc.setup})
		}
	}
	for _, tc := range runs {
		writers := tc.writers
		b.Run(tc.name, func(b *testing.B) {
			s := openEmpty(b)
			if tc.batch > 0 {
				s.writeBatch = tc.batch
			}
			if tc.leaders > 0 {
				s.writeLeaders = tc.leaders
			}
			load(b, s, dataset())
			ctx := b.Context()
			write := tc.setup(b, s)
			var next [concurrentWriters]int
			// round runs n writes over the writers.
			round := func(n int) {
				var wg sync.WaitGroup
				for w := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for j := w; j < n; j += writers {
							if err := write(ctx, w, next[w]); err != nil {
								b.Error(err)
								return
							}
							next[w]++
						}
					}()
				}
				wg.Wait()
			}
			round(2 * concurrentWriters) // warm up: plans, the counter node

			var mu sync.Mutex
			phases := map[string]time.Duration{}
			counts := map[string]int{}
			s.trace = func(phase string, d time.Duration) {
				mu.Lock()
				phases[phase] += d
				counts[phase]++
				mu.Unlock()
			}
			sampled := sampleLocks(ctx, s)
			b.ResetTimer()
			round(b.N)
			b.StopTimer()
			samples, blocked, on := sampled()
			s.trace = nil
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			for phase, d := range phases {
				if phase != "commit" && phase != "deadlock" {
					b.ReportMetric(float64(d.Microseconds())/1000/float64(b.N), strings.ReplaceAll(phase, " ", "-")+"-ms/write")
				}
			}
			b.ReportMetric(float64(counts["deadlock"]), "deadlock-retries")
			if n := counts["commit"]; n > 0 {
				b.ReportMetric(float64(b.N)/float64(n), "writes/commit")
			}
			if samples > 0 {
				b.ReportMetric(float64(blocked)/float64(samples), "blocked-txs/sample")
				b.Logf("%d lock samples, blocked statements: %v", samples, on)
			}
		})
	}
}

// bareWrite runs cypher as a transaction of its own.
func bareWrite(ctx context.Context, s *Store, cypher string, w, i int) error {
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (struct{}, error) {
		return struct{}{}, run(ctx, tx, cypher, map[string]any{"w": int64(w), "i": int64(i)})
	})
	return err
}

// sampleLocks polls SHOW TRANSACTIONS every 20 ms until the returned
// function is called, which says how many samples it took, how many
// transactions they saw blocked in all, and the statements (their first
// words) that were blocked.
func sampleLocks(ctx context.Context, s *Store) func() (samples, blocked int, on map[string]int) {
	var stop atomic.Bool
	done := make(chan struct{})
	var samples, blocked int
	on := map[string]int{}
	go func() {
		defer close(done)
		for !stop.Load() {
			recs, err := s.read(ctx, "sample locks", `SHOW TRANSACTIONS YIELD status, currentQuery
WHERE status STARTS WITH 'Blocked' RETURN currentQuery`, nil)
			if err == nil {
				samples++
				blocked += len(recs)
				for _, r := range recs {
					q := strings.Join(strings.Fields(toString(r.AsMap()["currentQuery"])), " ")
					on[q[:min(len(q), 40)]]++
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return func() (int, int, map[string]int) {
		stop.Store(true)
		<-done
		return samples, blocked, on
	}
}
