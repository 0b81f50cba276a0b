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

const upsertRelationTemplate = `UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:%s {id: row.id}]->(b)
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
		upsertRelation[k] = fmt.Sprintf(upsertRelationTemplate, k)
	}
}

// ---- Reads ----

// Filter fragments, as for entities.
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
	params := map[string]any{}
	var conds []string
	if len(f.IDs) > 0 {
		conds, params["ids"] = append(conds, relationByID), orNil(f.IDs)
	}
	if len(f.Kinds) > 0 {
		conds, params["kinds"] = append(conds, relationByKind), orNil(f.Kinds)
	}
	if len(f.EntityIDs) > 0 {
		conds, params["entities"] = append(conds, relationByEntity), orNil(f.EntityIDs)
	}
	if len(f.FromIDs) > 0 {
		conds, params["from"] = append(conds, relationByFrom), orNil(f.FromIDs)
	}
	if len(f.ToIDs) > 0 {
		conds, params["to"] = append(conds, relationByTo), orNil(f.ToIDs)
	}
	if len(f.SourceIDs) > 0 {
		conds, params["sources"] = append(conds, relationBySource), orNil(f.SourceIDs)
	}
	cypher := fmt.Sprintf(relationsTemplate, relationTypes, where(conds), relationProjection)
	recs, err := s.read(ctx, "relations", cypher, params)
	if err != nil {
		return nil, err
	}
	return decodeRecords(recs, "relation", decodeRelation)
}
