package neo4j

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A commitment: its current version is a relationship
// (actor:Entity)-[r:<KIND> {id, status, date, …, version}]->(target:Entity)
// with its (:Evidence) nodes, and every version is a (:CommitmentVersion)
// node (history.go). The properties a dataset gives a commitment are
// listed once, in commitmentFacts, which Load's row, the writer's live
// properties and the version nodes all start from; commitmentFactSet is
// Load's SET of them (the writer sets the live properties with +=), and
// the projections, the decoder, the content hash and the Diff fields are
// here too. Listings and aggregates are in commitments.go.

// commitmentFacts are the properties of c a dataset states, with its date
// range as ISO days (dateRow), in a map with room for more entries (a
// load builds rows by the hundred thousand: growing the map would
// allocate again).
func commitmentFacts(c *cg.Commitment, room int) map[string]any {
	row := make(map[string]any, 9+room)
	row["status"], row["dateReasoning"], row["statedBy"] = string(c.Status), orNilString(c.DateReasoning), orNilString(c.StatedByID)
	row["conditions"], row["summary"] = orNilList(c.Conditions), orNilString(c.Summary)
	dateRow(row, c.Date)
	return row
}

// commitmentFactSet sets a commitment relationship r's facts from a row of
// commitmentFacts.
const commitmentFactSet = `r.status = row.status, r.date = row.date, r.datePrecision = row.datePrecision,
      r.dateStart = date(row.dateStart), r.dateEnd = date(row.dateEnd),
      r.dateReasoning = row.dateReasoning, r.statedBy = row.statedBy, r.conditions = row.conditions, r.summary = row.summary`

// withDates gives a row of commitmentFacts its date range as dates, for
// the statements that set a map of properties as it is (+=, SET v = …).
func withDates(m map[string]any, d cg.Date) map[string]any {
	if d.Known() {
		m["dateStart"], m["dateEnd"] = nd.DateOf(d.Start()), nd.DateOf(d.End())
	}
	return m
}

// versionKey is a version node's unique key. Ids cannot hold '@'.
func versionKey(id string, version int) string { return fmt.Sprintf("%s@%d", id, version) }

// versionProps are the properties of c's version node. knownFrom is when
// it counts as known (cg.KnownFrom), kept so that reads as of an instant
// need not follow each version's sources; a written version carries its
// ValidFrom, a curated one takes its sources from source.
func versionProps(c *cg.Commitment, source func(id string) *cg.Source) map[string]any {
	knownFrom, known := cg.KnownFrom(c, source)
	m := withDates(commitmentFacts(c, 13), c.Date)
	m["key"], m["commitmentId"], m["version"] = versionKey(c.ID, c.Version), c.ID, int64(c.Version)
	m["kind"], m["actor"], m["target"] = string(c.Kind), c.ActorID, c.TargetID
	m["recordedAt"], m["recordedBy"], m["reason"] = orNilTime(c.RecordedAt), orNilString(c.RecordedBy), orNilString(c.Reason)
	m["validFrom"], m["knownFrom"] = orNilTime(c.ValidFrom), nil
	m["retracted"], m["evidenceCount"] = c.Retracted, int64(len(c.Evidence))
	if known {
		m["knownFrom"] = knownFrom.UTC()
	}
	return m
}

// liveProps are the properties of the relationship that holds c as the
// current version.
func liveProps(c *cg.Commitment) map[string]any {
	m := withDates(commitmentFacts(c, 6), c.Date)
	m["version"], m["recordedAt"], m["recordedBy"] = int64(c.Version), orNilTime(c.RecordedAt), orNilString(c.RecordedBy)
	m["reason"], m["validFrom"], m["evidenceCount"] = orNilString(c.Reason), orNilTime(c.ValidFrom), int64(len(c.Evidence))
	return m
}

// commitmentRow is c's row in the commitment writes' $rows.
func commitmentRow(c *cg.Commitment) map[string]any {
	ev := evidenceRows(c.Evidence)
	return map[string]any{"id": c.ID, "actor": c.ActorID, "target": c.TargetID,
		"live": liveProps(c), "evidence": ev, "v": versionProps(c, nil), "vEvidence": ev}
}

// commitmentLoadRow is c's row for upsertCommitment: its facts, evidence
// and content hash, and its version 1, as a curated fact is (the upsert
// numbers and stamps the versions of changed facts itself); source finds
// the dataset's sources.
func commitmentLoadRow(c *cg.Commitment, source func(id string) *cg.Source) map[string]any {
	return commitmentLoadRowHashed(c, source, commitmentHash(c))
}

// commitmentLoadRowHashed is commitmentLoadRow with c's content hash
// (commitmentHash) already computed.
func commitmentLoadRowHashed(c *cg.Commitment, source func(id string) *cg.Source, hash string) map[string]any {
	row := commitmentFacts(c, 7)
	row["id"], row["actor"], row["target"] = c.ID, c.ActorID, c.TargetID
	row["evidence"] = evidenceRows(c.Evidence)
	first := *c
	first.Version = 1
	v := versionProps(&first, source)
	// Without a key: the upsert sets it with the version number, and a
	// key set first, even for a moment, would meet the uniqueness
	// constraint.
	delete(v, "key")
	row["v"], row["vEvidence"] = v, row["evidence"]
	// The hash is of the content alone, so that only an edit of the
	// fact itself, not of how rows are built, makes a new version.
	row["hash"] = hash
	return row
}

// commitmentHash digests what a dataset says of a commitment, and nothing
// of how it is stored: Load records a new version when it changes. The
// digest is of the JSON encoding/json gives the content (see
// appendCommitmentContent), which the stored hashes were made from.
func commitmentHash(c *cg.Commitment) string {
	var buf []byte
	return commitmentHashBuf(c, &buf)
}

// commitmentHashBuf is commitmentHash writing the content into *buf,
// which a caller hashing many reuses.
func commitmentHashBuf(c *cg.Commitment, buf *[]byte) string {
	b := append((*buf)[:0], commitmentContentPrefix...)
	b = appendCommitmentContent(b, c)
	*buf = b
	sum := sha256.Sum256(b)
	return base64.RawStdEncoding.EncodeToString(sum[:16])
}

const commitmentContentPrefix = "commitment content 1\n"

// appendCommitmentContent appends the JSON that encoding/json.Marshal
// gives this struct, byte for byte (TestCommitmentHashIsJSONs checks it):
//
//	struct {
//		Kind, Actor, Target, Status, Date string
//		DateReasoning     string `json:",omitempty"`
//		StatedBy, Summary string
//		Conditions        []string
//		ValidFrom         time.Time // c.ValidFrom.UTC()
//		Evidence          []struct{ Source, Quote, AttributedTo string; Line int } // nil when none
//	}
//
// written by hand because reflection made hashing a million commitments
// most of an unchanged reload's Go side. DateReasoning is omitted when
// empty so that a fact without it hashes as before the field existed.
func appendCommitmentContent(b []byte, c *cg.Commitment) []byte {
	b = append(b, `{"Kind":`...)
	b = appendJSONString(b, string(c.Kind))
	b = append(b, `,"Actor":`...)
	b = appendJSONString(b, c.ActorID)
	b = append(b, `,"Target":`...)
	b = appendJSONString(b, c.TargetID)
	b = append(b, `,"Status":`...)
	b = appendJSONString(b, string(c.Status))
	b = append(b, `,"Date":`...)
	b = appendJSONString(b, c.Date.String())
	if c.DateReasoning != "" {
		b = append(b, `,"DateReasoning":`...)
		b = appendJSONString(b, c.DateReasoning)
	}
	b = append(b, `,"StatedBy":`...)
	b = appendJSONString(b, c.StatedByID)
	b = append(b, `,"Summary":`...)
	b = appendJSONString(b, c.Summary)
	b = append(b, `,"Conditions":`...)
	if c.Conditions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, cond := range c.Conditions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, cond)
		}
		b = append(b, ']')
	}
	b = append(b, `,"ValidFrom":`...)
	t, err := c.ValidFrom.UTC().MarshalJSON()
	if err != nil {
		panic(fmt.Sprintf("neo4j: hash a commitment: %v", err)) // as json.Marshal failed on it
	}
	b = append(b, t...)
	b = append(b, `,"Evidence":`...)
	if len(c.Evidence) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, e := range c.Evidence {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"Source":`...)
			b = appendJSONString(b, e.SourceID)
			b = append(b, `,"Quote":`...)
			b = appendJSONString(b, e.Quote)
			b = append(b, `,"AttributedTo":`...)
			b = appendJSONString(b, e.AttributedTo)
			b = append(b, `,"Line":`...)
			b = strconv.AppendInt(b, int64(e.Line), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSONString appends s as encoding/json.Marshal encodes it: as it
// is between quotes when every byte is printable ASCII that Marshal does
// not escape, else by Marshal itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil {
				panic(fmt.Sprintf("neo4j: hash a commitment: %v", err)) // a string always encodes
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// A commitment is read as a list of its values, at these positions
// (commitmentProjection, versionProjection, decodeCommitment), and its
// evidence items as lists too (evidenceOf). The driver decodes a Cypher
// map into a Go map whose keys it decodes as strings, for every
// commitment and evidence item of a page; a list it decodes into a slice,
// and no keys are sent (docs/benchmarks.md, "Coalition at 1M (session
// 13)").
const (
	atID = iota
	atKind
	atActor
	atTarget
	atStatus
	atDate
	atDateReasoning
	atStatedBy
	atConditions
	atSummary
	atVersion
	atRecordedAt
	atRecordedBy
	atReason
	atValidFrom
	atRetracted
	atEvidence
	commitmentWidth
)

// withoutEvidence is values with null for the evidence.
func withoutEvidence(values [commitmentWidth]string) [commitmentWidth]string {
	values[atEvidence] = "null"
	return values
}

// commitmentList is the Cypher list of a commitment's values, each at its
// position.
func commitmentList(values [commitmentWidth]string) string {
	return "[" + strings.Join(values[:], ", ") + "]"
}

var (
	// liveCommitment is where a live commitment a-[r]->t keeps each value
	// decodeCommitment expects; a live commitment is not retracted.
	liveCommitment = [commitmentWidth]string{
		atID: "r.id", atKind: "type(r)", atActor: "a.id", atTarget: "t.id", atStatus: "r.status", atDate: "r.date",
		atDateReasoning: "r.dateReasoning", atStatedBy: "r.statedBy", atConditions: "r.conditions", atSummary: "r.summary",
		atVersion: "r.version", atRecordedAt: "r.recordedAt", atRecordedBy: "r.recordedBy", atReason: "r.reason",
		atValidFrom: "r.validFrom", atRetracted: "false", atEvidence: evidenceOf("r.id"),
	}
	// commitmentProjection reads a live commitment.
	commitmentProjection = commitmentList(liveCommitment)
	// bareCommitmentProjection is commitmentProjection without the
	// evidence (cg.Page.Bare): its index seek and rows are most of a
	// small listing's work.
	bareCommitmentProjection = commitmentList(withoutEvidence(liveCommitment))
	// versionProjection reads a version node v as decodeCommitment expects.
	versionProjection = commitmentList([commitmentWidth]string{
		atID: "v.commitmentId", atKind: "v.kind", atActor: "v.actor", atTarget: "v.target", atStatus: "v.status",
		atDate: "v.date", atDateReasoning: "v.dateReasoning", atStatedBy: "v.statedBy", atConditions: "v.conditions",
		atSummary: "v.summary", atVersion: "v.version", atRecordedAt: "v.recordedAt", atRecordedBy: "v.recordedBy",
		atReason: "v.reason", atValidFrom: "v.validFrom", atRetracted: "v.retracted",
		atEvidence: `COLLECT { MATCH (v)-[q:CITES]->(s:Source) WITH q, s ORDER BY q.ord ` +
			`RETURN ` + evidenceList("s.id", "q.quote", "q.attributedTo", "q.line") + ` }`,
	})
)

// Cypher over rows, a list of projected commitments: the entities and the
// sources they refer to.
var (
	rowsEntityIDs = fmt.Sprintf(`[c IN rows | c[%[1]d]] + [c IN rows | c[%[2]d]] + [c IN rows WHERE c[%[3]d] <> '' | c[%[3]d]]`,
		atActor, atTarget, atStatedBy)
	rowsSourceIDs = fmt.Sprintf(`reduce(ids = [], c IN rows | ids + [ev IN c[%d] | ev[%d]])`, atEvidence, evSourceID)
)

func decodeCommitment(v any) (*cg.Commitment, error) {
	l := asList(v)
	if len(l) != commitmentWidth {
		return nil, fmt.Errorf("neo4j: a commitment read as %d values, want %d", len(l), commitmentWidth)
	}
	id := toString(l[atID])
	d, err := decodeDate("commitment", id, l[atDate])
	if err != nil {
		return nil, err
	}
	return &cg.Commitment{
		ID: id, Kind: cg.EdgeKind(toString(l[atKind])), ActorID: toString(l[atActor]), TargetID: toString(l[atTarget]),
		Status: cg.Status(toString(l[atStatus])), Date: d, DateReasoning: toString(l[atDateReasoning]), StatedByID: toString(l[atStatedBy]),
		Conditions: toStrings(l[atConditions]), Summary: toString(l[atSummary]), Evidence: decodeEvidence(l[atEvidence]),
		Version: toInt(l[atVersion]), RecordedAt: toTime(l[atRecordedAt]), RecordedBy: toString(l[atRecordedBy]),
		Reason: toString(l[atReason]), ValidFrom: toTime(l[atValidFrom]), Retracted: toBool(l[atRetracted]),
	}, nil
}

// commitmentFields are the fields of a commitment Diff compares.
func commitmentFields(stored, want *cg.Commitment) []FieldDiff {
	var f fieldDiffs
	f.add("kind", string(stored.Kind), string(want.Kind))
	f.add("actor", stored.ActorID, want.ActorID)
	f.add("target", stored.TargetID, want.TargetID)
	f.add("status", string(stored.Status), string(want.Status))
	f.add("date", stored.Date.String(), want.Date.String())
	f.add("statedBy", stored.StatedByID, want.StatedByID)
	f.list("conditions", stored.Conditions, want.Conditions)
	f.add("summary", stored.Summary, want.Summary)
	f.add("dateReasoning", stored.DateReasoning, want.DateReasoning)
	// A dataset without validFrom lets the load's time stand for it, so
	// only a stated one is compared.
	if !want.ValidFrom.IsZero() {
		f.add("validFrom", formatTime(stored.ValidFrom), formatTime(want.ValidFrom))
	}
	f.evidence(stored.Evidence, want.Evidence)
	return f
}

// ---- Load ----

// upsertCommitmentAny keeps history (see history.go). A commitment
// new to the graph, or one loaded before the graph kept history, gets
// version 1. One whose dataset content changed since it was last imported
// (its hash, which the Writer leaves alone) gets the next version, stamped
// with the load's time ($now) and $by/$reason, instead of being
// overwritten: history shows the change. One whose latest version is a
// retraction is left retracted, and one changed through the API since an
// unchanged import keeps its API version. The relationship type is
// $type (from cg.CommitmentKinds, see loadType): one statement for every
// kind, so that a cold server plans it once; both ends are bound, so the
// MERGE expands between them and needs no index of the type.
var upsertCommitmentAny = `UNWIND $rows AS row
MATCH (a:Entity {id: row.actor})
MATCH (t:Entity {id: row.target})
CALL (row) {
  OPTIONAL MATCH (x:CommitmentVersion {commitmentId: row.id})
  WITH x ORDER BY x.version DESC LIMIT 1
  RETURN x.version AS lastVersion, coalesce(x.retracted, false) AS retracted
}
// A curated version's knownFrom follows its sources' publication dates,
// which a load may have changed without changing the fact: refresh it.
CALL (row, lastVersion) {
  WITH row WHERE lastVersion = 1
  MATCH (v1:CommitmentVersion {key: row.id + '@1'}) WHERE v1.validFrom IS NULL
  SET v1.knownFrom = row.v.knownFrom
}
CALL (a, t, row, lastVersion, retracted) {
  WITH a, t, row, lastVersion, retracted WHERE NOT retracted
  MERGE (a)-[r:$($type) {id: row.id}]->(t)
  WITH a, r, row, lastVersion WHERE lastVersion IS NULL OR r.hash IS NULL OR r.hash <> row.hash
  // The matrix and listing counts move from what the relationship held
  // (no status: it was just made) to the row; its old evidence is read
  // before writeEvidence replaces it.
  WITH r, row, coalesce(lastVersion, 0) + 1 AS version,
       [` + countChange("a.id", "$type", "r.status", "-1", "-coalesce(r.evidenceCount, 0)", "r.date", liveSources) + `,
        ` + countChange("a.id", "$type", "row.status", "1", "size(row.evidence)", "row.date", rowSources) + `] AS mx
  WITH r, row, version, mx,
       CASE WHEN version = 1 THEN row.v.recordedAt ELSE $now END AS recordedAt,
       CASE WHEN version = 1 THEN row.v.recordedBy ELSE $by END AS recordedBy,
       CASE WHEN version = 1 THEN row.v.reason ELSE $reason END AS reason,
       CASE WHEN version = 1 THEN row.v.validFrom ELSE coalesce(row.v.validFrom, $now) END AS validFrom
  SET ` + commitmentFactSet + `,
      r.version = version, r.recordedAt = recordedAt, r.recordedBy = recordedBy, r.reason = reason,
      r.validFrom = validFrom, r.evidenceCount = size(row.evidence), r.hash = row.hash
  WITH row, version, mx, recordedAt, recordedBy, reason, validFrom` + createVersion(`v.key = row.id + '@' + toString(version), v.version = version,
      v.recordedAt = recordedAt, v.recordedBy = recordedBy, v.reason = reason, v.validFrom = validFrom,
      v.knownFrom = coalesce(validFrom, row.v.knownFrom)`, "version, mx") + `
  WITH row, version, mx` + writeEvidence + `
  RETURN count(*) AS written, sum(CASE WHEN version > 1 THEN 1 ELSE 0 END) AS versions, collect(mx) AS mx
}
WITH count(*) AS n, sum(written) AS written, sum(versions) AS versions,
     sum(CASE WHEN retracted THEN 1 ELSE 0 END) AS keptRetracted, collect(mx) AS mx` + matrixApplyList(3) + listingApplyList(3) + `
RETURN n, written, versions, keptRetracted`

// ---- Writes ----

// Each statement writes the writes of one operation and kind ($rows, a
// row of commitmentRow each: a batch's writes of that kind at once),
// then moves the matrix counts (matrixrows.go) once for all of them. A
// relationship is matched by id first, on the row's id: matched after a
// write, Neo4j plans it as a scan of the type's index. The version is
// still the first thing written, so that of two racing writers the second
// stops at its key. The live relationship's properties come as row.live
// and are set with +=, so that a null removes a property and the import
// hash (which only Load sets, see upsertCommitmentAny) is left alone.
var (
	recordCommitmentTemplate = `UNWIND $rows AS row
CALL (row) {` + `%[2]s
  WITH row
  MATCH (a:Entity {id: row.actor})
  MATCH (t:Entity {id: row.target})
  CREATE (a)-[r:%[1]s {id: row.id}]->(t)
  SET r += row.live
  WITH row, [` + matrixChange("row.actor", "'%[1]s'", "row.live.status", "1", "row.live.evidenceCount") + `] AS mx` + writeEvidence + `
  RETURN mx
}
WITH count(*) AS n, collect(mx) AS mx` + matrixApplyList(2) + `
RETURN n`

	changeCommitmentTemplate = `UNWIND $rows AS row
CALL (row) {
  MATCH (:Entity)-[r:%[1]s {id: row.id}]->(:Entity)
  WITH r, row,
       [` + matrixChange("row.actor", "'%[1]s'", "r.status", "-1", "-coalesce(r.evidenceCount, 0)") + `,
        ` + matrixChange("row.actor", "'%[1]s'", "row.live.status", "1", "row.live.evidenceCount") + `] AS mx` + `%[2]s
  WITH r, row, mx
  SET r += row.live
  WITH row, mx` + writeEvidence + `
  RETURN mx
}
WITH count(*) AS n, collect(mx) AS mx` + matrixApplyList(2) + `
RETURN n`

	retractCommitmentTemplate = `UNWIND $rows AS row
CALL (row) {
  MATCH (:Entity)-[r:%[1]s {id: row.id}]->(:Entity)
  WITH r, row,
       [` + matrixChange("row.actor", "'%[1]s'", "r.status", "-1", "-coalesce(r.evidenceCount, 0)") + `] AS mx` + `%[2]s
  WITH r, row, mx
  DELETE r
  WITH row, mx
  CALL (row) {
    MATCH (old:Evidence {factId: row.id})
    DETACH DELETE old
  }
  RETURN mx
}
WITH count(*) AS n, collect(mx) AS mx` + matrixApplyList(2) + `
RETURN n`
)

var (
	// Per commitment kind: Load's upsert; record (create the relationship
	// and version 1), change (update it and add a version), retract (add
	// the retracted version and delete the relationship).
	upsertCommitment  = map[cg.EdgeKind]string{}
	recordCommitment  = map[cg.EdgeKind]string{}
	changeCommitment  = map[cg.EdgeKind]string{}
	retractCommitment = map[cg.EdgeKind]string{}
)

func init() {
	for _, k := range cg.CommitmentKinds {
		upsertCommitment[k] = upsertCommitmentAny
		recordCommitment[k] = fmt.Sprintf(recordCommitmentTemplate, k, createVersion("", ""))
		changeCommitment[k] = fmt.Sprintf(changeCommitmentTemplate, k, createVersion("", "r, mx"))
		retractCommitment[k] = fmt.Sprintf(retractCommitmentTemplate, k, createVersion("", "r, mx"))
	}
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
		actors: []string{c.ActorID}, ends: []string{c.TargetID},
		state: stateQuery{entities: entities, sources: sourceIDs(c.Evidence), taken: c.ID}}
	return runPlanned(ctx, s, w, m, func(st *writeState) (*cg.Commitment, *rowWrite, error) {
		v, err := cg.PlanRecord(c, st.domain(), m)
		if err != nil {
			return nil, nil, err
		}
		return v, &rowWrite{cypher: recordCommitment[v.Kind], row: commitmentRow(v), counts: listingDeltas(nil, v)}, nil
	})
}

// ChangeCommitment records the next version of a commitment
// (cg.NextVersion), refusing with CONFLICT a change based on any version
// but the current one, or of a retracted commitment.
func (s *Store) ChangeCommitment(ctx context.Context, ch cg.CommitmentChange, m cg.WriteMeta) (*cg.Commitment, error) {
	w := writeOp{op: opChange, requestID: m.RequestID, target: ch.ID, change: cg.ChangeStatusChanged, commitment: ch.ID,
		state: stateQuery{sources: sourceIDs(ch.Evidence), current: ch.ID}}
	return runPlanned(ctx, s, w, m, func(st *writeState) (*cg.Commitment, *rowWrite, error) {
		next, err := cg.PlanChange(ch, st.domain(), m)
		if err != nil {
			return nil, nil, err
		}
		return next, &rowWrite{cypher: changeCommitment[next.Kind], row: commitmentRow(next), counts: listingDeltas(st.current, next)}, nil
	})
}

// RetractCommitment records a retracted version: the commitment's
// relationship and evidence leave the live graph; its history keeps every
// version, and reads as of earlier moments still see it.
func (s *Store) RetractCommitment(ctx context.Context, id string, baseVersion int, m cg.WriteMeta) (*cg.Commitment, error) {
	w := writeOp{op: opRetract, requestID: m.RequestID, target: id, state: stateQuery{current: id}, change: cg.ChangeRetracted,
		commitment: id, commitmentEnds: true}
	return runPlanned(ctx, s, w, m, func(st *writeState) (*cg.Commitment, *rowWrite, error) {
		next, err := cg.PlanRetract(id, baseVersion, st.domain(), m)
		if err != nil {
			return nil, nil, err
		}
		return next, &rowWrite{cypher: retractCommitment[next.Kind], row: commitmentRow(next), counts: listingDeltas(st.current, nil)}, nil
	})
}
