package neo4j

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// batchStore is a store loaded with the fixture and commitments bt-a and
// bt-b (FRA → UKR), and commits counts its commits.
func batchStore(t *testing.T) (s *Store, commits func() int) {
	t.Helper()
	s = openEmpty(t)
	ds := storetest.Fixture()
	for _, id := range []string{"bt-a", "bt-b"} {
		ds.Commitments = append(ds.Commitments, &cg.Commitment{ID: id, Kind: cg.OffersTroops, ActorID: "FRA", TargetID: "UKR",
			Status: cg.StatusOffered, Date: cg.MustDate("2025-08-20"), Version: 1,
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France is ready to deploy troops"}}})
	}
	load(t, s, ds)
	var mu sync.Mutex
	n := 0
	s.trace = func(phase string, _ time.Duration) {
		if phase == "commit" {
			mu.Lock()
			n++
			mu.Unlock()
		}
	}
	return s, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// inOneBatch runs the calls concurrently with the batcher held, each
// once the one before is queued, and then lets one leader run the queue,
// so that they go into one batch in their order (but for request ids they
// share); order is the queue's, by target.
func inOneBatch(t *testing.T, s *Store, calls ...func() error) (errs []error, order []string) {
	t.Helper()
	s.batchMu.Lock()
	s.leaders = s.writeLeaders // every leader's place taken: the calls queue
	s.batchMu.Unlock()
	errs = make([]error, len(calls))
	var wg sync.WaitGroup
	// One at a time, so that the queue holds them in the calls' order.
	for i, call := range calls {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = call() }()
		for queued := 0; queued <= i; {
			s.batchMu.Lock()
			queued = len(s.queue)
			s.batchMu.Unlock()
			if queued <= i {
				time.Sleep(time.Millisecond) // polling the condition, not waiting a set time
			}
		}
	}
	s.batchMu.Lock()
	for _, p := range s.queue {
		order = append(order, p.target)
	}
	s.leaders = 1 // this call's
	s.batchMu.Unlock()
	s.lead()
	wg.Wait()
	// The last leader leaves after its writes' callers have their answers.
	for idle := false; !idle; {
		s.batchMu.Lock()
		idle = s.leaders == 0 && len(s.queue) == 0
		s.batchMu.Unlock()
		if !idle {
			time.Sleep(time.Millisecond)
		}
	}
	return errs, order
}

func code(err error) cg.Code {
	var coded *cg.Error
	if errors.As(err, &coded) {
		return coded.Code
	}
	if err != nil {
		return "other: " + cg.Code(err.Error())
	}
	return ""
}

// TestGroupCommit runs writes that decide on each other in one batch: each
// is decided as if the writes before it had committed alone, the refused
// ones write nothing, one commit holds the rest, the feed numbers their
// events in order without a gap, and the graph version advances by the
// writes made.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	s, commits := batchStore(t)
	v0, err := s.GraphVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head0, err := s.feedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	meta := func(req string) cg.WriteMeta { return cg.WriteMeta{By: "test", At: at, RequestID: req} }
	change := func(id, req string) func() error {
		return func() error {
			_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: id, BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev}, meta(req))
			return err
		}
	}
	record := func(id, req string) func() error {
		return func() error {
			_, err := s.RecordCommitment(ctx, &cg.Commitment{ID: id, Kind: cg.OffersAirSupport, ActorID: "ITA", TargetID: "UKR",
				Status: cg.StatusOffered, Date: cg.MustDate("2025-09-01"), Evidence: ev}, meta(req))
			return err
		}
	}
	calls := []struct {
		name string
		call func() error
		want cg.Code
	}{
		{"change bt-a from version 1", change("bt-a", "r-1"), ""},
		{"change bt-a from version 1 again", change("bt-a", "r-2"), cg.CodeConflict},
		{"record bt-new", record("bt-new", "r-3"), ""},
		{"record bt-new again", record("bt-new", "r-4"), cg.CodeConflict},
		{"change of an unknown commitment", change("bt-none", "r-5"), cg.CodeNotFound},
		{"request r-3 for another write", record("bt-other", "r-3"), cg.CodeConflict},
		{"retract bt-b", func() error {
			m := meta("")
			m.Reason = "withdrawn"
			_, err := s.RetractCommitment(ctx, "bt-b", 1, m)
			return err
		}, ""},
	}
	fs := make([]func() error, len(calls))
	for i, c := range calls {
		fs[i] = c.call
	}
	errs, order := inOneBatch(t, s, fs...)
	for i, c := range calls {
		if got := code(errs[i]); got != c.want {
			t.Errorf("%s: error %v (%q), want %q", c.name, errs[i], got, c.want)
		}
	}
	if n := commits(); n != 1 {
		t.Errorf("%d commits, want 1 (the request id r-3's second write is refused alone, without a commit)", n)
	}
	if h := history(t, s, "bt-a"); len(h) != 2 || h[1].Status != cg.StatusPledged {
		t.Errorf("bt-a's history: %d versions, want 2 ending pledged", len(h))
	}
	if _, err := s.CommitmentHistory(ctx, "bt-other"); err == nil {
		if h := history(t, s, "bt-other"); len(h) != 0 {
			t.Errorf("bt-other was recorded: %d versions", len(h))
		}
	}
	evs, err := s.ChangesAfter(ctx, head0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, e := range evs {
		if e.Cursor != head0+int64(i)+1 {
			t.Errorf("event %d has cursor %d, want %d", i, e.Cursor, head0+int64(i)+1)
		}
		got = append(got, fmt.Sprintf("%s %s", e.Type, e.Commitment.ID))
	}
	// In the batch's order, which is the queue's.
	written := map[string]string{"bt-a": string(cg.ChangeStatusChanged), "bt-new": string(cg.ChangeRecorded), "bt-b": string(cg.ChangeRetracted)}
	var want []string
	for _, id := range order {
		if typ, ok := written[id]; ok {
			want = append(want, typ+" "+id)
			delete(written, id) // the first write of an id is the one made
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if v, err := s.GraphVersion(ctx); err != nil || v != v0+3 {
		t.Errorf("graph version %d (%v), want %d + 3 writes", v, err, v0)
	}
	// The same requests again answer from the log, without writing.
	again, _ := inOneBatch(t, s, change("bt-a", "r-1"), record("bt-new", "r-3"))
	if again[0] != nil || again[1] != nil {
		t.Errorf("the requests again: %v", again)
	}
	if v, err := s.GraphVersion(ctx); err != nil || v != v0+3 {
		t.Errorf("graph version after the replays %d (%v), want %d", v, err, v0+3)
	}
}

// TestGroupCommitFallsBack fails a batch in one of its writes' statements:
// nothing of the batch commits, the other writes run again alone and
// succeed, and only the failing one reports its error.
func TestGroupCommitFallsBack(t *testing.T) {
	ctx := context.Background()
	s, commits := batchStore(t)
	ok := func(id string) *pendingWrite {
		return &pendingWrite{ctx: ctx, what: "test " + id, target: id, batchable: true, done: make(chan struct{}),
			step: func(tx nd.ManagedTransaction) (stepResult, error) {
				return stepResult{out: id}, run(ctx, tx, `CREATE (:BatchProbe {id: $id})`, map[string]any{"id": id})
			}}
	}
	failing := ok("bad")
	failing.step = func(tx nd.ManagedTransaction) (stepResult, error) {
		if err := run(ctx, tx, `CREATE (:BatchProbe {id: 'bad'})`, nil); err != nil {
			return stepResult{}, err
		}
		return stepResult{}, errors.New("a statement failed")
	}
	batch := []*pendingWrite{ok("p-1"), failing, ok("p-2")}
	s.runBatch(batch, func() {})
	for _, p := range batch {
		<-p.done
	}
	if batch[0].err != nil || batch[2].err != nil || batch[1].err == nil {
		t.Errorf("errors %v, %v, %v; want only the middle one", batch[0].err, batch[1].err, batch[2].err)
	}
	recs, err := s.read(ctx, "probe", `MATCH (p:BatchProbe) RETURN p.id AS id ORDER BY id`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, toString(r.AsMap()["id"]))
	}
	if fmt.Sprint(ids) != "[p-1 p-2]" {
		t.Errorf("probes %v, want [p-1 p-2]: the failed batch committed nothing, its others each alone", ids)
	}
	if n := commits(); n != 2 {
		t.Errorf("%d commits, want 2 (one per write run again alone)", n)
	}
}

// TestBatchLocksWhatNeo4jWould holds one batch's locks (batchLocks) open
// and runs other batches' beside it: a record's target is locked only
// while it is sparse (Neo4j takes shared locks only to add a
// relationship to a dense node, so batches with one dense target run side
// by side), a change does not lock its commitment's target, and a
// sparse end both lock is waited for.
func TestBatchLocksWhatNeo4jWould(t *testing.T) {
	ctx := context.Background()
	s := openEmpty(t)
	ds := storetest.Fixture()
	// UKR dense (denseDegree relationships and more), POL sparse.
	for i := range denseDegree + 10 {
		ds.Commitments = append(ds.Commitments, &cg.Commitment{ID: fmt.Sprintf("lk-%03d", i), Kind: cg.OffersTroops,
			ActorID: "FRA", TargetID: "UKR", Status: cg.StatusOffered, Date: cg.MustDate("2025-08-20"), Version: 1,
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France is ready to deploy troops"}}})
	}
	ds.Commitments = append(ds.Commitments, &cg.Commitment{ID: "lk-ita-pol", Kind: cg.OffersTroops,
		ActorID: "ITA", TargetID: "POL", Status: cg.StatusOffered, Date: cg.MustDate("2025-08-20"), Version: 1,
		Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France is ready to deploy troops"}}})
	load(t, s, ds)

	// hold runs batch's locks in a transaction and keeps it open until
	// the returned function is called; locked closes once it holds them.
	hold := func(batch ...*pendingWrite) (locked <-chan struct{}, done <-chan error, end func()) {
		l, d, e := make(chan struct{}), make(chan error, 1), make(chan struct{})
		go func() {
			sess := s.session(ctx, nd.AccessModeWrite)
			defer sess.Close(ctx)
			_, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (struct{}, error) {
				if err := lockBatch(ctx, tx, batch); err != nil {
					return struct{}{}, err
				}
				close(l)
				<-e
				return struct{}{}, nil
			})
			d <- err
		}()
		return l, d, func() { close(e) }
	}
	record := func(actor, target string) *pendingWrite {
		return &pendingWrite{actors: []string{actor}, ends: []string{target}}
	}
	change := func(id string) *pendingWrite { return &pendingWrite{commitment: id} }
	// within waits for ch while the first batch is held: a batch that
	// does not wait for it ends at once, so the deadline only bounds a
	// failure.
	within := func(what string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(time.Minute):
			t.Fatalf("%s waited for the first batch's locks", what)
		}
	}

	firstLocked, firstDone, endFirst := hold(record("FRA", "UKR"), record("FRA", "POL"))
	within("the first batch", firstLocked)
	for _, tc := range []struct {
		what  string
		batch []*pendingWrite
	}{
		{"a record of another actor to the dense target", []*pendingWrite{record("ITA", "UKR")}},
		{"a change of a commitment to the sparse target", []*pendingWrite{change("lk-ita-pol")}},
	} {
		locked, done, end := hold(tc.batch...)
		within(tc.what, locked)
		end()
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
	}

	// A record to the sparse target waits for the first batch.
	locked, done, end := hold(record("ITA", "POL"))
	for blocked := false; !blocked; {
		select {
		case <-locked:
			t.Fatal("a record to the sparse target took its lock beside the first batch")
		default:
		}
		recs, err := s.read(ctx, "blocked", `SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n`, nil)
		if err != nil {
			t.Fatal(err)
		}
		blocked = toInt(recs[0].AsMap()["n"]) > 0
		if !blocked {
			time.Sleep(10 * time.Millisecond) // polling the condition, not waiting a set time
		}
	}
	endFirst()
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	within("the record to the sparse target, the first batch ended,", locked)
	end()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestBatchLocksAtTheGroupingThreshold: Neo4j turns a node dense when a
// relationship is added to one that already has denseDegree of them
// (convertNodeToDenseIfNecessary checks the degree before it connects the
// new one), so a node of exactly denseDegree is still sparse, and a
// transaction that adds a relationship to it takes the node's exclusive
// lock at its commit: a probe adding one to such a node, beside a
// transaction holding its lock, sat "Closing"/"Committing" until that
// transaction ended (2026-12-07). batchLocks must lock such an end in its
// id order, as it does any sparse end, and leave one of a relationship more
// alone; with the rule at "fewer than denseDegree" it left the first
// unlocked.
func TestBatchLocksAtTheGroupingThreshold(t *testing.T) {
	ctx := context.Background()
	s := openEmpty(t)
	load(t, s, storetest.Fixture())
	degree := func(id string) int {
		t.Helper()
		recs, err := s.read(ctx, "degree", `MATCH (e:Entity {id: $id}) RETURN COUNT { (e)--() } AS n`, map[string]any{"id": id})
		if err != nil {
			t.Fatal(err)
		}
		return toInt(recs[0].AsMap()["n"])
	}
	// POL at exactly denseDegree, USA at one more.
	for id, want := range map[string]int{"POL": denseDegree, "USA": denseDegree + 1} {
		for i := 0; degree(id) < want; i++ {
			c := &cg.Commitment{ID: fmt.Sprintf("th-%s-%03d", id, i), Kind: cg.OffersTroops, ActorID: "ITA", TargetID: id,
				Status: cg.StatusOffered, Evidence: ev}
			if _, err := s.RecordCommitment(ctx, c, cg.WriteMeta{By: "test", At: at}); err != nil {
				t.Fatal(err)
			}
		}
		if got := degree(id); got != want {
			t.Fatalf("%s: degree %d, want %d", id, got, want)
		}
	}
	for _, tc := range []struct {
		target string
		locked bool
	}{{"POL", true}, {"USA", false}} {
		t.Run(tc.target, func(t *testing.T) {
			// A transaction holds the target's write lock, as a batch
			// whose actor it is would.
			locked, stop, done := make(chan error, 1), make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				sess := s.session(ctx, nd.AccessModeWrite)
				defer sess.Close(ctx)
				_, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (struct{}, error) {
					if err := run(ctx, tx, `MATCH (e:Entity {id: $id}) SET e.kind = e.kind`, map[string]any{"id": tc.target}); err != nil {
						return struct{}{}, err
					}
					locked <- nil
					<-stop
					return struct{}{}, nil
				})
				if err != nil {
					locked <- err
				}
			}()
			if err := <-locked; err != nil {
				t.Fatal(err)
			}
			// The locks of a batch recording a commitment to it.
			ours := make(chan error, 1)
			go func() {
				sess := s.session(ctx, nd.AccessModeWrite)
				defer sess.Close(ctx)
				_, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (struct{}, error) {
					return struct{}{}, lockBatch(ctx, tx, []*pendingWrite{{actors: []string{"FRA"}, ends: []string{tc.target}}})
				})
				ours <- err
			}()
			waited := false
			for deadline := time.Now().Add(time.Minute); !waited; {
				select {
				case err := <-ours:
					if err != nil {
						t.Fatal(err)
					}
					ours <- nil
				default:
				}
				if len(ours) > 0 {
					break
				}
				recs, err := s.read(ctx, "blocked", `SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n`, nil)
				if err != nil {
					t.Fatal(err)
				}
				waited = toInt(recs[0].AsMap()["n"]) > 0
				if time.Now().After(deadline) {
					t.Fatal("batchLocks neither ended nor waited")
				}
				if !waited {
					time.Sleep(10 * time.Millisecond) // polling the condition, not waiting a set time
				}
			}
			close(stop)
			<-done
			if err := <-ours; err != nil {
				t.Fatal(err)
			}
			if waited != tc.locked {
				t.Fatalf("degree %d: batchLocks waited for the target's lock: %v, want %v", degree(tc.target), waited, tc.locked)
			}
		})
	}
}
