package neo4j

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// second opens another Store on the database s uses, as a second server
// instance would.
func second(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URI: testsupport.Neo4jURI(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newCommitment(id string) *cg.Commitment {
	return &cg.Commitment{ID: id, Kind: cg.OffersAirSupport, ActorID: "ITA", TargetID: "UKR", Status: cg.StatusOffered, Evidence: ev}
}

func takeEvents(t *testing.T, ch <-chan cg.ChangeEvent, n int) []cg.ChangeEvent {
	t.Helper()
	var out []cg.ChangeEvent
	for len(out) < n {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatalf("feed closed after %d of %d events", len(out), n)
			}
			out = append(out, e)
		case <-time.After(30 * time.Second):
			t.Fatalf("%d of %d events", len(out), n)
		}
	}
	return out
}

// TestChangeFeedAcrossStores: two Stores on one database (two instances)
// each deliver every write made through either, in commit order, once.
func TestChangeFeedAcrossStores(t *testing.T) {
	a := openEmpty(t)
	load(t, a, storetest.Fixture())
	crossStores(t, a, second(t))
}

// TestChangeFeedAcrossStoresWithoutDriverRetries: the same with drivers
// that never retry a transaction, so that every DeadlockDetected Neo4j
// reports on the feed counter (false positives of its detection among
// writers queued on one lock, batch.go) is the store's to handle; a batch
// that waited for the counter has often spent the driver's retry time.
func TestChangeFeedAcrossStoresWithoutDriverRetries(t *testing.T) {
	noRetries := func(c *config.Config) { c.MaxTransactionRetryTime = 0 }
	a, err := open(context.Background(), Config{URI: testsupport.Neo4jURI(t)}, noRetries)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := a.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.clear(ctx); err != nil {
		t.Fatal(err)
	}
	load(t, a, storetest.Fixture())
	b, err := open(context.Background(), Config{URI: testsupport.Neo4jURI(t)}, noRetries)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	crossStores(t, a, b)
}

// crossStores: a and b, two Stores on one database holding the fixture,
// each deliver every write made through either, in commit order, once.
func crossStores(t *testing.T, a, b *Store) {
	ctx := t.Context()
	onA, err := a.Changes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	onB, err := b.Changes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.RecordCommitment(ctx, newCommitment("c-feed-first"), cg.WriteMeta{By: "test", At: at}); err != nil {
		t.Fatal(err)
	}
	if e := takeEvents(t, onB, 1)[0]; e.Commitment.ID != "c-feed-first" || e.Type != cg.ChangeRecorded || e.Commitment.ActorID != "ITA" {
		t.Fatalf("B got %+v, want the record made through A", e)
	}

	const writers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []*Store{a, b}[w%2]
			for i := range each {
				id := fmt.Sprintf("c-feed-%d-%d", w, i)
				if _, err := s.RecordCommitment(ctx, newCommitment(id), cg.WriteMeta{By: "test", At: at}); err != nil {
					errs <- err
					return
				}
				if _, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: id, BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev},
					cg.WriteMeta{By: "test", At: at}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for name, ch := range map[string]<-chan cg.ChangeEvent{"A": onA, "B": onB} {
		got := takeEvents(t, ch, 2*writers*each)
		if name == "A" {
			got = got[1:] // A's subscriber also saw the first record
			got = append(got, takeEvents(t, ch, 1)...)
		}
		versions := map[string]int{}
		for i, e := range got {
			if i > 0 && e.Cursor != got[i-1].Cursor+1 {
				t.Fatalf("%s: cursor %d after %d", name, e.Cursor, got[i-1].Cursor)
			}
			if v := versions[e.Commitment.ID]; e.Commitment.Version != v+1 {
				t.Fatalf("%s: %s version %d after %d", name, e.Commitment.ID, e.Commitment.Version, v)
			}
			versions[e.Commitment.ID] = e.Commitment.Version
		}
		if len(versions) != writers*each {
			t.Fatalf("%s: events of %d commitments, want %d", name, len(versions), writers*each)
		}
	}
}

// TestChangeFeedRetries: a write the driver or a client runs again appends
// one event.
func TestChangeFeedRetries(t *testing.T) {
	ctx := t.Context()
	for _, mode := range []string{"same request twice", "replay after commit", "body twice in one transaction"} {
		t.Run(mode, func(t *testing.T) {
			s := openEmpty(t)
			load(t, s, storetest.Fixture())
			s.replayAfterCommit = mode == "replay after commit"
			s.repeatInTransaction = mode == "body twice in one transaction"
			m := cg.WriteMeta{By: "test", At: at, RequestID: "req-feed"}
			for range 2 {
				if _, err := s.RecordCommitment(ctx, newCommitment("c-feed-retried"), m); err != nil {
					t.Fatal(err)
				}
				if mode != "same request twice" {
					break
				}
			}
			evs, err := s.ChangesAfter(ctx, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 || evs[0].Cursor != 1 || evs[0].Commitment.ID != "c-feed-retried" {
				t.Fatalf("feed holds %+v, want one event at cursor 1", evs)
			}
		})
	}
}

// TestChangeFeedPrunes: past the retention the oldest events go, and a
// cursor before them is refused rather than resumed with a gap.
func TestChangeFeedPrunes(t *testing.T) {
	ctx := t.Context()
	s := openEmpty(t)
	load(t, s, storetest.Fixture())
	s.feedRetention = 5
	for i := range 12 {
		if _, err := s.RecordCommitment(ctx, newCommitment(fmt.Sprintf("c-prune-%02d", i)), cg.WriteMeta{By: "test", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.prune(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		after int64
		want  int
		code  cg.Code
	}{
		{after: 0, code: cg.CodeCursorExpired},
		{after: 6, code: cg.CodeCursorExpired},
		{after: 7, want: 5},
		{after: 11, want: 1},
		{after: 12, want: 0},
	}
	for _, tt := range tests {
		evs, err := s.ChangesAfter(ctx, tt.after, 100)
		if tt.code == "" && err != nil || tt.code != "" && cg.ErrorCode(err) != tt.code {
			t.Fatalf("after %d: err %v, want %q", tt.after, err, tt.code)
		}
		if len(evs) != tt.want {
			t.Fatalf("after %d: %d events, want %d", tt.after, len(evs), tt.want)
		}
	}
}

// TestConsistencyToken: a write reports a token; a read through another
// Store that carries it sees the write; a token this service did not give
// is refused.
func TestConsistencyToken(t *testing.T) {
	a := openEmpty(t)
	load(t, a, storetest.Fixture())
	b := second(t)
	wctx, token := cg.WithTokenReport(t.Context())
	if _, err := a.RecordCommitment(wctx, newCommitment("c-token"), cg.WriteMeta{By: "test", At: at}); err != nil {
		t.Fatal(err)
	}
	if token() == "" {
		t.Fatal("a write reported no consistency token")
	}
	rctx := cg.WithConsistencyToken(t.Context(), token())
	if got, err := b.CommitmentHistory(rctx, "c-token"); err != nil || len(got) != 1 {
		t.Fatalf("read with the token: %v (%d versions)", err, len(got))
	}
	_, err := b.CommitmentHistory(cg.WithConsistencyToken(t.Context(), "not a token"), "c-token")
	if cg.ErrorCode(err) != cg.CodeBadInput {
		t.Fatalf("a made-up token: %v, want BAD_USER_INPUT", err)
	}
}
