package neo4j

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The Writer. Each method is one write transaction (ExecuteWrite) that
// reads what it decides on (a request id seen before first, then the
// cg.WriteState), lets the domain's planning function check it and build
// the value to store (cg.PlanRecord and the rest), writes that, and logs
// its outcome under the request id, so that the embedded store and this
// one refuse the same writes with the same errors. history.go describes the history it keeps;
// each type's write methods are in its own file (commitment.go, entity.go,
// source.go).
//
// Retries. The driver re-runs a transaction function after a transient
// error (a deadlock, a leader switch) and never after a commit whose
// outcome it could not learn; that one reaches the caller as
// STORE_UNAVAILABLE, and the caller retries with the same RequestID. Either
// way the re-run reads the state afresh: a request id already logged
// returns the logged outcome, and without a request id a re-run cannot
// duplicate either, since a change based on the version it already made is
// refused (CONFLICT) and an id already recorded is taken.

// Operation names, as the request log keeps them: the domain's, which
// every store's log shares.
const (
	opRecord    = string(cg.OpRecordCommitment)
	opChange    = string(cg.OpChangeCommitment)
	opRetract   = string(cg.OpRetractCommitment)
	opPutEntity = string(cg.OpPutEntity)
	opPutSource = string(cg.OpPutSource)
)

// constraintFailed is the code of a uniqueness constraint refusing a write:
// a concurrent writer got there first.
const constraintFailed = "Neo.ClientError.Schema.ConstraintValidationFailed"

func sourceIDs(ev []cg.Evidence) []string {
	out := make([]string, 0, len(ev))
	for _, e := range ev {
		out = append(out, e.SourceID)
	}
	return out
}

// stateQuery says what a write needs to read before deciding.
type stateQuery struct {
	entities, sources []string
	// current is the commitment whose latest version is read.
	current string
	// taken is the id whose section is read.
	taken string
}

// writeState is what a write decides on.
type writeState struct {
	request  *loggedRequest
	entities map[string]*cg.Entity
	sources  map[string]*cg.Source
	// current is the latest version, retracted or not; nil when none.
	current *cg.Commitment
	// section holds the id asked about ("" when it is free).
	section string
}

type loggedRequest struct {
	op, target, result string
	// token is the logging call's (see writeOp.token).
	token string
}

func (st *writeState) lookup() cg.Lookup {
	return cg.Lookup{
		Entity: func(id string) (*cg.Entity, bool) { e, ok := st.entities[id]; return e, ok },
		Source: func(id string) (*cg.Source, bool) { src, ok := st.sources[id]; return src, ok },
	}
}

// domain is the state as the domain's planning functions take it.
func (st *writeState) domain() cg.WriteState {
	return cg.WriteState{Lookup: st.lookup(), Section: st.section, Current: st.current}
}

// writeRead is one write's read of its state.
type writeRead struct {
	requestID string
	q         stateQuery
}

func readState(ctx context.Context, tx nd.ManagedTransaction, requestID string, q stateQuery) (*writeState, error) {
	sts, err := readStates(ctx, tx, []writeRead{{requestID, q}})
	if err != nil {
		return nil, err
	}
	return sts[0], nil
}

// readStates reads the states of several writes in one statement
// (writeStateQuery, a row each), in the order of reads.
func readStates(ctx context.Context, tx nd.ManagedTransaction, reads []writeRead) ([]*writeState, error) {
	return readStatesLocked(ctx, tx, reads, nil)
}

// readStatesLocked is readStates taking a batch's locks first, in the
// same statement (lockedStateQuery), when locks (batchLocks' parameters)
// is not nil: the state is read after every lock is held, as it would
// be in a statement after batchLocks.
func readStatesLocked(ctx context.Context, tx nd.ManagedTransaction, reads []writeRead, locks map[string]any) ([]*writeState, error) {
	// "" stands for "none": no stored id or request id is empty, and a
	// null parameter would be planned as an index scan rather than a seek.
	rows := make([]any, len(reads))
	for i, r := range reads {
		rows[i] = map[string]any{
			"i": int64(i), "requestId": r.requestID, "entities": append([]string{}, r.q.entities...),
			"sources": append([]string{}, r.q.sources...), "current": r.q.current, "taken": r.q.taken,
		}
	}
	cypher, params := writeStateQuery, map[string]any{"reads": rows}
	if locks != nil {
		cypher = lockedStateQuery
		for k, v := range locks {
			params[k] = v
		}
	}
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*writeState, len(reads))
	for _, rec := range recs {
		m := rec.AsMap()
		i := toInt(m["i"])
		if i < 0 || i >= len(out) || out[i] != nil {
			return nil, fmt.Errorf("neo4j: write state: row %d of %d reads", i, len(reads))
		}
		if out[i], err = decodeWriteState(m); err != nil {
			return nil, err
		}
	}
	for i, st := range out {
		if st == nil {
			return nil, fmt.Errorf("neo4j: write state: no row for read %d of %d", i, len(reads))
		}
	}
	return out, nil
}

// decodeWriteState reads one row of writeStateQuery.
func decodeWriteState(m map[string]any) (*writeState, error) {
	st := &writeState{entities: map[string]*cg.Entity{}, sources: map[string]*cg.Source{}}
	// Ids are unique across sections; a graph that breaks that (a legacy
	// one) is reported as the commitment's.
	for _, sec := range toStrings(m["sections"]) {
		if st.section == "" || sec == "commitment" {
			st.section = sec
		}
	}
	if r := asMap(m["request"]); r != nil {
		st.request = &loggedRequest{op: toString(r["op"]), target: toString(r["target"]), result: toString(r["result"]), token: toString(r["token"])}
	}
	for _, e := range asList(m["entities"]) {
		em := asMap(e)
		st.entities[toString(em["id"])] = &cg.Entity{ID: toString(em["id"]), Kind: cg.EntityKind(toString(em["kind"]))}
	}
	for _, v := range asList(m["sources"]) {
		sm := asMap(v)
		src := &cg.Source{ID: toString(sm["id"]), Text: toString(sm["text"])}
		st.sources[src.ID] = src
	}
	if m["current"] != nil {
		var err error
		if st.current, err = decodeCommitment(m["current"]); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// exec runs a write statement that returns n, the rows it wrote, and
// checks that it wrote want: a missing endpoint would otherwise make a
// write vanish silently.
func exec(ctx context.Context, tx nd.ManagedTransaction, cypher string, params map[string]any, want int) error {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	if n := toInt(rec.AsMap()["n"]); n != want {
		return fmt.Errorf("wrote %d rows, want %d", n, want)
	}
	return nil
}

// writeOp describes one write for runWrite.
type writeOp struct {
	op        string
	requestID string
	// target is the id written, which a retried request must name again.
	target string
	// lock, when set, is the id locked first (lockID): for writes that may
	// create an item under it.
	lock  bool
	state stateQuery
	// change, when set, is the event the write appends to the change
	// feed (its body returns a *cg.Commitment).
	change cg.ChangeType
	// actors are the entities whose matrix counts the write moves (a
	// record's actor), and ends the entities it adds a relationship to
	// or deletes one from (a record's target); commitment, the
	// commitment whose actor it moves (a change's or retraction's), and
	// commitmentEnds, whether it deletes that commitment's relationship
	// (a retraction's). A batch locks them all first, in id order, the
	// ends only where Neo4j itself would (batchLocks).
	actors, ends   []string
	commitment     string
	commitmentEnds bool
}

// runWrite runs one write: lock, read the state, return the logged
// outcome of a request id seen before (or refuse one used for another
// write), else let body check and write; then the write's last statement
// (finishWrites) logs its outcome under the request id and appends its
// change event. A put runs so, in a transaction of its own: its body
// reads the version history it writes. A commitment write plans instead
// (runPlanned), and runs in a transaction with the commitment writes
// that were waiting beside it (batch.go: group commit); the outcome is
// the same either way.
//
// A uniqueness constraint that fails means a concurrent write committed
// first (the same version, the same new id, the same request id): the
// write runs once more in a new transaction, which reads that outcome and
// so answers as if it had come second all along (CONFLICT, IDTaken, or the
// logged outcome of the same request).
func runWrite[T any](ctx context.Context, s *Store, w writeOp, m cg.WriteMeta,
	body func(tx nd.ManagedTransaction, st *writeState) (*T, error)) (*T, error) {
	return submitWrite[T](ctx, s, w, m, func(p *pendingWrite, decide func(*writeState, func(*writeState) (any, error)) (stepResult, error)) {
		p.step = func(tx nd.ManagedTransaction) (stepResult, error) {
			// Errors from the driver go back unwrapped, so that it can
			// tell which ones are worth a retry.
			t := time.Now()
			if w.lock {
				if err := run(ctx, tx, lockID, map[string]any{"id": w.target}); err != nil {
					return stepResult{}, err
				}
				t = s.traced("lock", t)
			}
			st, err := readState(ctx, tx, w.requestID, w.state)
			if err != nil {
				return stepResult{}, err
			}
			t = s.traced("state", t)
			r, err := decide(st, func(st *writeState) (any, error) { return body(tx, st) })
			s.traced("body", t)
			return r, err
		}
	})
}

// rowWrite is what a planned write writes: a row of a statement that
// writes its $rows (the writes of one operation and kind), and returns n,
// the rows written.
type rowWrite struct {
	cypher string
	row    map[string]any
	// counts are the write's changes of the listing counts
	// (listingcounts.go), from the live state it read to the one it writes.
	counts []listingDelta
}

// runPlanned runs a commitment write whose plan decides, without the
// transaction, on the state read for it, and names the row that writes
// the outcome; a batch reads its writes' states in one statement and
// writes the rows of each statement at once (batch.go).
func runPlanned[T any](ctx context.Context, s *Store, w writeOp, m cg.WriteMeta,
	plan func(st *writeState) (*T, *rowWrite, error)) (*T, error) {
	return submitWrite[T](ctx, s, w, m, func(p *pendingWrite, decide func(*writeState, func(*writeState) (any, error)) (stepResult, error)) {
		p.plan = &writePlan{lock: w.lock, read: writeRead{w.requestID, w.state},
			decide: func(st *writeState) (stepResult, *rowWrite, error) {
				var row *rowWrite
				r, err := decide(st, func(st *writeState) (any, error) {
					out, rw, err := plan(st)
					if err != nil {
						return nil, err
					}
					row = rw
					return out, nil
				})
				if err != nil {
					return stepResult{}, nil, err
				}
				return r, row, nil
			}}
	})
}

// submitWrite is runWrite's and runPlanned's: it checks w, lets form give
// the pending write its step or plan, runs it and returns its outcome.
// decide, which form's write calls with the state it read, answers a
// logged request from the log and else lets write (the body) decide and
// write, then makes the write's change event and request log entry.
func submitWrite[T any](ctx context.Context, s *Store, w writeOp, m cg.WriteMeta,
	form func(p *pendingWrite, decide func(*writeState, func(*writeState) (any, error)) (stepResult, error))) (*T, error) {
	// Before the id becomes a lock or an index key, whose size Neo4j
	// limits.
	if err := cg.ValidateTarget(w.target); err != nil {
		return nil, err
	}
	if err := cg.ValidateMeta(m); err != nil {
		return nil, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		return nil, err
	}
	token := rand.Text()
	decide := func(st *writeState, write func(*writeState) (any, error)) (stepResult, error) {
		if st.request != nil {
			if st.request.op != w.op || st.request.target != w.target {
				return stepResult{}, cg.RequestReused(w.requestID)
			}
			out := new(T)
			if err := json.Unmarshal([]byte(st.request.result), out); err != nil {
				return stepResult{}, fmt.Errorf("neo4j: logged outcome of request %q: %w", w.requestID, err)
			}
			// The driver runs a transaction again when it lost the answer
			// to a commit that may have happened: finding this call's own
			// token means the write is this call's, not an earlier one's.
			return stepResult{out: out, logged: true, replayed: st.request.token != token}, nil
		}
		out, err := write(st)
		if err != nil {
			return stepResult{}, err
		}
		r := stepResult{out: out}
		if c, ok := out.(*cg.Commitment); ok && w.change != "" && !s.noOutbox {
			payload, err := json.Marshal(c)
			if err != nil {
				return stepResult{}, fmt.Errorf("neo4j: change event of %q: %w", c.ID, err)
			}
			r.event = map[string]any{"type": string(w.change), "id": c.ID, "version": int64(c.Version),
				"at": orNilTime(m.At), "payload": string(payload)}
		}
		if w.requestID != "" {
			result, err := json.Marshal(out)
			if err != nil {
				return stepResult{}, fmt.Errorf("neo4j: log request %q: %w", w.requestID, err)
			}
			r.request = map[string]any{"id": w.requestID, "op": w.op, "target": w.target,
				"result": string(result), "token": token, "at": orNilTime(m.At), "by": orNilString(m.By)}
		}
		return r, nil
	}
	p := &pendingWrite{ctx: ctx, what: strings.ToLower(w.op) + " " + w.target, target: w.target, requestID: w.requestID,
		batchable: w.change != "", actors: w.actors, ends: w.ends, commitment: w.commitment, commitmentEnds: w.commitmentEnds,
		done: make(chan struct{})}
	form(p, decide)
	s.submit(p)
	if p.err != nil {
		return nil, p.err
	}
	if p.res.replayed {
		cg.MarkReplayed(ctx)
	}
	cg.ReportToken(ctx, p.token)
	if w.change != "" {
		s.wakeTail()
	}
	return p.res.out.(*T), nil
}

// traced reports the phase that began at start to s.trace, if set, and
// returns the time it ended.
func (s *Store) traced(phase string, start time.Time) time.Time {
	if s.trace == nil {
		return start
	}
	now := time.Now()
	s.trace(phase, now.Sub(start))
	return now
}

func run(ctx context.Context, tx nd.ManagedTransaction, cypher string, params map[string]any) error {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

var _ cg.WritableStore = (*Store)(nil)

// ---- Statements ----

// Schema of the history and the request log.
var writeSchemaStatements = []string{
	`CREATE CONSTRAINT commitment_version_key IF NOT EXISTS FOR (n:CommitmentVersion) REQUIRE n.key IS UNIQUE`,
	`CREATE INDEX commitment_version_id IF NOT EXISTS FOR (n:CommitmentVersion) ON (n.commitmentId)`,
	`CREATE CONSTRAINT write_request_id IF NOT EXISTS FOR (n:WriteRequest) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT id_lock IF NOT EXISTS FOR (n:IdLock) REQUIRE n.id IS UNIQUE`,
	`CREATE INDEX entity_version_id IF NOT EXISTS FOR (n:EntityVersion) ON (n.entityId)`,
	`CREATE INDEX source_version_id IF NOT EXISTS FOR (n:SourceVersion) ON (n.sourceId)`,
}

// lockID serialises the writes that may create an item under an id (of any
// section) without leaving anything behind: MERGE on a uniqueness
// constraint takes the index entry's lock until the transaction ends, so a
// second writer of the same id waits here and then reads the first one's
// outcome, while the node itself is gone by commit.
const lockID = `MERGE (l:IdLock {id: $id}) DELETE l`

// writeStateTemplate reads, in one round trip, everything the writes of
// $reads (a row each) decide on: the request log entry, the entities and
// sources a write refers to, the latest version of the commitment it
// changes, and which section holds the id it would create. Unused parts
// get empty values.
var writeStateTemplate = `UNWIND $reads AS w
CALL (w) {
  OPTIONAL MATCH (q:WriteRequest {id: w.requestId})
  CALL (w) { MATCH (e:Entity) WHERE e.id IN w.entities RETURN collect(e {.id, .kind}) AS entities }
  CALL (w) { MATCH (s:Source) WHERE s.id IN w.sources RETURN collect(s {.id, .text}) AS sources }
  CALL (w) {
    OPTIONAL MATCH (v:CommitmentVersion {commitmentId: w.current})
    WITH v ORDER BY v.version DESC LIMIT 1
    RETURN CASE WHEN v IS NULL THEN null ELSE ` + versionProjection + ` END AS current
  }
  CALL (w) {
    CALL (w) {
      %s
    }
    RETURN collect(DISTINCT section) AS sections
  }
  RETURN q {.op, .target, .result, .token} AS request, entities, sources, current, sections
}
RETURN w.i AS i, request, entities, sources, current, sections`

// logRequest records a write's outcome under its request id, in the
// write's own transaction.
const logRequest = `CREATE (:WriteRequest {id: $id, op: $op, target: $target, result: $result, at: $at, by: $by, token: $token})`

// lockedStateQuery is batchLocks, then writeStateQuery.
var writeStateQuery, lockedStateQuery string

func init() {
	// The sections holding an id: a commitment (any version, so that a
	// retracted one's id stays taken, or a relationship), an entity, a
	// source, a claim or a relation. Each branch is an index seek on a
	// parameter (edge ids through their type's uniqueness constraint).
	branches := []string{
		`MATCH (:CommitmentVersion {commitmentId: w.taken}) RETURN 'commitment' AS section`,
		`MATCH (:Entity {id: w.taken}) RETURN 'entity' AS section`,
		`MATCH (:Source {id: w.taken}) RETURN 'source' AS section`,
		`MATCH (:Claim {id: w.taken}) RETURN 'claim' AS section`,
	}
	for _, k := range cg.RelationKinds {
		branches = append(branches, fmt.Sprintf("MATCH ()-[r:%[1]s {id: w.taken}]->() RETURN 'relation' AS section", k))
	}
	for _, k := range cg.CommitmentKinds {
		branches = append(branches, fmt.Sprintf("MATCH ()-[r:%[1]s {id: w.taken}]->() RETURN 'commitment' AS section", k))
	}
	writeStateQuery = fmt.Sprintf(writeStateTemplate, strings.Join(branches, "\n      UNION ALL\n      "))
	lockedStateQuery = batchLocks + "\n" + writeStateQuery
}
