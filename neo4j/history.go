package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// History: every version of a commitment is a node
//
//	(:CommitmentVersion {key: "<id>@<version>", commitmentId, version, kind, actor, target, status, …, retracted})
//	  -[:CITES {ord, quote, attributedTo, line}]->(:Source)
//
// immutable once written. The uniqueness constraint on key is what makes
// writers race-safe: of two transactions that both read version n and
// write n+1, the second blocks on the index entry and then fails, so
// neither a lost update nor a duplicate version can commit. The current
// version also stays the typed relationship (actor)-[:KIND]->(target) with
// its (:Evidence) nodes, which every current read uses; a retraction
// deletes it. Version nodes hold actor and target as ids rather than
// relationships to the entities, so that path and neighbourhood queries in
// Neo4j Browser ("any relationship") do not wander through history.

// createVersion writes the version row.v (its properties) with the
// evidence row.vEvidence. The caller sets anything computed in Cypher
// (Load's version numbers) through extra, a SET list ("" for none), and
// names in keep the variables besides row to carry on.
func createVersion(extra, keep string) string {
	if extra != "" {
		extra = ", " + extra
	}
	if keep != "" {
		keep = ", " + keep
	}
	return `
  CREATE (v:CommitmentVersion)
  SET v = row.v` + extra + `
  WITH v, row` + keep + `
  CALL (v, row) {
    UNWIND row.vEvidence AS it
    MATCH (src:Source {id: it.sourceId})
    CREATE (v)-[:CITES {ord: it.ord, quote: it.quote, attributedTo: it.attributedTo, line: it.line}]->(src)
  }`
}

// History reads.
var commitmentHistory = `MATCH (v:CommitmentVersion {commitmentId: $id})
WITH v ORDER BY v.version
RETURN ` + versionProjection + ` AS version`

// versionSteps reads the versions known in a window with the version
// before each (cg.VersionHistory).
var versionSteps = `MATCH (v:CommitmentVersion)
WHERE ($since IS NULL OR v.knownFrom > $since) AND ($until IS NULL OR v.knownFrom <= $until)
OPTIONAL MATCH (p:CommitmentVersion {key: v.commitmentId + '@' + toString(v.version - 1)})
RETURN ` + versionProjection + ` AS version,
       CASE WHEN p IS NULL THEN null ELSE ` + strings.NewReplacer("v.", "p.", "(v)", "(p)").Replace(versionProjection) + ` END AS previous
ORDER BY v.commitmentId, v.version`

// Reads as of a moment go through the history: per commitment, the latest
// version in effect then (cg.InEffect), dropped when it is a retraction.
// A version counts from knownFrom (cg.KnownFrom, stored when written or
// loaded); one without it is known at no past instant. The version
// is then found again by its key, so that the grouping carries two values
// per commitment instead of its nodes.
const inEffectTemplate = `MATCH (x:CommitmentVersion)
  WHERE x.knownFrom <= $asOf%s
  WITH x.commitmentId AS cid, max(x.version) AS ver
  MATCH (v:CommitmentVersion {key: cid + '@' + toString(ver)})
  WHERE NOT v.retracted%s`

// Filter fragments over a version node v, as the commitment* ones are over
// the live relationship.
const (
	versionByID       = `x.commitmentId IN $ids`
	versionByKind     = `v.kind IN $kinds`
	versionByStatus   = `v.status IN $statuses`
	versionByActor    = `v.actor IN $actors`
	versionByTarget   = `v.target IN $targets`
	versionBySource   = `EXISTS { MATCH (v)-[:CITES]->(s:Source) WHERE s.id IN $sources }`
	versionByStatedBy = `v.statedBy IN $statedBy`
	versionFrom       = `v.dateEnd > date($from)`
	versionTo         = `v.dateStart < date($to)`
)

var (
	// asOfTotalTemplate and asOfCommitmentsTemplate count the versions in
	// effect and fetch one page of them after the cursor in the order, in
	// one round trip; both end with relatedReturn.
	asOfTotalTemplate = `CALL () {
  ` + inEffectTemplate + `
  RETURN count(v) AS total
}
`
	asOfCommitmentsTemplate = `CALL () {
  ` + inEffectTemplate + `
  WITH v ORDER BY %s LIMIT $limit
  RETURN collect(` + versionProjection + `) AS page
}`

	asOfCountsTemplate = inEffectTemplate + `
RETURN v.kind AS kind, v.status AS status, count(v) AS n`

	// The orders and cursor predicates of the current reads, over v: its
	// evidence is its CITES relationships, its actor's name looked up (the
	// entity's current name, as the embedded store sorts). The source
	// count comes first: it holds "r.id", which means the live fact's.
	versionFields = strings.NewReplacer(
		liveSourceCount, `size(COLLECT { MATCH (v)-[:CITES]->(s:Source) RETURN DISTINCT s.id })`,
		"a.lowerName", `head(COLLECT { MATCH (e:Entity {id: v.actor}) RETURN e.lowerName })`,
		"r.evidenceCount", "v.evidenceCount",
		"r.date", "v.date", "r.id", "v.commitmentId")
	versionOrderBy = map[cg.CommitmentOrder]string{}
	versionAfter   = map[cg.CommitmentOrder]string{}
)

func init() {
	for o, s := range orderBy {
		versionOrderBy[o] = versionFields.Replace(s)
	}
	for o, s := range afterCursor {
		versionAfter[o] = versionFields.Replace(s)
	}
}

// versionConds builds, for a read as of f.AsOf, the condition that picks
// the versions of the wanted ids before the version in effect is chosen
// (" AND …", or ""), the conditions on the version in effect, and the
// parameters.
func versionConds(f cg.CommitmentFilter) (idCond string, conds []string, params map[string]any) {
	conds, params = filterConds(f, filterFragments{
		kind: versionByKind, status: versionByStatus, actor: versionByActor,
		target: versionByTarget, source: versionBySource, statedBy: versionByStatedBy,
		from: versionFrom, to: versionTo,
	})
	if len(f.IDs) > 0 {
		idCond, params["ids"] = " AND "+versionByID, orNil(f.IDs)
	}
	params["asOf"] = f.AsOf.UTC()
	return idCond, conds, params
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
	return decodeRecords(recs, "version", decodeCommitment)
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

// ---- Put history (entities and sources) ----

// putVersionStatements are the statements of a put type's versions, nodes
// (:<label> {<idKey>, version, recordedAt, recordedBy, reason, data}):
// latest reads the current value (matched by match, returned by current)
// with the latest version number, create writes rows of versions, list
// reads an id's versions, oldest first.
func putVersionStatements(label, idKey, match, current string) (latest, create, list string) {
	latest = match + `
CALL () { OPTIONAL MATCH (v:` + label + ` {` + idKey + `: $id}) RETURN max(v.version) AS latest }
RETURN ` + current + ` AS current, latest`
	create = `UNWIND $rows AS row
CREATE (:` + label + ` {` + idKey + `: row.id, version: row.version, recordedAt: row.recordedAt, recordedBy: row.recordedBy, reason: row.reason, data: row.data})`
	list = `MATCH (v:` + label + ` {` + idKey + `: $id})
RETURN v.version AS version, v.recordedAt AS recordedAt, v.recordedBy AS recordedBy, v.reason AS reason, v.data AS data
ORDER BY v.version`
	return latest, create, list
}

// putStatements are the statements of a put: read the current value and
// the latest version (latestPut), write the value from its row, write the
// versions (versionRows).
type putStatements struct{ latest, put, createVersions string }

// writePut writes, in a put's transaction, the value with id as row and
// the versions that versions makes of the current value (nil when new)
// and the latest version puts stored.
func writePut[T any](ctx context.Context, tx nd.ManagedTransaction, q putStatements, id string, row map[string]any,
	decode func(any) (*T, error), versions func(cur *T, latest int) ([]any, error)) error {
	cur, latest, err := latestPut(ctx, tx, q.latest, id, decode)
	if err != nil {
		return err
	}
	rows, err := versions(cur, latest)
	if err != nil {
		return err
	}
	if err := exec(ctx, tx, q.put, map[string]any{"row": row}, 1); err != nil {
		return err
	}
	return run(ctx, tx, q.createVersions, map[string]any{"rows": rows})
}

// putHistory lists an id's versions, oldest first: those its puts stored
// or, when there are none, the current value (from current) as the
// curated version 1; unknown is the error for an id with neither.
func putHistory[T, V any](ctx context.Context, s *Store, op, cypher, id string, current func() ([]*T, error),
	unknown func() error, version func(*T, cg.PutStamp) V) ([]V, error) {
	values, stamps, err := readVersions[T](ctx, s, op, cypher, id)
	if err != nil {
		return nil, err
	}
	if len(values) == 0 {
		cur, err := current()
		if err != nil {
			return nil, err
		}
		if len(cur) == 0 {
			return nil, unknown()
		}
		return []V{version(cur[0], cg.CuratedStamp())}, nil
	}
	out := make([]V, len(values))
	for i := range values {
		out[i] = version(values[i], stamps[i])
	}
	return out, nil
}

// latestPut reads, in a put's transaction, the current entity or source
// (nil when new) and the latest version puts stored (0 when none).
func latestPut[T any](ctx context.Context, tx nd.ManagedTransaction, cypher, id string, decode func(any) (*T, error)) (*T, int, error) {
	res, err := tx.Run(ctx, cypher, map[string]any{"id": id})
	if err != nil {
		return nil, 0, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return nil, 0, err
	}
	m := rec.AsMap()
	var cur *T
	if m["current"] != nil {
		if cur, err = decode(m["current"]); err != nil {
			return nil, 0, err
		}
	}
	latest, _ := m["latest"].(int64)
	return cur, int(latest), nil
}

// versionRows encodes put versions as rows for createEntityVersions and
// createSourceVersions.
func versionRows[T any](versions []T, id func(T) string, stamp func(T) cg.PutStamp, value func(T) any) ([]any, error) {
	rows := make([]any, 0, len(versions))
	for _, v := range versions {
		data, err := json.Marshal(value(v))
		if err != nil {
			return nil, fmt.Errorf("neo4j: encoding version of %s: %w", id(v), err)
		}
		st := stamp(v)
		rows = append(rows, map[string]any{"id": id(v), "version": int64(st.Version), "recordedAt": orNilTime(st.RecordedAt),
			"recordedBy": orNilString(st.RecordedBy), "reason": orNilString(st.Reason), "data": string(data)})
	}
	return rows, nil
}

// readVersions reads the stored versions of an id, oldest first.
func readVersions[T any](ctx context.Context, s *Store, op, cypher, id string) ([]*T, []cg.PutStamp, error) {
	recs, err := s.read(ctx, op, cypher, map[string]any{"id": id})
	if err != nil {
		return nil, nil, err
	}
	values := make([]*T, 0, len(recs))
	stamps := make([]cg.PutStamp, 0, len(recs))
	for _, rec := range recs {
		m := rec.AsMap()
		v := new(T)
		if err := json.Unmarshal([]byte(toString(m["data"])), v); err != nil {
			return nil, nil, fmt.Errorf("neo4j: %s %s: %w", op, id, err)
		}
		version, _ := m["version"].(int64)
		values = append(values, v)
		stamps = append(stamps, cg.PutStamp{Version: int(version), RecordedAt: toTime(m["recordedAt"]),
			RecordedBy: toString(m["recordedBy"]), Reason: toString(m["reason"])})
	}
	return values, stamps, nil
}
