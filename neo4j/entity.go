package neo4j

import (
	"context"
	"fmt"
	"math"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// An entity: a node (:Entity:<Kind label> {id, kind, name, …}) with its
// (:Evidence) nodes. Everything that maps an entity property is here: the
// row Load and PutEntity write (entityRow), the SET both use (entitySet),
// the projection reads return (entityProjection), its decoder, and the
// field list of Diff. Adding a stored property touches this file only.

// entityRow is the row of e that entitySet and writeEvidence read.
func entityRow(e *cg.Entity) map[string]any {
	lowerNames := cg.FoldedNames(e)
	row := map[string]any{
		"id": e.ID, "kind": string(e.Kind), "name": e.Name, "aliases": orNilList(e.Aliases), "description": orNilString(e.Description),
		"lowerName": lowerNames[0], "lowerNames": lowerNames,
		"evidence": evidenceRows(e.Evidence),
	}
	dateRow(row, e.Date)
	return row
}

// entitySet sets an entity node e's properties from its row (the label and
// the evidence are the statements' own).
const entitySet = `e.kind = row.kind, e.name = row.name, e.aliases = row.aliases, e.description = row.description,
    e.lowerName = row.lowerName, e.lowerNames = row.lowerNames,
    e.date = row.date, e.datePrecision = row.datePrecision,
    e.dateStart = date(row.dateStart), e.dateEnd = date(row.dateEnd)`

var (
	// entityProjection reads an entity e as decodeEntity expects.
	entityProjection = `e {` + entityProps + `, evidence: ` + evidenceOf("e.id") + `}`
	// slimEntityProjection is an entity without its evidence.
	slimEntityProjection = `e {` + entityProps + `}`
	entityProps          = `.id, .kind, .name, .aliases, .description, .date`
)

func decodeEntity(v any) (*cg.Entity, error) {
	m := asMap(v)
	id := toString(m["id"])
	d, err := decodeDate("entity", id, m["date"])
	if err != nil {
		return nil, err
	}
	return &cg.Entity{
		ID: id, Kind: cg.EntityKind(toString(m["kind"])), Name: toString(m["name"]),
		Aliases: toStrings(m["aliases"]), Description: toString(m["description"]),
		Date: d, Evidence: decodeEvidence(m["evidence"]),
	}, nil
}

// decodeEntities reads a list of entityProjections.
func decodeEntities(v any) ([]*cg.Entity, error) { return decodeAll(asList(v), decodeEntity) }

// entityFields are the fields of an entity Diff compares.
func entityFields(stored, want *cg.Entity) []FieldDiff {
	var f fieldDiffs
	f.add("kind", string(stored.Kind), string(want.Kind))
	f.add("name", stored.Name, want.Name)
	f.list("aliases", stored.Aliases, want.Aliases)
	f.add("description", stored.Description, want.Description)
	f.add("date", stored.Date.String(), want.Date.String())
	f.evidence(stored.Evidence, want.Evidence)
	return f
}

// ---- Load ----

// upsertEntityTemplate is completed with every kind label: the node loses
// them all and takes its kind's, $type (a label from cg.EntityKinds, see
// loadType), so that an entity whose kind was corrected in the dataset
// does not keep the old one. One statement for every kind, so that a cold
// server plans it once rather than once per kind.
const upsertEntityTemplate = `UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
WITH e, row
CALL (e, row) {
  WITH e, row WHERE e.hash IS NULL OR e.hash <> row.hash
  REMOVE e%s
  SET e:$($type), ` + entitySet + `, e.hash = row.hash
  WITH row` + writeEvidence + `
  RETURN count(*) AS written
}
RETURN count(*) AS n, sum(written) AS written`

// ---- Writes ----

// putEntityTemplate keeps the import hash, like the commitment writes:
// a reload of an unchanged dataset leaves an entity put through the
// API as it is.
const putEntityTemplate = `WITH $row AS row
MERGE (e:Entity {id: row.id})
SET e:%s, ` + entitySet + `
WITH row` + writeEvidence + `
RETURN count(*) AS n`

// Puts keep versions (cg.PutHistory): one node per version of an entity,
// holding the version's JSON, written in the put's transaction (which
// holds the id's lock, so the latest version cannot move).
//
//	(:EntityVersion {entityId, version, recordedAt, recordedBy, reason, data})
var latestEntityVersion, createEntityVersions, entityVersions = putVersionStatements("EntityVersion", "entityId",
	`OPTIONAL MATCH (e:Entity {id: $id})`, `CASE WHEN e IS NULL THEN null ELSE `+entityProjection+` END`)

var (
	// Per entity kind.
	upsertEntity = map[cg.EntityKind]string{}
	putEntity    = map[cg.EntityKind]string{}
)

func init() {
	var labels strings.Builder
	for _, k := range cg.EntityKinds {
		labels.WriteString(":" + k.Label())
	}
	for _, k := range cg.EntityKinds {
		upsertEntity[k] = fmt.Sprintf(upsertEntityTemplate, labels.String())
		putEntity[k] = fmt.Sprintf(putEntityTemplate, k.Label())
	}
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
		return stored, writePut(ctx, tx, putStatements{latestEntityVersion, putEntity[stored.Kind], createEntityVersions},
			stored.ID, entityRow(stored), decodeEntity,
			func(cur *cg.Entity, latest int) ([]any, error) {
				return versionRows(cg.EntityPutVersions(cur, latest, stored, m),
					func(v cg.EntityVersion) string { return v.Entity.ID }, func(v cg.EntityVersion) cg.PutStamp { return v.PutStamp },
					func(v cg.EntityVersion) any { return v.Entity })
			})
	})
}

// EntityHistory lists every version of the entity, oldest first.
func (s *Store) EntityHistory(ctx context.Context, id string) ([]cg.EntityVersion, error) {
	return putHistory(ctx, s, "entity history", entityVersions, id,
		func() ([]*cg.Entity, error) { return s.Entities(ctx, cg.EntityFilter{IDs: []string{id}}) },
		func() error { return cg.UnknownEntity(id) },
		func(v *cg.Entity, st cg.PutStamp) cg.EntityVersion { return cg.EntityVersion{Entity: v, PutStamp: st} })
}

// ---- Reads ----

// Filter fragments (see filter).
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
)

var entitiesTemplate = `MATCH (e:Entity)
%s
WITH e, %s AS rank
WHERE rank < 3
WITH e, rank ORDER BY rank, %s e.id LIMIT $limit
RETURN ` + entityProjection + ` AS entity
ORDER BY rank, %s e.id`

// Entities returns the matching entities, ordered as the embedded store
// orders them: by match rank, then lowercased name, then id when searching;
// by id otherwise.
func (s *Store) Entities(ctx context.Context, f cg.EntityFilter) ([]*cg.Entity, error) {
	if f.Limit < 0 {
		return nil, &cg.Error{Code: cg.CodeBadInput, Field: "limit", Message: "limit must not be negative"}
	}
	params := map[string]any{"limit": int64(math.MaxInt64)}
	if f.Limit > 0 {
		params["limit"] = int64(f.Limit)
	}
	q := newFilter(params)
	q.in(entityByID, "ids", orNil(f.IDs))
	q.in(entityByKind, "kinds", orNil(f.Kinds))
	q.dates(entityFrom, entityTo, f.From, f.To)
	rank, byName := "0", ""
	if search := cg.FoldName(f.Search); search != "" {
		rank, byName, params["q"] = entitySearchBy, "e.lowerName,", search
	}
	cypher := fmt.Sprintf(entitiesTemplate, where(q.conds), rank, byName, byName)
	recs, err := s.read(ctx, "entities", cypher, params)
	if err != nil {
		return nil, err
	}
	return decodeRecords(recs, "entity", decodeEntity)
}
