package neo4j

import (
	"context"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// TestTxTimeoutFollowsTheDeadline pins the time-out each transaction
// carries: what the caller has left, a margin sooner; never zero (which
// Neo4j reads as no time-out); none without a deadline.
func TestTxTimeoutFollowsTheDeadline(t *testing.T) {
	timeoutOf := func(ctx context.Context) (time.Duration, bool) {
		opts := txTimeout(ctx)
		if len(opts) == 0 {
			return 0, false
		}
		var c nd.TransactionConfig
		for _, o := range opts {
			o(&c)
		}
		return c.Timeout, true
	}
	if d, ok := timeoutOf(context.Background()); ok {
		t.Errorf("no deadline: time-out %v, want none", d)
	}
	for _, tc := range []struct {
		name     string
		left     time.Duration
		min, max time.Duration
	}{
		{"10 s left", 10 * time.Second, 9*time.Second + 800*time.Millisecond, 10*time.Second - txTimeoutMargin},
		{"500 ms left", 500 * time.Millisecond, 350 * time.Millisecond, 450 * time.Millisecond},
		{"spent", -time.Second, time.Millisecond, time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tc.left)
			defer cancel()
			d, ok := timeoutOf(ctx)
			if !ok || d < tc.min || d > tc.max {
				t.Errorf("time-out %v (set %v), want %v–%v", d, ok, tc.min, tc.max)
			}
		})
	}
}

// A write that waits on a lock past its deadline answers TIMEOUT (Neo4j is
// up: not STORE_UNAVAILABLE) soon after the deadline, and does not commit
// once the lock is released: nothing keeps working on it.
func TestWritePastItsDeadlineIsTimeout(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Fixture())
	const id = "c-deadline-test"

	// Another transaction holds the id's write lock (lockID), as a
	// concurrent writer of the same id would.
	holder := s.session(context.Background(), nd.AccessModeWrite)
	defer holder.Close(context.Background())
	tx, err := holder.BeginTransaction(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close(context.Background())
	if res, err := tx.Run(context.Background(), `MERGE (l:IdLock {id: $id})`, map[string]any{"id": id}); err != nil {
		t.Fatal(err)
	} else if _, err := res.Consume(context.Background()); err != nil {
		t.Fatal(err)
	}

	const deadline = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	_, err = s.RecordCommitment(ctx, &cg.Commitment{ID: id, Kind: cg.OffersAirSupport, ActorID: "ITA", TargetID: "UKR",
		Status: cg.StatusOffered, Date: cg.MustDate("2025-09-01"),
		Evidence: []cg.Evidence{{SourceID: "src-b", Quote: "a new report"}}}, cg.WriteMeta{By: "test", At: time.Now()})
	elapsed := time.Since(start)
	t.Logf("blocked write answered after %v: %v", elapsed.Round(time.Millisecond), err)
	if cg.ErrorCode(err) != cg.CodeTimeout {
		t.Fatalf("blocked write: %v (%s), want TIMEOUT", err, cg.ErrorCode(err))
	}
	// Generous: the bound is on hanging, not on speed, on a busy machine.
	if elapsed > deadline+3*time.Second {
		t.Errorf("blocked write answered %v after a %v deadline", elapsed, deadline)
	}

	// Release the lock (without keeping the lock node): a write still
	// alive on the server would now go through.
	if err := tx.Rollback(context.Background()); err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithTimeout(context.Background(), time.Minute)
	defer rcancel()
	if err := s.Ready(rctx); err != nil {
		t.Fatalf("not ready after the timed-out write: %v", err)
	}
	// Past the server's transaction monitor interval (2 s by default).
	time.Sleep(3 * time.Second)
	if h, err := s.CommitmentHistory(rctx, id); err == nil && len(h) > 0 {
		t.Errorf("the timed-out write committed after its caller gave up: %d versions", len(h))
	} else if err != nil && cg.ErrorCode(err) != cg.CodeNotFound {
		t.Errorf("reading the timed-out write: %v", err)
	}
}

// A read that cannot get a connection at once, from a Neo4j that is up
// (every pooled connection busy, the pool's borrow time-out short), waits
// within its deadline instead of answering STORE_UNAVAILABLE or TIMEOUT
// early; a write likewise.
func TestBusyPoolWaitsWithinTheDeadline(t *testing.T) {
	shared := openEmpty(t)
	load(t, shared, storetest.Fixture())
	s, err := open(context.Background(), Config{URI: testsupport.Neo4jURI(t)}, func(c *config.Config) {
		c.MaxConnectionPoolSize = 1
		c.ConnectionAcquisitionTimeout = 200 * time.Millisecond
		c.MaxTransactionRetryTime = 300 * time.Millisecond
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	rctx, rcancel := context.WithTimeout(context.Background(), time.Minute)
	defer rcancel()
	if err := s.Ready(rctx); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"read", func(ctx context.Context) error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{})
			return err
		}},
		{"write", func(ctx context.Context) error {
			_, err := s.PutEntity(ctx, &cg.Entity{ID: "busy-pool", Kind: cg.KindCountry, Name: "Busy Pool"}, cg.WriteMeta{By: "test", At: time.Now(), Reason: "test"})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The pool's one connection, held by an open transaction for
			// well past the driver's own retry time.
			holder := s.session(context.Background(), nd.AccessModeRead)
			tx, err := holder.BeginTransaction(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			const held = 1500 * time.Millisecond
			released := time.AfterFunc(held, func() { _ = tx.Rollback(context.Background()); holder.Close(context.Background()) })
			defer released.Stop()

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			start := time.Now()
			err = tc.call(ctx)
			t.Logf("answered after %v: %v", time.Since(start).Round(time.Millisecond), err)
			if err != nil {
				t.Fatalf("with Neo4j up and the pool busy for %v: %v (%s)", held, err, cg.ErrorCode(err))
			}
		})
	}
}
