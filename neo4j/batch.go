package neo4j

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Group commit. Every commitment write draws a number from the change
// feed's one counter node, whose write lock it holds to its commit
// (feed.go), so commitment writes commit one at a time however many
// writers there are; and a commit costs this Neo4j more than the write's
// own statements. So the writes that wait run together: a write joins a
// queue, and up to maxInFlight leaders at a time each take the writes
// queued (up to maxBatch) and run them one after the other in one
// transaction, ending with one finishWrites statement for all of them
// (their events, numbered in order, and their request log entries) and
// one commit. A lone write is a batch of one, as before.
//
// A write of a batch reads what the writes before it in the batch wrote
// (one transaction), so a batch decides as the same writes one after the
// other would: two changes based on one version give the second a
// CONFLICT, two records of one id an IDTaken. Only the request log
// entries wait for the batch's end, so two writes with one request id
// never share a batch. A write refused by the domain (a cg.Error) has
// written nothing when it is refused (every body plans first, then
// writes), so its batch goes on without it. Any other failure rolls the
// batch back, and its writes then run again each alone, with the retries
// of a lone write; a failure of the commit itself (its outcome unknown)
// is every write's STORE_UNAVAILABLE, as a lone write's would be. Puts
// run alone: their bodies read the version history they write.

// Defaults of the batcher (Store.writeBatch, Store.writeLeaders).
const (
	defaultWriteBatch   = 64
	defaultWriteLeaders = 2
)

// pendingWrite is one write waiting for, or run by, a batch.
type pendingWrite struct {
	ctx context.Context
	// what names the write in errors.
	what      string
	target    string
	requestID string
	batchable bool
	// actors, ends, commitment and commitmentEnds: the nodes its
	// statements lock (writeOp).
	actors, ends   []string
	commitment     string
	commitmentEnds bool
	// step runs the write's statements in tx (runWrite); plan, set
	// instead, is a planned write's (runPlanned), which a batch runs with
	// the other planned writes (runPlans).
	step func(tx nd.ManagedTransaction) (stepResult, error)
	plan *writePlan

	// Set by the batch that ran it, before done closes: the outcome or
	// the error, and the consistency token of the commit.
	res   stepResult
	err   error
	token string
	done  chan struct{}
}

// writePlan is a planned write: the id it locks ("" for none) and the
// state it reads, which its batch takes and reads with its other
// writes', and decide, which decides on that state and gives the row
// that writes the outcome (nil for none: a logged request).
type writePlan struct {
	lock   bool
	read   writeRead
	decide func(st *writeState) (stepResult, *rowWrite, error)
}

// stepResult is what a write's step did.
type stepResult struct {
	out any
	// logged: the outcome is the one its request id logged; it wrote
	// nothing. replayed: an earlier call's, not this one's.
	logged, replayed bool
	// event and request are its change event and request log entry
	// (finishWrites' rows), nil for none.
	event, request map[string]any
}

// finishWrites is the last statement of a write transaction: it advances
// the graph version by the writes it holds, hands out the feed's next
// numbers to their events in order, and logs their request ids. Taking
// the counter's lock last holds it for this statement and the commit only.
// Batches waiting for it hold their graph locks meanwhile, so Neo4j
// reports DeadlockDetected now and then, on the counter node itself for
// the most part (false positives of its detection among writers queued on
// one lock; taking the counter first did not remove them and made them
// come about 5 times as often, 8 tries in a row for one batch), and
// execBatch runs a refused batch again (deadlockRetry).
var finishWrites = fmt.Sprintf(finishTemplate, "", "before")

// finishTemplate is finishWrites carrying the variables %[1]s (each
// followed by a comma) from the statement before it, and returning %[2]s.
const finishTemplate = `MERGE (f:ChangeFeed {id: $feed})
SET f.seq = coalesce(f.seq, 0) + size($events), f.version = coalesce(f.version, timestamp() * 1000) + $writes
WITH %[1]sf.seq - size($events) AS before
CALL (before) {
  UNWIND range(0, size($events) - 1) AS i
  WITH $events[i] AS e, before + 1 + i AS seq
  CREATE (:ChangeEvent {seq: seq, type: e.type, commitmentId: e.id, version: e.version, at: e.at, payload: e.payload})
}
CALL () {
  UNWIND $requests AS q
  CREATE (:WriteRequest {id: q.id, op: q.op, target: q.target, result: q.result, at: q.at, by: q.by, token: q.token})
}
RETURN %[2]s`

// finishing is a write statement of planned writes (one that returns n,
// the rows written) with finishWrites after it, in one statement: a
// batch's last write statement finishes the batch, so that it costs one
// statement fewer, and one fewer while the batch holds the locks of its
// actors (2026-12-07, docs/benchmarks.md "Writes on Neo4j (session 13)").
// The texts are made once per statement.
var finishing sync.Map

func withFinish(cypher string) string {
	if f, ok := finishing.Load(cypher); ok {
		return f.(string)
	}
	f := "CALL () {\n" + cypher + "\n}\n" + fmt.Sprintf(finishTemplate, "n, ", "n")
	finishing.Store(cypher, f)
	return f
}

// finishParams are finishWrites' parameters for the writes of batch that
// wrote (not refused, not a logged request's), and their number.
func finishParams(batch []*pendingWrite) (map[string]any, int) {
	events, requests := []any{}, []any{}
	writes := 0
	for _, p := range batch {
		if p.err != nil || p.res.logged {
			continue
		}
		writes++
		if r := p.res; r.event != nil {
			events = append(events, r.event)
		}
		if r := p.res; r.request != nil {
			requests = append(requests, r.request)
		}
	}
	return map[string]any{"feed": feedID, "events": events, "requests": requests, "writes": int64(writes)}, writes
}

// deadlockRetry is execBatch's retry of a transaction Neo4j ended with
// DeadlockDetected after the driver's own retries: the driver's shape
// (its retry.State and Throttler), a delay that doubles with ±20% jitter,
// so that writers refused together do not come back together, until the
// time is spent. Its time is the caller's deadline, less a try's
// minimum, and writeRetryTime from the first attempt for a caller with
// no deadline; not the driver's maxTransactionRetryTime, which a batch
// that waited for the counter has often spent before its first attempt
// failed. A deadlock rolled the transaction back, so running it again is
// safe.
type deadlockRetry struct {
	until    time.Time
	throttle time.Duration
	attempts int
}

const (
	// deadlockBackoff is where the delays start, the first being about
	// twice it (the driver starts at 1 s, a first delay of about 2 s,
	// which is many batches' time here: the counter is held for one
	// statement and a commit).
	deadlockBackoff = 50 * time.Millisecond
	// writeRetryTime bounds the retries of a caller with no deadline:
	// the driver's default MaxTransactionRetryTime.
	writeRetryTime = 30 * time.Second
	// minTryTime is the least time worth starting one more try with.
	minTryTime = 500 * time.Millisecond
)

func newDeadlockRetry(ctx context.Context, start time.Time) *deadlockRetry {
	until := start.Add(writeRetryTime)
	if d, ok := ctx.Deadline(); ok {
		until = d.Add(-minTryTime)
	}
	return &deadlockRetry{until: until, throttle: deadlockBackoff, attempts: 1}
}

// wait sleeps before the next try and reports whether to make it: not
// when the try would start after r.until, nor when ctx ends first.
func (r *deadlockRetry) wait(ctx context.Context) bool {
	const jitter = 0.2
	j := float64(r.throttle) * jitter
	r.throttle = 2*r.throttle - time.Duration(j) + time.Duration(2*j*rand.Float64())
	if time.Now().Add(r.throttle).After(r.until) {
		return false
	}
	t := time.NewTimer(r.throttle)
	defer t.Stop()
	select {
	case <-t.C:
		r.attempts++
		return true
	case <-ctx.Done():
		return false
	}
}

// deadlocked is the error of a write Neo4j refused as deadlocked on every
// try: STORE_UNAVAILABLE, since nothing of it was written and the same
// write (with its request id) can be sent again.
func deadlocked(attempts int, err error) error {
	return &cg.Error{Code: cg.CodeStoreUnavailable,
		Message: fmt.Sprintf("the graph store refused the write as deadlocked with concurrent writes, %d tries in a row; nothing was written, send it again", attempts),
		Err:     err}
}

// lastDeadlocked reports whether err ended in Neo4j's deadlock verdict:
// its last try's error, not an earlier one of the driver's retries (after
// which, say, a lost commit leaves the outcome unknown). The server
// answered the verdict, so that try's transaction was rolled back.
func lastDeadlocked(err error) bool {
	for err != nil {
		switch e := err.(type) {
		case *nd.Neo4jError:
			return e.Code == "Neo.TransientError.Transaction.DeadlockDetected"
		case *nd.TransactionExecutionLimit:
			if len(e.Errors) == 0 {
				return false
			}
			err = e.Errors[len(e.Errors)-1]
		default:
			err = errors.Unwrap(err)
		}
	}
	return false
}

// submit queues p and returns when a batch has run it.
func (s *Store) submit(p *pendingWrite) {
	s.batchMu.Lock()
	s.queue = append(s.queue, p)
	lead := s.leaders < max(s.writeLeaders, 1)
	if lead {
		s.leaders++
	}
	s.batchMu.Unlock()
	if lead {
		s.lead()
	}
	<-p.done
}

// lead runs one batch of the queue, then hands the lead on to a new
// goroutine if writes are still queued, so that no caller waits for other
// callers' batches.
//
// A leader takes its batch only once no other batch is running the
// statements before its finishWrites (s.forming, released by execBatch
// when its batch reaches finishWrites, or by the batch's end): every
// batch takes the counter's lock in finishWrites and holds it to its
// commit, so batches finish one at a time, and the most a batch can do
// beside another is run its own statements while the other finishes and
// commits. Taken any earlier, a batch would hold the few writes queued
// the moment a batch ended, and wait for the counter all the same; taken
// then, it holds every write that arrived while the other ran (16 writers
// with two leaders: batches of about 8, not 5, 2026-12-07,
// docs/benchmarks.md "Writes on Neo4j (session 13)").
func (s *Store) lead() {
	s.forming <- struct{}{}
	var once sync.Once
	release := func() { once.Do(func() { <-s.forming }) }
	defer release()
	s.batchMu.Lock()
	batch := s.takeBatch()
	if len(batch) == 0 {
		s.leaders--
		s.batchMu.Unlock()
		return
	}
	s.batchMu.Unlock()
	s.runBatch(batch, release)
	release()
	s.batchMu.Lock()
	more := len(s.queue) > 0
	if !more {
		s.leaders--
	}
	s.batchMu.Unlock()
	if more {
		go s.lead()
	}
}

// takeBatch takes the next batch off the queue (batchMu held): the first
// write alone if it is a put, else up to writeBatch commitment writes in
// queue order, leaving for a later batch any whose request id one of
// them has.
func (s *Store) takeBatch() []*pendingWrite {
	if len(s.queue) == 0 {
		return nil
	}
	limit := max(s.writeBatch, 1)
	if first := s.queue[0]; !first.batchable || limit == 1 {
		s.queue = s.queue[1:]
		return []*pendingWrite{first}
	}
	var batch, rest []*pendingWrite
	ids := map[string]bool{}
	for _, p := range s.queue {
		if len(batch) < limit && p.batchable && (p.requestID == "" || !ids[p.requestID]) {
			batch = append(batch, p)
			if p.requestID != "" {
				ids[p.requestID] = true
			}
			continue
		}
		rest = append(rest, p)
	}
	s.queue = rest
	return batch
}

// runBatch runs the writes of batch and closes their done channels;
// release is called when the batch reaches finishWrites (execBatch).
func (s *Store) runBatch(batch []*pendingWrite, release func()) {
	var live []*pendingWrite
	for _, p := range batch {
		// A caller gone while its write waited: it is not run.
		if err := p.ctx.Err(); err != nil {
			p.err = classify(p.what, err)
			close(p.done)
			continue
		}
		live = append(live, p)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		s.runAlone(live[0], release)
		return
	}
	ctx, cancel := batchContext(live)
	defer cancel()
	token, rolledBack, err := s.execBatch(ctx, live, release)
	if err == nil {
		for _, p := range live {
			p.token = token
			close(p.done)
		}
		return
	}
	var ne *nd.Neo4jError
	if rolledBack || errors.As(err, &ne) {
		// Nothing committed: each write again, alone.
		for _, p := range live {
			p.res, p.err = stepResult{}, nil
			s.runAlone(p, release)
		}
		return
	}
	for _, p := range live {
		p.res, p.err = stepResult{}, classify(p.what, err)
		close(p.done)
	}
}

// runAlone runs p in a transaction of its own, with the retries of a
// write after a uniqueness constraint failed (runWrite), and closes done.
func (s *Store) runAlone(p *pendingWrite, release func()) {
	defer close(p.done)
	for attempt := 1; ; attempt++ {
		token, _, err := s.execBatch(p.ctx, []*pendingWrite{p}, release)
		if err == nil {
			p.token = token
			return
		}
		p.res = stepResult{}
		var coded *cg.Error
		if errors.As(err, &coded) {
			p.err = coded
			return
		}
		var ne *nd.Neo4jError
		if errors.As(err, &ne) && ne.Code == constraintFailed {
			if attempt < 3 {
				continue
			}
			p.err = &cg.Error{Code: cg.CodeConflict, Field: "id",
				Message: fmt.Sprintf("%q is being written concurrently: read it again and retry", p.target), Err: err}
			return
		}
		p.err = classify(p.what, err)
		return
	}
}

// execBatch runs batch as one transaction and returns the commit's
// consistency token. In a batch of more than one, a write's domain error
// is its own (p.err) and the others go on; in a batch of one it is the
// transaction's error. rolledBack says the error came from the
// transaction's statements, so that nothing committed. release is called
// before finishWrites (lead: the next batch may form).
func (s *Store) execBatch(ctx context.Context, batch []*pendingWrite, release func()) (token string, rolledBack bool, err error) {
	// began and worked: when the try began and when its statements
	// ended, for the trace's begin and commit-end phases.
	var began, worked time.Time
	work := func(tx nd.ManagedTransaction) (struct{}, error) {
		rolledBack = false
		t := s.traced("begin", began)
		// Planned writes take their locks in their first state read
		// (runPlans).
		if batch[0].plan == nil {
			if err := lockBatch(ctx, tx, batch); err != nil {
				rolledBack = true
				return struct{}{}, err
			}
			s.traced("locks", t)
		}
		finished, err := s.runWrites(ctx, tx, batch)
		if err != nil {
			rolledBack = true
			return struct{}{}, err
		}
		if finished {
			release()
			worked = time.Now()
			return struct{}{}, nil
		}
		params, writes := finishParams(batch)
		if writes == 0 {
			return struct{}{}, nil
		}
		t = time.Now()
		if err := run(ctx, tx, finishWrites, params); err != nil {
			rolledBack = true
			return struct{}{}, err
		}
		// The batch holds the counter now, to its commit: the next one
		// may form.
		release()
		worked = s.traced("finish", t)
		return struct{}{}, nil
	}
	if s.repeatInTransaction {
		once := work
		work = func(tx nd.ManagedTransaction) (struct{}, error) {
			if _, err := once(tx); err != nil {
				return struct{}{}, err
			}
			return once(tx)
		}
	}
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	start := time.Now()
	retry := newDeadlockRetry(ctx, start)
	for {
		_, err = retryAcquisition(ctx, func() (struct{}, error) {
			began, worked = time.Now(), time.Time{}
			return nd.ExecuteWrite(ctx, sess, work, txTimeout(ctx)...)
		})
		if err == nil || !lastDeadlocked(err) {
			break
		}
		if s.trace != nil {
			// Counted by the benchmarks: a batch run again after a deadlock.
			s.trace("deadlock", 0)
		}
		if !retry.wait(ctx) {
			break
		}
	}
	if err != nil && ctx.Err() == nil && lastDeadlocked(err) {
		err = deadlocked(retry.attempts, err)
	}
	if err == nil && s.replayAfterCommit {
		// As the driver would after losing the commit's answer.
		_, err = nd.ExecuteWrite(ctx, sess, work, txTimeout(ctx)...)
	}
	if err != nil {
		return "", rolledBack, err
	}
	if s.trace != nil {
		if !worked.IsZero() {
			s.traced("commit end", worked)
		}
		d := time.Since(start)
		s.trace("commit", d)
		for range batch {
			s.trace("transaction", d)
		}
	}
	return encodeToken(sess.LastBookmarks()), false, nil
}

// runWrites runs the writes of batch in tx: each write's step in turn,
// or, for planned writes, runPlans. A write's domain error is its own
// (p.err) in a batch of more than one; any other error is the batch's.
// finished says the batch's finishWrites ran too (runPlans).
func (s *Store) runWrites(ctx context.Context, tx nd.ManagedTransaction, batch []*pendingWrite) (finished bool, err error) {
	for _, p := range batch {
		p.res, p.err = stepResult{}, nil
	}
	if batch[0].plan != nil {
		return s.runPlans(ctx, tx, batch)
	}
	for _, p := range batch {
		if p.plan != nil {
			return false, fmt.Errorf("neo4j: a batch of %d writes mixes steps and plans", len(batch))
		}
		r, err := p.step(tx)
		if err != nil {
			if ownError(batch, p, err) {
				continue
			}
			return false, err
		}
		p.res = r
	}
	return false, nil
}

// ownError sets p.err to err and reports true when err is the domain's
// refusal of p in a batch of more than one: the batch goes on without p.
func ownError(batch []*pendingWrite, p *pendingWrite, err error) bool {
	var coded *cg.Error
	if len(batch) > 1 && errors.As(err, &coded) {
		p.err = coded
		return true
	}
	return false
}

// runPlans runs the planned writes of batch (their ids already locked,
// lockBatch) in a few statements whatever their number: one reads the
// states of all, the writes decide in Go, and one statement per
// operation and kind writes the rows of all that wrote. A write decides
// on what the writes before it in the batch wrote, as if they had
// committed alone: writes of distinct targets cannot change each other's
// state (commitment writes change neither entities nor sources, and a
// write's state is its own request id, its commitment and its id's
// section), so the batch runs in waves, each the first write not yet run
// of every target, and a second write of a target reads its state in the
// next wave, after the first wrote.
//
// The batch's locks (batchLocks) are taken in the first wave's state
// read, and its finishWrites runs in the last wave's last write statement
// (withFinish; finished reports it did): two statements fewer, both while
// the batch holds its actors' locks.
func (s *Store) runPlans(ctx context.Context, tx nd.ManagedTransaction, batch []*pendingWrite) (finished bool, err error) {
	locks := lockParams(batch)
	ran := make([]bool, len(batch))
	// One stripe for every wave and statement of the batch, so that it
	// holds one stripe's lock (matrixApply).
	stripe := batchStripe()
	for left := len(batch); left > 0; {
		t := time.Now()
		var wave []*pendingWrite
		var reads []writeRead
		targets := map[string]bool{}
		for i, p := range batch {
			if ran[i] || targets[p.target] {
				continue
			}
			if p.plan == nil {
				return false, fmt.Errorf("neo4j: a batch of %d writes mixes steps and plans", len(batch))
			}
			targets[p.target] = true
			ran[i] = true
			left--
			wave = append(wave, p)
			reads = append(reads, p.plan.read)
		}
		sts, err := readStatesLocked(ctx, tx, reads, locks)
		if err != nil {
			return false, err
		}
		locks = nil
		t = s.traced("state", t)
		var order []string
		rows := map[string][]any{}
		var counts []listingDelta
		for i, p := range wave {
			r, row, err := p.plan.decide(sts[i])
			if err != nil {
				if ownError(batch, p, err) {
					continue
				}
				return false, err
			}
			p.res = r
			if row != nil {
				if _, ok := rows[row.cypher]; !ok {
					order = append(order, row.cypher)
				}
				rows[row.cypher] = append(rows[row.cypher], row.row)
				counts = append(counts, row.counts...)
			}
		}
		// The wave's listing counts in one statement, in one lock order
		// (listingcounts.go), before the last statement takes the counter.
		if err := applyListingDeltas(ctx, tx, counts); err != nil {
			return false, err
		}
		for i, cypher := range order {
			want := len(rows[cypher])
			params := withMatrixParams(map[string]any{"rows": rows[cypher]})
			params["mxStripe"] = stripe
			if left == 0 && i == len(order)-1 {
				// Every write of the batch has decided: the last
				// statement finishes the batch.
				fp, _ := finishParams(batch)
				for k, v := range fp {
					params[k] = v
				}
				cypher, finished = withFinish(cypher), true
			}
			if err := exec(ctx, tx, cypher, params, want); err != nil {
				return false, err
			}
		}
		s.traced("body", t)
	}
	return finished, nil
}

// batchContext is the context of a batch's transaction: it ends at the
// latest of its writes' deadlines, and not with any one caller.
func batchContext(batch []*pendingWrite) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, p := range batch {
		d, ok := p.ctx.Deadline()
		if !ok {
			return context.WithCancel(context.Background())
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(context.Background(), latest)
}

// batchLocks takes, before any write of a batch, the write locks of the
// Entity nodes its writes will lock, in id order: every actor whose
// matrix counts a write moves (matrixrows.go), and every end of a
// relationship a write creates or deletes (a record's target, a
// retraction's actor and target) that Neo4j would lock itself. In a batch
// of several, the writes' order would otherwise be the order of these
// locks, and two batches that name the same two entities in opposite
// orders would deadlock. Neo4j locks an end only when the node is not
// dense (the operations manual, "Concurrent data access", locks for dense
// nodes), so an end of more than denseDegree relationships is left alone:
// locking it would make every batch that writes a commitment of one
// target (say, the many pledges to one country) wait for the others'
// commits, where Neo4j lets them run side by side. A change moves its
// actor's counts and changes no relationship between entities, so it
// locks its actor only. The batch's records also take their ids' IdLock
// here (lockID), in id order after the entities, before the batch reads
// any state.
//
// Why leaving dense ends unlocked loses no update and adds no lock cycle
// (a second reading, 2026-12-07, of Neo4j 5.26's record storage: its
// RecordStorageLocks and RelationshipModifier):
//
//   - What a batch reads and then writes is locked before it is read: its
//     actors' counts (here, whatever their degree; matrixApply reads
//     e.matrixCells in a WITH and SETs the sum later, and Neo4j takes the
//     write lock before such a read only when the SET's right-hand side
//     reads the property itself, so without this lock two batches could
//     read the same counts and the second commit would lose the first
//     one's change: TestMaintainedMatrixEqualsAggregation with -race
//     failed so, 2026-12-03); its stripe (matrixApply's SET st.n before
//     its sums); and a changed or retracted commitment's relationship and
//     latest version, whose every writer locks here the actors of all the
//     commitment's versions (the first version's actor is in every such
//     set) before its state read. Of an end it leaves unlocked a batch
//     reads and writes nothing itself: the end's relationship chain and
//     degrees are Neo4j's, under Neo4j's own locks.
//   - The exclusive locks a batch's statements take come in one order in
//     every batch: entities by id here, IdLocks by id, its one stripe,
//     then the uniqueness entries of what it creates (new keys, or a
//     request id, which a second batch holds only when it has the same
//     one, and then fails its constraint and runs alone). Creating or
//     deleting a relationship takes, in the statement, shared locks only
//     (both ends' NODE_RELATIONSHIP_GROUP_DELETE and DEGREES), which only
//     deleting a node or changing its labels take exclusively, and no
//     write does either to an Entity. An end's exclusive locks are taken
//     at commit, in node id order: a sparse end's NODE lock (so a sparse
//     end is locked here, and the commit takes a lock the batch holds
//     already), a dense end's RELATIONSHIP_GROUP lock (which no statement
//     takes), and a dense end's NODE lock only when the batch adds the
//     node's first relationship of a type it has no group for. That last
//     is the one cycle left: batch A holds entity X (its actor) and waits
//     for a lock B holds (an entity after X, or the stripe they drew), and
//     B, committing, waits for X's NODE lock to add X's first commitment
//     of a kind. Neo4j reports it as DeadlockDetected, and the batch it
//     refuses runs again (deadlockRetry); it can come once per dense
//     entity and kind (again after retractions empty a kind's group).
//   - The threshold: Neo4j turns a node dense when a relationship is added
//     to one that has denseDegree or more (it checks before it connects
//     the new one), so a node of exactly denseDegree is still sparse and
//     is locked here (TestBatchLocksAtTheGroupingThreshold, which failed
//     with the rule at "fewer than denseDegree").
const batchLocks = `CALL () {
  CALL () {
    UNWIND $commitments AS c
    MATCH (v:CommitmentVersion {commitmentId: c.id})
    RETURN collect(v.actor) AS actors, collect(CASE WHEN c.ends THEN v.target END) + collect(CASE WHEN c.ends THEN v.actor END) AS ends
  }
  WITH actors + $actors AS actors, ends + $ends AS ends
  UNWIND actors + ends AS id
  WITH DISTINCT id, actors ORDER BY id
  MATCH (e:Entity {id: id})
  WHERE id IN actors OR COUNT { (e)--() } <= $denseDegree
  SET e.kind = e.kind
}
CALL () {
  UNWIND $ids AS id
  WITH DISTINCT id ORDER BY id
  MERGE (l:IdLock {id: id})
  DELETE l
}`

// denseDegree is Neo4j's grouping threshold
// (db.relationship_grouping_threshold, 50 by default): a relationship
// added to a node that has this many or more turns it dense (its
// relationships in groups), and Neo4j locks it no more to create or
// delete a relationship of it. A node stays dense, so a node of more than
// this degree is dense; one of this degree or less may be too (its
// relationships deleted since), and is then locked though Neo4j would
// not, which costs a wait and never a deadlock.
const denseDegree = 50

// lockBatch runs batchLocks for the writes of batch (lockParams).
func lockBatch(ctx context.Context, tx nd.ManagedTransaction, batch []*pendingWrite) error {
	params := lockParams(batch)
	if params == nil {
		return nil
	}
	return run(ctx, tx, batchLocks, params)
}

// lockParams are batchLocks' parameters for the writes of batch: their
// entities and the ids of the planned writes that lock one (lockID, for
// the others in their steps); nil when there is nothing to lock.
func lockParams(batch []*pendingWrite) map[string]any {
	actors, ends, commitments, ids := []any{}, []any{}, []any{}, []any{}
	for _, p := range batch {
		for _, id := range p.actors {
			actors = append(actors, id)
		}
		for _, id := range p.ends {
			ends = append(ends, id)
		}
		if p.commitment != "" {
			commitments = append(commitments, map[string]any{"id": p.commitment, "ends": p.commitmentEnds})
		}
		if p.plan != nil && p.plan.lock {
			ids = append(ids, p.target)
		}
	}
	if len(actors) == 0 && len(ends) == 0 && len(commitments) == 0 && len(ids) == 0 {
		return nil
	}
	return map[string]any{"actors": actors, "ends": ends, "commitments": commitments, "ids": ids,
		"denseDegree": int64(denseDegree)}
}
