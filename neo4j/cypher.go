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
// dataset order, each item a list as decodeEvidence reads it.
func evidenceOf(idExpr string) string {
	return `COLLECT { MATCH (ev:Evidence {factId: ` + idExpr + `}) WITH ev ORDER BY ev.ord ` +
		`RETURN ` + evidenceList("ev.sourceId", "ev.quote", "ev.attributedTo", "ev.line") + ` }`
}

// An evidence item is read as a list of its values, at these positions
// (see commitmentProjection for why a list).
const (
	evSourceID = iota
	evQuote
	evAttributedTo
	evLine
	evidenceWidth
)

// evidenceList is the Cypher list of an evidence item's values.
func evidenceList(sourceID, quote, attributedTo, line string) string {
	var v [evidenceWidth]string
	v[evSourceID], v[evQuote], v[evAttributedTo], v[evLine] = sourceID, quote, attributedTo, line
	return "[" + strings.Join(v[:], ", ") + "]"
}

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
		// A listing under sources cited by few starts from their evidence (listing.go).
		`CREATE INDEX evidence_source IF NOT EXISTS FOR (n:Evidence) ON (n.sourceId)`,
		// asOf reads and "what changed" select versions by when known.
		`CREATE INDEX commitment_version_known IF NOT EXISTS FOR (v:CommitmentVersion) ON (v.knownFrom)`,
		// The maintained matrix's order (matrixrows.go).
		`CREATE INDEX entity_matrix_total IF NOT EXISTS FOR (e:Entity) ON (e.matrixTotal)`,
		`CREATE CONSTRAINT matrix_stripe_n IF NOT EXISTS FOR (n:MatrixStripe) REQUIRE n.n IS UNIQUE`,
	}
	for _, k := range slices.Concat(cg.CommitmentKinds, cg.RelationKinds) {
		out = append(out, fmt.Sprintf("CREATE CONSTRAINT %s_id IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE",
			strings.ToLower(string(k)), k))
	}
	// The date orders read each type's commitments in the order of its
	// date sort key, and a date range seeks a range of it (listing.go).
	for _, k := range cg.CommitmentKinds {
		out = append(out, fmt.Sprintf("CREATE INDEX %s_date IF NOT EXISTS FOR ()-[r:%s]-() ON (r.date)",
			strings.ToLower(string(k)), k))
		// DATE_ASC reads it whole from (date, id) (listing.go).
		out = append(out, fmt.Sprintf("CREATE INDEX %s_date_id IF NOT EXISTS FOR ()-[r:%s]-() ON (r.date, r.id)",
			strings.ToLower(string(k)), k))
		// Counts by status read each type's status index (aggregate.go).
		out = append(out, fmt.Sprintf("CREATE INDEX %s_status IF NOT EXISTS FOR ()-[r:%s]-() ON (r.status)",
			strings.ToLower(string(k)), k))
	}
	return slices.Concat(out, listingCountSchema, writeSchemaStatements, textSchemaStatements, feedSchemaStatements)
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

// pruneMoved deletes the edges whose id a row ({id, kind, from, to})
// gives to an edge of another kind or between other entities; MERGE would
// otherwise add the new edge beside the old one. Load runs it in each edge
// batch's own transaction, before the batch's upsert, with the batch's ids
// and ends: each id is looked up in each type's id constraint index, so a
// batch costs its rows' index seeks, not a scan of every edge with a
// parameter of every id. One statement for every kind, so that a cold
// server plans it once. A deleted commitment leaves the matrix counts
// (matrixrows.go) and the listing counts (listingcounts.go; its evidence
// stays for the upsert to replace, and is read for its sources).
var pruneMoved = func() string {
	var branches []string
	for _, k := range slices.Concat(cg.CommitmentKinds, cg.RelationKinds) {
		branches = append(branches, fmt.Sprintf(`MATCH (a:Entity)-[r:%[1]s {id: row.id}]->(b:Entity)
  WHERE row.kind <> '%[1]s' OR a.id <> row.from OR b.id <> row.to
  RETURN r, %[2]t AS commitment`, k, k.IsCommitment()))
	}
	return `UNWIND $rows AS row
CALL (row) {
  ` + strings.Join(branches, "\n  UNION ALL\n  ") + `
}
WITH r, CASE WHEN commitment THEN ` + countChange("startNode(r).id", "type(r)", "r.status", "-1", "-coalesce(r.evidenceCount, 0)",
		"r.date", liveSources) + ` END AS mx
DELETE r
WITH count(*) AS n, collect(mx) AS mx` + matrixApplyList(1) + listingApplyList(1) + `
RETURN n`
}()

var anyEdges = `RETURN EXISTS { MATCH ()-[:` + edgeTypes + `]->() } AS found`

const (
	resampleIndexes = `CALL db.resampleOutdatedIndexes()`

	clearAll = `MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`

	// Both counts come from the count store; the stripes and the listing
	// counts are subtracted rather than filtered out, which would scan
	// every node.
	statsQuery = `CALL () { MATCH (n) RETURN count(n) AS all }
CALL () { MATCH (n:MatrixStripe) RETURN count(n) AS stripes }
CALL () { MATCH (n:ListingDateCount) RETURN count(n) AS dates }
CALL () { MATCH (n:ListingSourceCount) RETURN count(n) AS sources }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
RETURN all - stripes - dates - sources AS nodes, rels`
)

// ---- Reads ----

// where joins the fragments into a WHERE clause ("" when there are none).
func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(conds, " AND ")
}

// andConds renders conditions to follow another one (" AND a AND b").
func andConds(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " AND " + strings.Join(conds, " AND ")
}

// filter collects a query's WHERE fragments and their parameters. A
// fragment is added only for a filter field that is set, so that the
// planner sees plain predicates (and uses the id constraints' indexes)
// instead of `$x IS NULL OR …`.
type filter struct {
	conds  []string
	params map[string]any
}

func newFilter(params map[string]any) *filter {
	if params == nil {
		params = map[string]any{}
	}
	return &filter{params: params}
}

// in adds cond, with values as the parameter name, when there are values
// and a fragment (an empty one is not applied).
func (q *filter) in(cond, name string, values []string) {
	if cond != "" && len(values) > 0 {
		q.conds = append(q.conds, cond)
		q.params[name] = values
	}
}

// dates adds the conditions of the known ends of a date range, as
// $from (its first day) and $to (the day after it).
func (q *filter) dates(fromCond, toCond string, from, to cg.Date) {
	if from.Known() {
		q.conds, q.params["from"] = append(q.conds, fromCond), isoDay(from.Start())
	}
	if to.Known() {
		q.conds, q.params["to"] = append(q.conds, toCond), isoDay(to.End())
	}
}

// orNil converts a filter list to strings; nil when empty.
func orNil[T ~string](values []T) []string {
	if len(values) == 0 {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
