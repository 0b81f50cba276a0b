package neo4j

import (
	"fmt"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Every statement the store sends is built here, once, from constant text
// and the closed vocabulary of the domain package: labels and relationship
// types come from cg.EntityKinds, cg.CommitmentKinds and cg.RelationKinds,
// hop bounds from 1..cg.MaxHops. Values always travel as parameters. Query
// text that depends on a request (which filter fields are set, the order)
// is picked from these constants, never spelled from the request.

func joinKinds(ks []cg.EdgeKind) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return strings.Join(out, "|")
}

var (
	// commitmentTypes, relationTypes and edgeTypes are relationship type
	// alternations for patterns: OFFERS_TROOPS|REFUSES_TROOPS|…
	commitmentTypes = joinKinds(cg.CommitmentKinds)
	relationTypes   = joinKinds(cg.RelationKinds)
	edgeTypes       = commitmentTypes + "|" + relationTypes
)

// commitmentTypesFor is the pattern's type alternation for a kind filter:
// only the kinds asked for, so that Neo4j expands relationships of those
// types instead of reading every commitment and testing type(r). The
// types come from cg.CommitmentKinds, never from the filter's strings; a
// filter naming no commitment kind keeps every type, and its
// `type(r) IN $kinds` condition then matches nothing, as it should.
func commitmentTypesFor(kinds []cg.EdgeKind) string {
	var ks []cg.EdgeKind
	for _, k := range cg.CommitmentKinds {
		if slices.Contains(kinds, k) {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return commitmentTypes
	}
	return joinKinds(ks)
}

// evidenceOf collects the evidence of the fact whose id idExpr gives, in
// dataset order.
func evidenceOf(idExpr string) string {
	return `COLLECT { MATCH (ev:Evidence {factId: ` + idExpr + `}) WITH ev ORDER BY ev.ord ` +
		`RETURN ev {.sourceId, .quote, .attributedTo, .line} }`
}

var (
	// Projections of whole values, so that every method returns the same
	// shape for the same kind of item. They expect the variables named:
	// e for an entity; a, r, t for a commitment; a, r, b for a relation.
	entityProjection = `e {` + entityProps + `, evidence: ` + evidenceOf("e.id") + `}`
	// slimEntityProjection is an entity without its evidence.
	slimEntityProjection = `e {` + entityProps + `}`
	entityProps          = `.id, .kind, .name, .aliases, .description, .date`

	commitmentProjection = `{id: r.id, kind: type(r), actor: a.id, target: t.id, status: r.status, date: r.date, ` +
		`dateReasoning: r.dateReasoning, statedBy: r.statedBy, conditions: r.conditions, summary: r.summary, version: r.version, ` +
		`recordedAt: r.recordedAt, recordedBy: r.recordedBy, reason: r.reason, validFrom: r.validFrom, ` +
		`evidence: ` + evidenceOf("r.id") + `}`

	relationProjection = `{id: r.id, kind: type(r), from: a.id, to: b.id, role: r.role, date: r.date, evidence: ` +
		evidenceOf("r.id") + `}`
)

// Schema: uniqueness constraints double as the id indexes MERGE and
// lookups use. Relationship ids get a uniqueness constraint per type, which
// Community Edition supports since 5.7; with it two concurrent loads cannot
// create the same edge twice.
var schemaStatements = func() []string {
	out := []string{
		`CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE`,
		`CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE`,
		`CREATE CONSTRAINT claim_id IF NOT EXISTS FOR (n:Claim) REQUIRE n.id IS UNIQUE`,
		`CREATE INDEX evidence_fact IF NOT EXISTS FOR (n:Evidence) ON (n.factId)`,
		// asOf reads and "what changed" select versions by when known.
		`CREATE INDEX commitment_version_known IF NOT EXISTS FOR (v:CommitmentVersion) ON (v.knownFrom)`,
	}
	for _, k := range slices.Concat(cg.CommitmentKinds, cg.RelationKinds) {
		out = append(out, fmt.Sprintf("CREATE CONSTRAINT %s_id IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE",
			strings.ToLower(string(k)), k))
	}
	return slices.Concat(out, writeSchemaStatements, textSchemaStatements, feedSchemaStatements)
}()

// ---- Writes (Load) ----

// Upserts. Every item carries a hash of its content (evidence included,
// see planLoad); an item whose stored hash matches is left alone, so that
// reloading an unchanged dataset reads but writes nothing, which keeps the
// one transaction of a reload small. A changed item has its properties set
// and its evidence replaced: evidence has no id of its own, so replacing
// is the only way an edited quote does not leave the old one behind. Each
// statement returns the rows it saw (n) and the items it wrote (written).

// writeEvidence replaces the evidence of the fact row.id with row.evidence.
const writeEvidence = `
  CALL (row) {
    MATCH (old:Evidence {factId: row.id})
    DETACH DELETE old
  }
  CALL (row) {
    UNWIND row.evidence AS it
    MATCH (src:Source {id: it.sourceId})
    CREATE (:Evidence {factId: row.id, ord: it.ord, sourceId: it.sourceId, quote: it.quote,
                       attributedTo: it.attributedTo, line: it.line})-[:CITES]->(src)
  }`

const (
	upsertSources = `UNWIND $rows AS row
MERGE (s:Source {id: row.id})
WITH s, row
CALL (s, row) {
  WITH s, row WHERE s.hash IS NULL OR s.hash <> row.hash
  SET s.file = row.file, s.outlet = row.outlet, s.outletInferred = row.outletInferred, s.outletReasoning = row.outletReasoning, s.title = row.title, s.author = row.author, s.published = row.published, s.publishedNotBefore = row.publishedNotBefore, s.publishedNotAfter = row.publishedNotAfter, s.publishedReasoning = row.publishedReasoning, s.text = row.text, s.hash = row.hash
  RETURN count(*) AS written
}
RETURN count(*) AS n, sum(written) AS written`

	// upsertEntityTemplate is completed per kind: the node takes its kind's
	// label and loses any other kind label, so that an entity whose kind
	// was corrected in the dataset does not keep the old one.
	upsertEntityTemplate = `UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
WITH e, row
CALL (e, row) {
  WITH e, row WHERE e.hash IS NULL OR e.hash <> row.hash
  REMOVE e%s
  SET e:%s, ` + entitySet + `, e.hash = row.hash
  WITH row` + writeEvidence + `
  RETURN count(*) AS written
}
RETURN count(*) AS n, sum(written) AS written`

	upsertRelationTemplate = `UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:%s {id: row.id}]->(b)
WITH r, row
CALL (r, row) {
  WITH r, row WHERE r.hash IS NULL OR r.hash <> row.hash
  SET r.role = row.role, r.date = row.date, r.datePrecision = row.datePrecision,
      r.dateStart = date(row.dateStart), r.dateEnd = date(row.dateEnd), r.hash = row.hash
  WITH row` + writeEvidence + `
  RETURN count(*) AS written
}
RETURN count(*) AS n, sum(written) AS written`

	upsertClaims = `UNWIND $rows AS row
MATCH (s:Entity {id: row.subject})
MERGE (c:Claim {id: row.id})
WITH c, s, row
CALL (c, s, row) {
  WITH c, s, row WHERE c.hash IS NULL OR c.hash <> row.hash
  SET c.topic = row.topic, c.text = row.text, c.position = row.position, c.stanceActor = row.stanceActor,
      c.stanceKind = row.stanceKind, c.stanceState = row.stanceState, c.stanceDiscussedBy = row.stanceDiscussedBy,
      c.hash = row.hash
  WITH c, s, row
  CALL (c, s) {
    OPTIONAL MATCH (c)-[old:ABOUT]->(x)
    WHERE x <> s
    DELETE old
  }
  MERGE (c)-[:ABOUT]->(s)
  WITH row` + writeEvidence + `
  RETURN count(*) AS written
}
RETURN count(*) AS n, sum(written) AS written`
)

// pruneMoved deletes the edges whose id a row ({id, kind, from, to})
// gives to an edge of another kind or between other entities; MERGE would
// otherwise add the new edge beside the old one. Load runs it in each edge
// batch's own transaction, before the batch's upsert, with the batch's ids
// and ends: each id is looked up in each type's id constraint index, so a
// batch costs its rows' index seeks, not a scan of every edge with a
// parameter of every id. One statement for every kind, so that a cold
// server plans it once.
var pruneMoved = func() string {
	var branches []string
	for _, k := range slices.Concat(cg.CommitmentKinds, cg.RelationKinds) {
		branches = append(branches, fmt.Sprintf(`MATCH (a:Entity)-[r:%[1]s {id: row.id}]->(b:Entity)
  WHERE row.kind <> '%[1]s' OR a.id <> row.from OR b.id <> row.to
  RETURN r`, k))
	}
	return `UNWIND $rows AS row
CALL (row) {
  ` + strings.Join(branches, "\n  UNION ALL\n  ") + `
}
DELETE r
RETURN count(*) AS n`
}()

var (
	// upsertCommitmentTemplate keeps history (see write_cypher.go). A
	// commitment new to the graph, or one loaded before the graph kept
	// history, gets version 1. One whose dataset content changed since it
	// was last imported (its hash, which the Writer leaves alone) gets the
	// next version, stamped with the load's time ($now) and $by/$reason,
	// instead of being overwritten: history shows the change. One whose
	// latest version is a retraction is left retracted, and one changed
	// through the API since an unchanged import keeps its API version.
	upsertCommitmentTemplate = `UNWIND $rows AS row
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
  MERGE (a)-[r:%s {id: row.id}]->(t)
  WITH r, row, lastVersion WHERE lastVersion IS NULL OR r.hash IS NULL OR r.hash <> row.hash
  WITH r, row, coalesce(lastVersion, 0) + 1 AS version
  WITH r, row, version,
       CASE WHEN version = 1 THEN row.v.recordedAt ELSE $now END AS recordedAt,
       CASE WHEN version = 1 THEN row.v.recordedBy ELSE $by END AS recordedBy,
       CASE WHEN version = 1 THEN row.v.reason ELSE $reason END AS reason,
       CASE WHEN version = 1 THEN row.v.validFrom ELSE coalesce(row.v.validFrom, $now) END AS validFrom
  SET r.status = row.status, r.date = row.date, r.datePrecision = row.datePrecision,
      r.dateStart = date(row.dateStart), r.dateEnd = date(row.dateEnd),
      r.dateReasoning = row.dateReasoning, r.statedBy = row.statedBy, r.conditions = row.conditions, r.summary = row.summary,
      r.version = version, r.recordedAt = recordedAt, r.recordedBy = recordedBy, r.reason = reason,
      r.validFrom = validFrom, r.evidenceCount = size(row.evidence), r.hash = row.hash
  WITH row, version, recordedAt, recordedBy, reason, validFrom` + createVersion(`v.key = row.id + '@' + toString(version), v.version = version,
      v.recordedAt = recordedAt, v.recordedBy = recordedBy, v.reason = reason, v.validFrom = validFrom,
      v.knownFrom = coalesce(validFrom, row.v.knownFrom)`, "version") + `
  WITH row, version` + writeEvidence + `
  RETURN count(*) AS written, sum(CASE WHEN version > 1 THEN 1 ELSE 0 END) AS versions
}
RETURN count(*) AS n, sum(written) AS written, sum(versions) AS versions,
       sum(CASE WHEN retracted THEN 1 ELSE 0 END) AS keptRetracted`
)

var (
	upsertEntity     = map[cg.EntityKind]string{}
	upsertCommitment = map[cg.EdgeKind]string{}
	upsertRelation   = map[cg.EdgeKind]string{}
	anyEdges         = `RETURN EXISTS { MATCH ()-[:` + edgeTypes + `]->() } AS found`
)

func init() {
	for _, k := range cg.EntityKinds {
		var others strings.Builder
		for _, o := range cg.EntityKinds {
			if o != k {
				others.WriteString(":" + o.Label())
			}
		}
		upsertEntity[k] = fmt.Sprintf(upsertEntityTemplate, others.String(), k.Label())
	}
	for _, k := range cg.CommitmentKinds {
		upsertCommitment[k] = fmt.Sprintf(upsertCommitmentTemplate, k)
	}
	for _, k := range cg.RelationKinds {
		upsertRelation[k] = fmt.Sprintf(upsertRelationTemplate, k)
	}
}

const (
	resampleIndexes = `CALL db.resampleOutdatedIndexes()`

	clearAll = `MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`

	statsQuery = `CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
RETURN nodes, rels`
)

// ---- Reads ----

// sourceProjection is a source s, as decodeSource expects.
const sourceProjection = `s {.id, .file, .outlet, .outletInferred, .outletReasoning, .title, .author, .published, .publishedNotBefore, .publishedNotAfter, .publishedReasoning, .text}`

const sourcesQuery = `MATCH (s:Source)
WHERE $ids IS NULL OR s.id IN $ids
RETURN ` + sourceProjection + ` AS source
ORDER BY s.id`

// Filter fragments. A query includes the fragment of each filter field that
// is set, joined with AND, so that the planner sees plain predicates (and
// uses the id constraints' indexes) instead of `$x IS NULL OR …`.
const (
	entityByID     = `e.id IN $ids`
	entityByKind   = `e.kind IN $kinds`
	entityFrom     = `e.dateEnd > date($from)`
	entityTo       = `e.dateStart < date($to)`
	entitySearchBy = `reduce(best = 3, n IN e.lowerNames |
    CASE WHEN n = $q THEN 0
         WHEN best > 1 AND n STARTS WITH $q THEN 1
         WHEN best > 2 AND n CONTAINS $q THEN 2
         ELSE best END)`

	relationByID     = `r.id IN $ids`
	relationByKind   = `type(r) IN $kinds`
	relationByEntity = `(a.id IN $entities OR b.id IN $entities)`
	relationByFrom   = `a.id IN $from`
	relationByTo     = `b.id IN $to`
	relationBySource = `EXISTS { MATCH (ev:Evidence {factId: r.id}) WHERE ev.sourceId IN $sources }`

	claimByID      = `c.id IN $ids`
	claimBySubject = `s.id IN $subjects`
	claimBySource  = `EXISTS { MATCH (ev:Evidence {factId: c.id}) WHERE ev.sourceId IN $sources }`

	commitmentByID       = `r.id IN $ids`
	commitmentByKind     = `type(r) IN $kinds`
	commitmentByStatus   = `r.status IN $statuses`
	commitmentByActor    = `a.id IN $actors`
	commitmentByTarget   = `t.id IN $targets`
	commitmentBySource   = `EXISTS { MATCH (ev:Evidence {factId: r.id}) WHERE ev.sourceId IN $sources }`
	commitmentByStatedBy = `r.statedBy IN $statedBy`
	// A commitment with an unknown date has no dateStart/dateEnd, so the
	// comparisons are null and exclude it from a bounded range, as
	// cg.Date.Within does.
	commitmentFrom = `r.dateEnd > date($from)`
	commitmentTo   = `r.dateStart < date($to)`
)

// where joins the fragments into a WHERE clause ("" when there are none).
func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(conds, " AND ")
}

var (
	entitiesTemplate = `MATCH (e:Entity)
%s
WITH e, %s AS rank
WHERE rank < 3
WITH e, rank ORDER BY rank, %s e.id LIMIT $limit
RETURN ` + entityProjection + ` AS entity
ORDER BY rank, %s e.id`

	relationsTemplate = `MATCH (a:Entity)-[r:%s]->(b:Entity)
%s
RETURN %s AS relation
ORDER BY r.id`

	claimsTemplate = `MATCH (c:Claim)-[:ABOUT]->(s:Entity)
%s
RETURN c {.id, subject: s.id, .topic, .text, .position, .stanceActor, .stanceKind, .stanceState, .stanceDiscussedBy,
  evidence: ` + evidenceOf("c.id") + `} AS claim
ORDER BY c.id`

	// commitmentsTotalTemplate and commitmentsTemplate count the matches
	// and fetch one page in one round trip: total, then the page after the
	// cursor in the order. A listing of every match needs no count: it
	// takes commitmentsTemplate and wholeTotal. Both end with relatedReturn.
	commitmentsTotalTemplate = `CALL () {
  MATCH (a:Entity)-[r:%[1]s]->(t:Entity)
  %[2]s
  RETURN count(r) AS total
}
`
	commitmentsTemplate = `CALL () {
  MATCH (a:Entity)-[r:%[1]s]->(t:Entity)
  %[3]s
  WITH a, r, t ORDER BY %[4]s LIMIT $limit
  RETURN collect(%[5]s) AS page
}`

	// wholeTotal is the total of a listing without a page size or cursor.
	wholeTotal = `
WITH page, size(page) AS total`

	// matrixTemplate sums the evidence count Load stores on each
	// commitment: counting Evidence nodes per commitment costs an index
	// lookup each, a second over 100,000 commitments. It ends with
	// matrixReturn.
	matrixTemplate = `MATCH (a:Entity)-[r:%s]->(t:Entity)
%s
WITH a.id AS actor, type(r) AS kind, collect(DISTINCT r.status) AS statuses, count(r) AS n,
     sum(r.evidenceCount) AS evidence`

	// countsByTemplate groups by the dimensions whose $byX is true; a
	// commitment counts once per distinct source of its evidence when
	// grouped by source, and its month is its date's when the date is
	// known to the month or day (as cg.CommitmentMonth).
	countsByTemplate = `MATCH (a:Entity)-[r:%s]->(t:Entity)
%s
WITH a, r, CASE WHEN $bySOURCE
  THEN COLLECT { MATCH (ev:Evidence {factId: r.id}) RETURN DISTINCT ev.sourceId }
  ELSE [null] END AS sources
UNWIND sources AS source
RETURN CASE WHEN $byACTOR THEN a.id END AS actor,
       CASE WHEN $byKIND THEN type(r) END AS kind,
       CASE WHEN $bySTATUS THEN r.status END AS status,
       source,
       CASE WHEN $byMONTH AND r.datePrecision IN ['DAY', 'MONTH'] THEN substring(r.date, 0, 7) END AS month,
       count(*) AS n`

	countsTemplate = `MATCH (a:Entity)-[r:%s]->(t:Entity)
%s
RETURN type(r) AS kind, r.status AS status, count(r) AS n`
)

// The end of a commitment listing: the page with what its commitments
// refer to, in the same round trip, the entities without their evidence
// (cg.CommitmentPage). The page holds one commitment more than asked for
// when there is a next page; $pageSize leaves it out. Each related item is
// matched once, through the id constraints' indexes.
var (
	relatedReturn = fmt.Sprintf(relatedTemplate, slimEntityProjection)

	relatedTemplate = `
CALL (page) {
  WITH page[..$pageSize] AS rows
  MATCH (e:Entity)
  WHERE e.id IN [c IN rows | c.actor] + [c IN rows | c.target] + [c IN rows WHERE c.statedBy <> '' | c.statedBy]
  WITH e ORDER BY e.id
  RETURN collect(%s) AS entities
}
CALL (page) {
  WITH page[..$pageSize] AS rows
  MATCH (s:Source)
  WHERE s.id IN reduce(ids = [], c IN rows | ids + [ev IN c.evidence | ev.sourceId])
  WITH s ORDER BY s.id
  RETURN collect(` + sourceProjection + `) AS sources
}
RETURN total, page, entities, sources`

	// matrixReturn gathers a matrix's cells and fetches their actors, so
	// that a view can name its rows without asking again.
	matrixReturn = `
WITH collect({actor: actor, kind: kind, statuses: statuses, n: n, evidence: evidence}) AS cells
CALL (cells) {
  UNWIND cells AS cell
  WITH DISTINCT cell.actor AS id
  MATCH (e:Entity {id: id})
  WITH e ORDER BY e.id
  RETURN collect(` + entityProjection + `) AS actors
}
RETURN cells, actors`
)

// Keyset pagination: each order's sort and its "after the cursor"
// predicate, following cg.CursorKey's order. The date string is the sort
// key of the date orders (cg.SortKey): it sorts in date order, and ""
// (unknown) goes last in both directions; ties are broken by id. The name
// and count orders sort by their key first, then as DATE_ASC. The actor's
// name is its lowerName (cg.FoldName of its name, as the cursor holds it);
// the evidence count is the one Load and the writes store; the number of
// sources is counted from the Evidence nodes (a stored count would be
// missing from graphs loaded before it existed).
const (
	liveSourceCount = `size(COLLECT { MATCH (ev:Evidence {factId: r.id}) RETURN DISTINCT ev.sourceId })`
	dateAscAfter    = `(CASE WHEN $afterKey = '' THEN r.date = '' AND r.id > $afterID
      ELSE r.date = '' OR r.date > $afterKey OR (r.date = $afterKey AND r.id > $afterID) END)`
)

var (
	orderBy = map[cg.CommitmentOrder]string{
		cg.OrderID:                `r.id`,
		cg.OrderDateAsc:           `r.date = '', r.date, r.id`,
		cg.OrderDateDesc:          `r.date = '', r.date DESC, r.id`,
		cg.OrderActorName:         `a.lowerName, r.date = '', r.date, r.id`,
		cg.OrderEvidenceCountDesc: `r.evidenceCount DESC, r.date = '', r.date, r.id`,
		cg.OrderSourceCountDesc:   liveSourceCount + ` DESC, r.date = '', r.date, r.id`,
	}
	afterCursor = map[cg.CommitmentOrder]string{
		cg.OrderID:      `r.id > $afterID`,
		cg.OrderDateAsc: dateAscAfter,
		cg.OrderDateDesc: `(CASE WHEN $afterKey = '' THEN r.date = '' AND r.id > $afterID
      ELSE r.date = '' OR r.date < $afterKey OR (r.date = $afterKey AND r.id > $afterID) END)`,
		cg.OrderActorName:         `(a.lowerName > $afterName OR (a.lowerName = $afterName AND ` + dateAscAfter + `))`,
		cg.OrderEvidenceCountDesc: `(r.evidenceCount < $afterCount OR (r.evidenceCount = $afterCount AND ` + dateAscAfter + `))`,
		cg.OrderSourceCountDesc: `(` + liveSourceCount + ` < $afterCount OR (` + liveSourceCount + ` = $afterCount AND ` +
			dateAscAfter + `))`,
	}
)

var (
	entityExists = `OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound`

	// pathsTemplate takes the hop bound as a literal: Cypher does not take
	// variable-length bounds as parameters. Paths are ordered by their
	// sequences of edge ids (lists compare element by element), the order
	// the embedded store walks them in, so the cap keeps the same ones.
	pathsTemplate = `OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL
  MATCH p = allShortestPaths((a)-[:%s*..%d]-(b))
  WITH p, [r IN relationships(p) | r.id] AS key
  ORDER BY key LIMIT $maxPaths
  RETURN collect({
    entities: [n IN nodes(p) | n.id],
    edges: [r IN relationships(p) | {id: r.id, kind: type(r), from: startNode(r).id, to: endNode(r).id}]
  }) AS paths
}
RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound, paths`

	// neighbourhoodTemplate finds the entities within the depth (a literal)
	// with collect(DISTINCT …) over a variable-length pattern, which the
	// planner runs as a breadth-first search that visits each entity once
	// instead of enumerating paths; then the edges among them.
	neighbourhoodTemplate = `MATCH (c:Entity {id: $id})
CALL (c) {
  MATCH (c)-[:%s*0..%d]-(m)
  RETURN collect(DISTINCT m) AS seen
}
CALL (seen) {
  UNWIND seen AS e
  WITH e ORDER BY e.id
  RETURN collect(` + entityProjection + `) AS entities
}
CALL (seen) {
  UNWIND seen AS a
  MATCH (a)-[r:%s]->(t:Entity)
  WHERE t IN seen
  WITH a, r, t ORDER BY r.id
  RETURN collect(` + commitmentProjection + `) AS commitments
}
CALL (seen) {
  UNWIND seen AS a
  MATCH (a)-[r:%s]->(b:Entity)
  WHERE b IN seen
  WITH a, r, b ORDER BY r.id
  RETURN collect(` + relationProjection + `) AS relations
}
RETURN entities, commitments, relations`
)

var (
	// pathsQuery and neighbourhoodQuery hold one statement per allowed
	// bound, selected by the validated int.
	pathsQuery         = map[int]string{}
	neighbourhoodQuery = map[int]string{}
)

func init() {
	for hops := 1; hops <= cg.MaxHops; hops++ {
		pathsQuery[hops] = fmt.Sprintf(pathsTemplate, edgeTypes, hops)
	}
	for depth := 0; depth <= cg.MaxHops; depth++ {
		neighbourhoodQuery[depth] = fmt.Sprintf(neighbourhoodTemplate, edgeTypes, depth, commitmentTypes, relationTypes)
	}
}
