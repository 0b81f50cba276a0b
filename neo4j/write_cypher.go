package neo4j

import (
	"fmt"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Statements of the Writer and of the history reads. Like the rest, they
// are built once from constant text and the closed vocabulary; every value
// is a parameter.
//
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

// versionProjection reads a version node v as decodeCommitment expects.
const versionProjection = `{id: v.commitmentId, kind: v.kind, actor: v.actor, target: v.target, status: v.status, ` +
	`date: v.date, dateReasoning: v.dateReasoning, statedBy: v.statedBy, conditions: v.conditions, summary: v.summary, version: v.version, ` +
	`recordedAt: v.recordedAt, recordedBy: v.recordedBy, reason: v.reason, validFrom: v.validFrom, retracted: v.retracted, ` +
	`evidence: COLLECT { MATCH (v)-[q:CITES]->(s:Source) WITH q, s ORDER BY q.ord ` +
	`RETURN {sourceId: s.id, quote: q.quote, attributedTo: q.attributedTo, line: q.line} }}`

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

// writeStateTemplate reads, in one round trip, everything a write decides
// on: the request log entry, the entities and sources the write refers to,
// the latest version of the commitment it changes, and which section holds
// the id it would create. Unused parts get null or empty parameters.
const writeStateTemplate = `OPTIONAL MATCH (q:WriteRequest {id: $requestId})
CALL () { MATCH (e:Entity) WHERE e.id IN $entities RETURN collect(e {.id, .kind}) AS entities }
CALL () { MATCH (s:Source) WHERE s.id IN $sources RETURN collect(s {.id, .text}) AS sources }
CALL () {
  OPTIONAL MATCH (v:CommitmentVersion {commitmentId: $current})
  WITH v ORDER BY v.version DESC LIMIT 1
  RETURN CASE WHEN v IS NULL THEN null ELSE ` + versionProjection + ` END AS current
}
CALL () {
  CALL () {
    %s
  }
  RETURN collect(DISTINCT section) AS sections
}
RETURN q {.op, .target, .result, .token} AS request, entities, sources, current, sections`

// logRequest records a write's outcome under its request id, in the
// write's own transaction.
const logRequest = `CREATE (:WriteRequest {id: $id, op: $op, target: $target, result: $result, at: $at, by: $by, token: $token})`

var (
	writeStateQuery string

	// Per commitment kind: record (create the relationship and version 1),
	// change (update it and add a version), retract (add the retracted
	// version and delete the relationship).
	recordCommitment  = map[cg.EdgeKind]string{}
	changeCommitment  = map[cg.EdgeKind]string{}
	retractCommitment = map[cg.EdgeKind]string{}
	// Per entity kind.
	putEntity = map[cg.EntityKind]string{}
)

const putSource = `MERGE (s:Source {id: $row.id})
SET s.file = $row.file, s.outlet = $row.outlet, s.outletInferred = $row.outletInferred, s.outletReasoning = $row.outletReasoning, s.title = $row.title, s.author = $row.author, s.published = $row.published, s.publishedNotBefore = $row.publishedNotBefore, s.publishedNotAfter = $row.publishedNotAfter, s.publishedReasoning = $row.publishedReasoning, s.text = $row.text
RETURN count(*) AS n`

// Relationships are matched by id first, on the parameter $id: matched
// after a write, Neo4j plans them as a scan of the type's index. The
// version is still the first thing written, so that of two racing writers
// the second stops at its key. The live relationship's properties come as row.live and are set with +=,
// so that a null removes a property and the import hash (which only Load
// sets, see upsertCommitmentTemplate) is left alone.
const (
	recordCommitmentTemplate = `WITH $row AS row` + `%[2]s
WITH row
MATCH (a:Entity {id: $actor})
MATCH (t:Entity {id: $target})
CREATE (a)-[r:%[1]s {id: $id}]->(t)
SET r += row.live
WITH row` + writeEvidence + `
RETURN count(*) AS n`

	changeCommitmentTemplate = `MATCH (:Entity)-[r:%[1]s {id: $id}]->(:Entity)
WITH r, $row AS row` + `%[2]s
WITH r, row
SET r += row.live
WITH row` + writeEvidence + `
RETURN count(*) AS n`

	retractCommitmentTemplate = `MATCH (:Entity)-[r:%[1]s {id: $id}]->(:Entity)
WITH r, $row AS row` + `%[2]s
WITH r, row
DELETE r
WITH row
CALL (row) {
  MATCH (old:Evidence {factId: row.id})
  DETACH DELETE old
}
RETURN count(*) AS n`

	// putEntityTemplate keeps the import hash, like the commitment writes:
	// a reload of an unchanged dataset leaves an entity put through the
	// API as it is.
	putEntityTemplate = `WITH $row AS row
MERGE (e:Entity {id: row.id})
SET e:%s, ` + entitySet + `
WITH row` + writeEvidence + `
RETURN count(*) AS n`
)

// History reads.
const commitmentHistory = `MATCH (v:CommitmentVersion {commitmentId: $id})
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
	// asOfTotalTemplate and asOfCommitmentsTemplate are
	// commitmentsTotalTemplate and commitmentsTemplate over the history.
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

	asOfMatrixTemplate = inEffectTemplate + `
WITH v.actor AS actor, v.kind AS kind, collect(DISTINCT v.status) AS statuses, count(v) AS n,
     sum(v.evidenceCount) AS evidence`

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
	// The sections holding an id: a commitment (any version, so that a
	// retracted one's id stays taken, or a relationship), an entity, a
	// source, a claim or a relation. Each branch is an index seek on a
	// parameter (edge ids through their type's uniqueness constraint).
	branches := []string{
		`MATCH (:CommitmentVersion {commitmentId: $taken}) RETURN 'commitment' AS section`,
		`MATCH (:Entity {id: $taken}) RETURN 'entity' AS section`,
		`MATCH (:Source {id: $taken}) RETURN 'source' AS section`,
		`MATCH (:Claim {id: $taken}) RETURN 'claim' AS section`,
	}
	for _, k := range cg.RelationKinds {
		branches = append(branches, fmt.Sprintf("MATCH ()-[r:%[1]s {id: $taken}]->() RETURN 'relation' AS section", k))
	}
	for _, k := range cg.CommitmentKinds {
		branches = append(branches, fmt.Sprintf("MATCH ()-[r:%[1]s {id: $taken}]->() RETURN 'commitment' AS section", k))
	}
	writeStateQuery = fmt.Sprintf(writeStateTemplate, strings.Join(branches, "\n    UNION ALL\n    "))

	for _, k := range cg.CommitmentKinds {
		recordCommitment[k] = fmt.Sprintf(recordCommitmentTemplate, k, createVersion("", ""))
		changeCommitment[k] = fmt.Sprintf(changeCommitmentTemplate, k, createVersion("", "r"))
		retractCommitment[k] = fmt.Sprintf(retractCommitmentTemplate, k, createVersion("", "r"))
	}
	for _, k := range cg.EntityKinds {
		putEntity[k] = fmt.Sprintf(putEntityTemplate, k.Label())
	}
	for o, s := range orderBy {
		versionOrderBy[o] = versionFields.Replace(s)
	}
	for o, s := range afterCursor {
		versionAfter[o] = versionFields.Replace(s)
	}
}

// Puts keep versions (cg.PutHistory): one node per version of an entity or
// a source, holding the version's JSON, written in the put's transaction
// (which holds the id's lock, so the latest version cannot move).
//
//	(:EntityVersion {entityId, version, recordedAt, recordedBy, reason, data})
//	(:SourceVersion {sourceId, version, recordedAt, recordedBy, reason, data})
var (
	latestEntityVersion = `OPTIONAL MATCH (e:Entity {id: $id})
CALL () { OPTIONAL MATCH (v:EntityVersion {entityId: $id}) RETURN max(v.version) AS latest }
RETURN CASE WHEN e IS NULL THEN null ELSE ` + entityProjection + ` END AS current, latest`
	latestSourceVersion = `OPTIONAL MATCH (s:Source {id: $id})
CALL () { OPTIONAL MATCH (v:SourceVersion {sourceId: $id}) RETURN max(v.version) AS latest }
RETURN CASE WHEN s IS NULL THEN null ELSE ` + sourceProjection + ` END AS current, latest`
	createEntityVersions = `UNWIND $rows AS row
CREATE (:EntityVersion {entityId: row.id, version: row.version, recordedAt: row.recordedAt, recordedBy: row.recordedBy, reason: row.reason, data: row.data})`
	createSourceVersions = `UNWIND $rows AS row
CREATE (:SourceVersion {sourceId: row.id, version: row.version, recordedAt: row.recordedAt, recordedBy: row.recordedBy, reason: row.reason, data: row.data})`
	entityVersions = `MATCH (v:EntityVersion {entityId: $id})
RETURN v.version AS version, v.recordedAt AS recordedAt, v.recordedBy AS recordedBy, v.reason AS reason, v.data AS data
ORDER BY v.version`
	sourceVersions = `MATCH (v:SourceVersion {sourceId: $id})
RETURN v.version AS version, v.recordedAt AS recordedAt, v.recordedBy AS recordedBy, v.reason AS reason, v.data AS data
ORDER BY v.version`
)
