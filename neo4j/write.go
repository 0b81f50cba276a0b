package neo4j

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
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
// one refuse the same writes with the same errors. write_cypher.go describes the history it keeps.
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

// versionKey is a version node's unique key. Ids cannot hold '@'.
func versionKey(id string, version int) string { return fmt.Sprintf("%s@%d", id, version) }

// versionProps are the properties of c's version node. knownFrom is when
// it counts as known (cg.KnownFrom), kept so that reads as of an instant
// need not follow each version's sources; a written version carries its
// ValidFrom, a curated one takes its sources from source.
func versionProps(c *cg.Commitment, source func(id string) *cg.Source) map[string]any {
	knownFrom, known := cg.KnownFrom(c, source)
	m := map[string]any{
		"key": versionKey(c.ID, c.Version), "commitmentId": c.ID, "version": int64(c.Version),
		"kind": string(c.Kind), "actor": c.ActorID, "target": c.TargetID, "status": string(c.Status),
		"date": c.Date.String(), "datePrecision": string(c.Date.Precision()), "dateStart": nil, "dateEnd": nil,
		"dateReasoning": orNilString(c.DateReasoning), "statedBy": orNilString(c.StatedByID), "conditions": orNilList(c.Conditions), "summary": orNilString(c.Summary),
		"recordedAt": orNilTime(c.RecordedAt), "recordedBy": orNilString(c.RecordedBy), "reason": orNilString(c.Reason),
		"validFrom": orNilTime(c.ValidFrom), "knownFrom": nil,
		"retracted": c.Retracted, "evidenceCount": int64(len(c.Evidence)),
	}
	if c.Date.Known() {
		m["dateStart"], m["dateEnd"] = nd.DateOf(c.Date.Start()), nd.DateOf(c.Date.End())
	}
	if known {
		m["knownFrom"] = knownFrom.UTC()
	}
	return m
}

// liveProps are the properties of the relationship that holds c as the
// current version.
func liveProps(c *cg.Commitment) map[string]any {
	m := map[string]any{
		"status": string(c.Status), "date": c.Date.String(), "datePrecision": string(c.Date.Precision()),
		"dateStart": nil, "dateEnd": nil,
		"dateReasoning": orNilString(c.DateReasoning), "statedBy": orNilString(c.StatedByID), "conditions": orNilList(c.Conditions), "summary": orNilString(c.Summary),
		"version": int64(c.Version), "recordedAt": orNilTime(c.RecordedAt), "recordedBy": orNilString(c.RecordedBy),
		"reason": orNilString(c.Reason), "validFrom": orNilTime(c.ValidFrom), "evidenceCount": int64(len(c.Evidence)),
	}
	if c.Date.Known() {
		m["dateStart"], m["dateEnd"] = nd.DateOf(c.Date.Start()), nd.DateOf(c.Date.End())
	}
	return m
}

func evidenceRows(ev []cg.Evidence) []any {
	out := make([]any, len(ev))
	for i, e := range ev {
		out[i] = map[string]any{"ord": int64(i), "sourceId": e.SourceID, "quote": e.Quote,
			"attributedTo": orNilString(e.AttributedTo), "line": int64(e.Line)}
	}
	return out
}

// commitmentParams are the parameters of the commitment writes.
func commitmentParams(c *cg.Commitment) map[string]any {
	ev := evidenceRows(c.Evidence)
	return map[string]any{"id": c.ID, "actor": c.ActorID, "target": c.TargetID, "row": map[string]any{
		"id": c.ID, "live": liveProps(c), "evidence": ev, "v": versionProps(c, nil), "vEvidence": ev}}
}

// commitmentHash digests what a dataset says of a commitment, and nothing
// of how it is stored: Load records a new version when it changes.
func commitmentHash(c *cg.Commitment) string {
	type evidence struct {
		Source, Quote, AttributedTo string
		Line                        int
	}
	content := struct {
		Kind, Actor, Target, Status, Date string
		// omitempty: a fact without it hashes as before the field existed,
		// so that a reload does not version every fact anew.
		DateReasoning     string `json:",omitempty"`
		StatedBy, Summary string
		Conditions        []string
		ValidFrom         time.Time
		Evidence          []evidence
	}{string(c.Kind), c.ActorID, c.TargetID, string(c.Status), c.Date.String(), c.DateReasoning, c.StatedByID, c.Summary,
		c.Conditions, c.ValidFrom.UTC(), nil}
	for _, e := range c.Evidence {
		content.Evidence = append(content.Evidence, evidence{e.SourceID, e.Quote, e.AttributedTo, e.Line})
	}
	b, err := json.Marshal(content)
	if err != nil {
		panic(fmt.Sprintf("neo4j: hash a commitment: %v", err)) // strings, ints and a time only
	}
	sum := sha256.Sum256(append([]byte("commitment content 1\n"), b...))
	return base64.RawStdEncoding.EncodeToString(sum[:16])
}

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

func readState(ctx context.Context, tx nd.ManagedTransaction, requestID string, q stateQuery) (*writeState, error) {
	// "" stands for "none": no stored id or request id is empty, and a
	// null parameter would be planned as an index scan rather than a seek.
	params := map[string]any{
		"requestId": requestID, "entities": append([]string{}, q.entities...), "sources": append([]string{}, q.sources...),
		"current": q.current, "taken": q.taken,
	}
	res, err := tx.Run(ctx, writeStateQuery, params)
	if err != nil {
		return nil, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return nil, err
	}
	m := rec.AsMap()
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
}

// runWrite runs one write as one transaction: lock, read the state, return
// the logged outcome of a request id seen before (or refuse one used for
// another write), else let body check and write, and log the outcome.
//
// A uniqueness constraint that fails means a concurrent write committed
// first (the same version, the same new id, the same request id): the
// write runs once more in a new transaction, which reads that outcome and
// so answers as if it had come second all along (CONFLICT, IDTaken, or the
// logged outcome of the same request).
func runWrite[T any](ctx context.Context, s *Store, w writeOp, m cg.WriteMeta,
	body func(tx nd.ManagedTransaction, st *writeState) (*T, error)) (*T, error) {
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
	work := func(tx nd.ManagedTransaction) (any, error) {
		// Errors from the driver go back unwrapped, so that it can tell
		// which ones are worth a retry.
		if w.lock {
			if err := run(ctx, tx, lockID, map[string]any{"id": w.target}); err != nil {
				return nil, err
			}
		}
		st, err := readState(ctx, tx, w.requestID, w.state)
		if err != nil {
			return nil, err
		}
		if st.request != nil {
			if st.request.op != w.op || st.request.target != w.target {
				return nil, cg.RequestReused(w.requestID)
			}
			var out T
			if err := json.Unmarshal([]byte(st.request.result), &out); err != nil {
				return nil, fmt.Errorf("neo4j: logged outcome of request %q: %w", w.requestID, err)
			}
			// The driver runs a transaction again when it lost the answer
			// to a commit that may have happened: finding this call's own
			// token means the write is this call's, not an earlier one's.
			if st.request.token != token {
				cg.MarkReplayed(ctx)
			}
			return &out, nil
		}
		var seq int64
		if w.change != "" && !s.noOutbox {
			if seq, err = drawSeq(ctx, tx); err != nil {
				return nil, err
			}
		}
		out, err := body(tx, st)
		if err != nil {
			return nil, err
		}
		if c, ok := any(out).(*cg.Commitment); ok && seq != 0 {
			if err := appendEvent(ctx, tx, seq, w.change, c, m.At); err != nil {
				return nil, err
			}
		}
		if w.requestID != "" {
			result, err := json.Marshal(out)
			if err != nil {
				return nil, fmt.Errorf("neo4j: log request %q: %w", w.requestID, err)
			}
			if err := run(ctx, tx, logRequest, map[string]any{"id": w.requestID, "op": w.op, "target": w.target,
				"result": string(result), "token": token, "at": orNilTime(m.At), "by": orNilString(m.By)}); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if s.repeatInTransaction {
		once := work
		work = func(tx nd.ManagedTransaction) (any, error) {
			if _, err := once(tx); err != nil {
				return nil, err
			}
			return once(tx)
		}
	}

	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	what := strings.ToLower(w.op)
	for attempt := 1; ; attempt++ {
		res, err := retryAcquisition(ctx, func() (any, error) { return sess.ExecuteWrite(ctx, work, txTimeout(ctx)...) })
		if err == nil && s.replayAfterCommit {
			// As the driver would after losing the commit's answer.
			res, err = sess.ExecuteWrite(ctx, work, txTimeout(ctx)...)
		}
		if err == nil {
			cg.ReportToken(ctx, encodeToken(sess.LastBookmarks()))
			if w.change != "" {
				s.wakeTail()
			}
			return res.(*T), nil
		}
		var coded *cg.Error
		if errors.As(err, &coded) {
			return nil, coded
		}
		var ne *nd.Neo4jError
		if errors.As(err, &ne) && ne.Code == constraintFailed {
			if attempt < 3 {
				continue
			}
			return nil, &cg.Error{Code: cg.CodeConflict, Field: "id",
				Message: fmt.Sprintf("%q is being written concurrently: read it again and retry", w.target), Err: err}
		}
		return nil, classify(what+" "+w.target, err)
	}
}

func run(ctx context.Context, tx nd.ManagedTransaction, cypher string, params map[string]any) error {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// RecordCommitment records c as version 1 of a new commitment, stamped with
// m (cg.FirstVersion); c's Version, provenance and Retracted fields are
// ignored.
func (s *Store) RecordCommitment(ctx context.Context, c *cg.Commitment, m cg.WriteMeta) (*cg.Commitment, error) {
	if c == nil {
		return nil, cg.NothingGiven("commitment")
	}
	entities := []string{c.ActorID, c.TargetID}
	if c.StatedByID != "" {
		entities = append(entities, c.StatedByID)
	}
	w := writeOp{op: opRecord, requestID: m.RequestID, target: c.ID, lock: true, change: cg.ChangeRecorded,
		state: stateQuery{entities: entities, sources: sourceIDs(c.Evidence), taken: c.ID}}
	return runWrite(ctx, s, w, m, func(tx nd.ManagedTransaction, st *writeState) (*cg.Commitment, error) {
		v, err := cg.PlanRecord(c, st.domain(), m)
		if err != nil {
			return nil, err
		}
		if err := exec(ctx, tx, recordCommitment[v.Kind], commitmentParams(v), 1); err != nil {
			return nil, err
		}
		return v, nil
	})
}

// ChangeCommitment records the next version of a commitment
// (cg.NextVersion), refusing with CONFLICT a change based on any version
// but the current one, or of a retracted commitment.
func (s *Store) ChangeCommitment(ctx context.Context, ch cg.CommitmentChange, m cg.WriteMeta) (*cg.Commitment, error) {
	w := writeOp{op: opChange, requestID: m.RequestID, target: ch.ID, change: cg.ChangeStatusChanged,
		state: stateQuery{sources: sourceIDs(ch.Evidence), current: ch.ID}}
	return runWrite(ctx, s, w, m, func(tx nd.ManagedTransaction, st *writeState) (*cg.Commitment, error) {
		next, err := cg.PlanChange(ch, st.domain(), m)
		if err != nil {
			return nil, err
		}
		if err := exec(ctx, tx, changeCommitment[next.Kind], commitmentParams(next), 1); err != nil {
			return nil, err
		}
		return next, nil
	})
}

// RetractCommitment records a retracted version: the commitment's
// relationship and evidence leave the live graph; its history keeps every
// version, and reads as of earlier moments still see it.
func (s *Store) RetractCommitment(ctx context.Context, id string, baseVersion int, m cg.WriteMeta) (*cg.Commitment, error) {
	w := writeOp{op: opRetract, requestID: m.RequestID, target: id, state: stateQuery{current: id}, change: cg.ChangeRetracted}
	return runWrite(ctx, s, w, m, func(tx nd.ManagedTransaction, st *writeState) (*cg.Commitment, error) {
		next, err := cg.PlanRetract(id, baseVersion, st.domain(), m)
		if err != nil {
			return nil, err
		}
		if err := exec(ctx, tx, retractCommitment[next.Kind], commitmentParams(next), 1); err != nil {
			return nil, err
		}
		return next, nil
	})
}

// PutEntity creates e or replaces the entity with its id; its kind cannot
// change. Edges join entity nodes, so they follow the replacement.
func (s *Store) PutEntity(ctx context.Context, e *cg.Entity, m cg.WriteMeta) (*cg.Entity, error) {
	if e == nil {
		return nil, cg.NothingGiven("entity")
	}
	w := writeOp{op: opPutEntity, requestID: m.RequestID, target: e.ID, lock: true,
		state: stateQuery{entities: []string{e.ID}, sources: sourceIDs(e.Evidence), taken: e.ID}}
	return runWrite(ctx, s, w, m, func(tx nd.ManagedTransaction, st *writeState) (*cg.Entity, error) {
		stored, err := cg.PlanPutEntity(e, st.domain(), m)
		if err != nil {
			return nil, err
		}
		row := entityRow(stored)
		cur, latest, err := latestPut(ctx, tx, latestEntityVersion, stored.ID, decodeEntity)
		if err != nil {
			return nil, err
		}
		rows, err := versionRows(cg.EntityPutVersions(cur, latest, stored, m),
			func(v cg.EntityVersion) string { return v.Entity.ID }, func(v cg.EntityVersion) cg.PutStamp { return v.PutStamp },
			func(v cg.EntityVersion) any { return v.Entity })
		if err != nil {
			return nil, err
		}
		if err := exec(ctx, tx, putEntity[stored.Kind], map[string]any{"row": row}, 1); err != nil {
			return nil, err
		}
		if err := run(ctx, tx, createEntityVersions, map[string]any{"rows": rows}); err != nil {
			return nil, err
		}
		return stored, nil
	})
}

// PutSource creates src or replaces the source with its id.
func (s *Store) PutSource(ctx context.Context, src *cg.Source, m cg.WriteMeta) (*cg.Source, error) {
	if src == nil {
		return nil, cg.NothingGiven("source")
	}
	w := writeOp{op: opPutSource, requestID: m.RequestID, target: src.ID, lock: true,
		state: stateQuery{sources: []string{src.ID}, taken: src.ID}}
	return runWrite(ctx, s, w, m, func(tx nd.ManagedTransaction, st *writeState) (*cg.Source, error) {
		stored, err := cg.PlanPutSource(src, st.domain(), m)
		if err != nil {
			return nil, err
		}
		row := sourceRow(stored)
		cur, latest, err := latestPut(ctx, tx, latestSourceVersion, stored.ID, decodeSource)
		if err != nil {
			return nil, err
		}
		rows, err := versionRows(cg.SourcePutVersions(cur, latest, stored, m),
			func(v cg.SourceVersion) string { return v.Source.ID }, func(v cg.SourceVersion) cg.PutStamp { return v.PutStamp },
			func(v cg.SourceVersion) any { return v.Source })
		if err != nil {
			return nil, err
		}
		if err := exec(ctx, tx, putSource, map[string]any{"row": row}, 1); err != nil {
			return nil, err
		}
		if err := run(ctx, tx, createSourceVersions, map[string]any{"rows": rows}); err != nil {
			return nil, err
		}
		return stored, nil
	})
}

// CommitmentHistory lists every version of the commitment, oldest first.
func (s *Store) CommitmentHistory(ctx context.Context, id string) ([]*cg.Commitment, error) {
	recs, err := s.read(ctx, "commitment history", commitmentHistory, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, cg.UnknownCommitment(id)
	}
	out := make([]*cg.Commitment, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("version")
		c, err := decodeCommitment(v)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

var _ cg.WritableStore = (*Store)(nil)

// sourceRow is a source's properties, as Load and PutSource set them and
// decodeSource reads them.
func sourceRow(src *cg.Source) map[string]any {
	return map[string]any{"id": src.ID, "file": orNilString(src.File), "outlet": orNilString(src.Outlet),
		"outletInferred": src.OutletInferred, "outletReasoning": orNilString(src.OutletReasoning),
		"title": orNilString(src.Title), "author": orNilString(src.Author),
		"published": orNilString(src.Published.String()), "publishedNotBefore": orNilString(src.PublishedNotBefore.String()),
		"publishedNotAfter": orNilString(src.PublishedNotAfter.String()), "publishedReasoning": orNilString(src.PublishedReasoning),
		"text": orNilString(src.Text)}
}

// VersionSteps lists the versions whose stored knownFrom falls in (since,
// until], each with the version before it, through the knownFrom index.
func (s *Store) VersionSteps(ctx context.Context, since, until *time.Time) ([]cg.VersionStep, error) {
	params := map[string]any{"since": nil, "until": nil}
	if since != nil {
		params["since"] = since.UTC()
	}
	if until != nil {
		params["until"] = until.UTC()
	}
	recs, err := s.read(ctx, "version steps", versionSteps, params)
	if err != nil {
		return nil, err
	}
	out := make([]cg.VersionStep, 0, len(recs))
	for _, rec := range recs {
		m := rec.AsMap()
		var st cg.VersionStep
		if st.Version, err = decodeCommitment(m["version"]); err != nil {
			return nil, err
		}
		if m["previous"] != nil {
			if st.Previous, err = decodeCommitment(m["previous"]); err != nil {
				return nil, err
			}
		}
		out = append(out, st)
	}
	return out, nil
}
