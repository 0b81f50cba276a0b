package neo4j

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// A relation: a relationship (a:Entity)-[r:<KIND> {id, role, date, …}]->(b:Entity)
// with its (:Evidence) nodes. Its row, SET, projection, decoder and Diff
// fields are here. Relations are written by Load only.

// relationRow is the row of r that relationSet and writeEvidence read.
func relationRow(r *cg.Relation) map[string]any {
	row := map[string]any{"id": r.ID, "from": r.FromID, "to": r.ToID, "role": orNilString(r.Role)}
	dateRow(row, r.Date)
	row["evidence"] = evidenceRows(r.Evidence)
	return row
}

// relationSet sets a relation r's properties from its row.
const relationSet = `r.role = row.role, r.date = row.date, r.datePrecision = row.datePrecision,
      r.dateStart = date(row.dateStart), r.dateEnd = date(row.dateEnd)`

// relationProjection reads a relation a-[r]->b as decodeRelation expects.
var relationProjection = `{id: r.id, kind: type(r), from: a.id, to: b.id, role: r.role, date: r.date, evidence: ` +
	evidenceOf("r.id") + `}`

func decodeRelation(v any) (*cg.Relation, error) {
	m := asMap(v)
	id := toString(m["id"])
	d, err := decodeDate("relation", id, m["date"])
	if err != nil {
		return nil, err
	}
	return &cg.Relation{
		ID: id, Kind: cg.EdgeKind(toString(m["kind"])), FromID: toString(m["from"]), ToID: toString(m["to"]),
		Role: toString(m["role"]), Date: d, Evidence: decodeEvidence(m["evidence"]),
	}, nil
}

// relationFields are the fields of a relation Diff compares.
func relationFields(stored, want *cg.Relation) []FieldDiff {
	var f fieldDiffs
	f.add("kind", string(stored.Kind), string(want.Kind))
	f.add("from", stored.FromID, want.FromID)
	f.add("to", stored.ToID, want.ToID)
	f.add("role", stored.Role, want.Role)
	f.add("date", stored.Date.String(), want.Date.String())
	f.evidence(stored.Evidence, want.Evidence)
	return f
}

// ---- Load ----

// upsertRelationTemplate takes the relationship type as $type (from
// cg.RelationKinds, see loadType): one statement for every kind.
const upsertRelationTemplate = `UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:$($type) {id: row.id}]->(b)
WITH r, row
CALL (r, row) {
  WITH r, row WHERE r.hash IS NULL OR r.hash <> row.hash
  SET ` + relationSet + `, r.hash = row.hash
  WITH row` + writeEvidence + `
  RETURN count(*) AS written
}
RETURN count(*) AS n, sum(written) AS written`

// upsertRelation holds the upsert of each relation kind.
var upsertRelation = map[cg.EdgeKind]string{}

func init() {
	for _, k := range cg.RelationKinds {
		upsertRelation[k] = upsertRelationTemplate
	}
}

// ---- Reads ----

// Filter fragments (see filter).
const (
	relationByID     = `r.id IN $ids`
	relationByKind   = `type(r) IN $kinds`
	relationByEntity = `(a.id IN $entities OR b.id IN $entities)`
	relationByFrom   = `a.id IN $from`
	relationByTo     = `b.id IN $to`
	relationBySource = `EXISTS { MATCH (ev:Evidence {factId: r.id}) WHERE ev.sourceId IN $sources }`
)

const relationsTemplate = `MATCH (a:Entity)-[r:%s]->(b:Entity)
%s
RETURN %s AS relation
ORDER BY r.id`

// Relations returns the matching relations ordered by id.
func (s *Store) Relations(ctx context.Context, f cg.RelationFilter) ([]*cg.Relation, error) {
	q := newFilter(nil)
	q.in(relationByID, "ids", orNil(f.IDs))
	q.in(relationByKind, "kinds", orNil(f.Kinds))
	q.in(relationByEntity, "entities", orNil(f.EntityIDs))
	q.in(relationByFrom, "from", orNil(f.FromIDs))
	q.in(relationByTo, "to", orNil(f.ToIDs))
	q.in(relationBySource, "sources", orNil(f.SourceIDs))
	cypher := fmt.Sprintf(relationsTemplate, relationTypes, where(q.conds), relationProjection)
	recs, err := s.read(ctx, "relations", cypher, q.params)
	if err != nil {
		return nil, err
	}
	return decodeRecords(recs, "relation", decodeRelation)
}
