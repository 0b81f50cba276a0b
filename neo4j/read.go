package neo4j

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The read methods answer each question with one Cypher statement (Paths
// from an entity to itself needs only an existence check). Ordering and
// cursor comparison follow the domain package's definitions (cursor.go) so
// that this store and the embedded one return the same pages.

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

// Sources returns the sources with the ids, or all when ids is empty,
// ordered by id. Unknown ids are left out.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*cg.Source, error) {
	// A nil slice would go over the wire as an empty list, not null.
	params := map[string]any{"ids": nil}
	if len(ids) > 0 {
		params["ids"] = ids
	}
	recs, err := s.read(ctx, "sources", sourcesQuery, params)
	if err != nil {
		return nil, err
	}
	out := make([]*cg.Source, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("source")
		src, err := decodeSource(v)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

// decodeSource reads a sourceProjection.
func decodeSource(v any) (*cg.Source, error) {
	m := asMap(v)
	var dates [3]cg.Date
	for i, k := range []string{"published", "publishedNotBefore", "publishedNotAfter"} {
		d, err := cg.ParseDate(toString(m[k]))
		if err != nil {
			return nil, fmt.Errorf("neo4j: source %s: %s: %w", toString(m["id"]), k, err)
		}
		dates[i] = d
	}
	return &cg.Source{
		ID: toString(m["id"]), File: toString(m["file"]), Outlet: toString(m["outlet"]),
		OutletInferred: toBool(m["outletInferred"]), OutletReasoning: toString(m["outletReasoning"]),
		Title: toString(m["title"]), Author: toString(m["author"]),
		Published: dates[0], PublishedNotBefore: dates[1], PublishedNotAfter: dates[2],
		PublishedReasoning: toString(m["publishedReasoning"]), Text: toString(m["text"]),
	}, nil
}

// decodeEntities reads a list of entityProjections.
func decodeEntities(v any) ([]*cg.Entity, error) {
	list := asList(v)
	out := make([]*cg.Entity, 0, len(list))
	for _, item := range list {
		e, err := decodeEntity(item)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

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
	var conds []string
	if len(f.IDs) > 0 {
		conds, params["ids"] = append(conds, entityByID), orNil(f.IDs)
	}
	if len(f.Kinds) > 0 {
		conds, params["kinds"] = append(conds, entityByKind), orNil(f.Kinds)
	}
	if f.From.Known() {
		conds, params["from"] = append(conds, entityFrom), isoDay(f.From.Start())
	}
	if f.To.Known() {
		conds, params["to"] = append(conds, entityTo), isoDay(f.To.End())
	}
	rank, byName := "0", ""
	if q := cg.FoldName(f.Search); q != "" {
		rank, byName, params["q"] = entitySearchBy, "e.lowerName,", q
	}
	cypher := fmt.Sprintf(entitiesTemplate, where(conds), rank, byName, byName)
	recs, err := s.read(ctx, "entities", cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]*cg.Entity, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("entity")
		e, err := decodeEntity(v)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

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
	out := make([]*cg.Relation, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("relation")
		r, err := decodeRelation(v)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Claims returns the matching claims ordered by id.
func (s *Store) Claims(ctx context.Context, f cg.ClaimFilter) ([]*cg.Claim, error) {
	params := map[string]any{}
	var conds []string
	if len(f.IDs) > 0 {
		conds, params["ids"] = append(conds, claimByID), orNil(f.IDs)
	}
	if len(f.SubjectIDs) > 0 {
		conds, params["subjects"] = append(conds, claimBySubject), orNil(f.SubjectIDs)
	}
	if len(f.SourceIDs) > 0 {
		conds, params["sources"] = append(conds, claimBySource), orNil(f.SourceIDs)
	}
	recs, err := s.read(ctx, "claims", fmt.Sprintf(claimsTemplate, where(conds)), params)
	if err != nil {
		return nil, err
	}
	out := make([]*cg.Claim, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("claim")
		m := asMap(v)
		c := &cg.Claim{
			ID: toString(m["id"]), SubjectID: toString(m["subject"]), Topic: toString(m["topic"]),
			Text: toString(m["text"]), Position: toString(m["position"]), Evidence: decodeEvidence(m["evidence"]),
		}
		if m["stanceState"] != nil {
			c.Stance = &cg.Stance{ActorID: toString(m["stanceActor"]), Kind: cg.EdgeKind(toString(m["stanceKind"])),
				State: cg.StanceState(toString(m["stanceState"])), DiscussedBy: toString(m["stanceDiscussedBy"])}
		}
		out = append(out, c)
	}
	return out, nil
}

// commitmentConds builds the WHERE fragments and parameters of a filter
// over the live relationships (current reads).
func commitmentConds(f cg.CommitmentFilter) ([]string, map[string]any) {
	return filterConds(f, filterFragments{
		id: commitmentByID, kind: commitmentByKind, status: commitmentByStatus, actor: commitmentByActor,
		target: commitmentByTarget, source: commitmentBySource, statedBy: commitmentByStatedBy,
		from: commitmentFrom, to: commitmentTo,
	})
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

// andConds renders conditions to follow another one (" AND a AND b").
func andConds(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " AND " + strings.Join(conds, " AND ")
}

// filterFragments names the fragment of each filter field; an empty one
// is not applied here.
type filterFragments struct {
	id, kind, status, actor, target, source, statedBy, from, to string
}

func filterConds(f cg.CommitmentFilter, frag filterFragments) ([]string, map[string]any) {
	params := map[string]any{}
	var conds []string
	add := func(cond, name string, values []string) {
		if cond != "" && len(values) > 0 {
			conds = append(conds, cond)
			params[name] = values
		}
	}
	add(frag.id, "ids", orNil(f.IDs))
	add(frag.kind, "kinds", orNil(f.Kinds))
	add(frag.status, "statuses", orNil(f.Statuses))
	add(frag.actor, "actors", orNil(f.ActorIDs))
	add(frag.target, "targets", orNil(f.TargetIDs))
	add(frag.source, "sources", orNil(f.SourceIDs))
	add(frag.statedBy, "statedBy", orNil(f.StatedByIDs))
	if f.From.Known() {
		conds, params["from"] = append(conds, frag.from), isoDay(f.From.Start())
	}
	if f.To.Known() {
		conds, params["to"] = append(conds, frag.to), isoDay(f.To.End())
	}
	return conds, params
}

// Commitments lists the matching commitments a page at a time, with the
// total count and the entities (without their evidence) and sources they
// refer to, in one round trip.
func (s *Store) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	cypher, params, err := commitmentsQuery(f, p)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, "commitments", cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: commitments: %d records, want 1", len(recs))
	}
	m := recs[0].AsMap()
	rows, _ := m["page"].([]any)
	page := &cg.CommitmentPage{TotalCount: toInt(m["total"]), Commitments: make([]*cg.Commitment, 0, len(rows))}
	for _, row := range rows {
		c, err := decodeCommitment(row)
		if err != nil {
			return nil, err
		}
		page.Commitments = append(page.Commitments, c)
	}
	if p.First > 0 && len(page.Commitments) > p.First {
		page.Commitments = page.Commitments[:p.First]
		page.HasNextPage = true
	}
	if page.Entities, err = decodeEntities(m["entities"]); err != nil {
		return nil, err
	}
	page.Sources = make([]*cg.Source, 0, len(asList(m["sources"])))
	for _, v := range asList(m["sources"]) {
		src, err := decodeSource(v)
		if err != nil {
			return nil, err
		}
		page.Sources = append(page.Sources, src)
	}
	return page, nil
}

// commitmentsQuery builds the one statement of a commitment listing and
// its parameters.
func commitmentsQuery(f cg.CommitmentFilter, p cg.Page) (string, map[string]any, error) {
	order, after, err := cg.ParsePage(p)
	if err != nil {
		return "", nil, err
	}
	// A listing of every match counts them as it lists them.
	whole := p.First == 0 && after == nil
	var cypher string
	var params map[string]any
	setPage := func(after *cg.CursorKey) {
		if after != nil {
			params["afterKey"], params["afterID"] = after.Key(), after.ID
			params["afterName"], params["afterCount"] = after.Name, int64(after.Count)
		}
		// One more than asked for says whether there is a next page. List
		// slices take 32-bit bounds.
		params["limit"], params["pageSize"] = int64(math.MaxInt64), int64(math.MaxInt32)
		if p.First > 0 {
			params["limit"], params["pageSize"] = int64(p.First)+1, int64(p.First)
		}
	}
	if f.AsOf != nil {
		var idCond string
		var conds []string
		idCond, conds, params = versionConds(f)
		pageConds := conds
		if after != nil {
			pageConds = append(slices.Clone(conds), versionAfter[order])
		}
		setPage(after)
		cypher = fmt.Sprintf(asOfCommitmentsTemplate, idCond, andConds(pageConds), versionOrderBy[order])
		if whole {
			cypher += wholeTotal
		} else {
			cypher = fmt.Sprintf(asOfTotalTemplate, idCond, andConds(conds)) + cypher
		}
	} else {
		var conds []string
		conds, params = commitmentConds(f)
		pageConds := conds
		if after != nil {
			pageConds = append(slices.Clone(conds), afterCursor[order])
		}
		setPage(after)
		template := commitmentsTotalTemplate + commitmentsTemplate
		if whole {
			template = commitmentsTemplate + wholeTotal
		}
		cypher = fmt.Sprintf(template, commitmentTypesFor(f.Kinds), where(conds), where(pageConds), orderBy[order], commitmentProjection)
	}
	cypher += relatedReturn
	return cypher, params, nil
}

// Matrix returns one cell per actor and commitment kind among the matching
// commitments, ordered by actor id, then kind in display order, with the
// actors, in one round trip. Neo4j groups and counts; the firmest status
// and the order follow the domain's definitions, which have no Cypher
// equivalent.
func (s *Store) Matrix(ctx context.Context, f cg.CommitmentFilter) (*cg.Matrix, error) {
	cypher, params := aggregateQuery(f, matrixTemplate, asOfMatrixTemplate)
	recs, err := s.read(ctx, "matrix", cypher+matrixReturn, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: matrix: %d records, want 1", len(recs))
	}
	rec := recs[0].AsMap()
	actors, err := decodeEntities(rec["actors"])
	if err != nil {
		return nil, err
	}
	rows := asList(rec["cells"])
	out := make([]cg.MatrixCell, 0, len(rows))
	for _, row := range rows {
		m := asMap(row)
		cell := cg.MatrixCell{ActorID: toString(m["actor"]), Kind: cg.EdgeKind(toString(m["kind"])),
			Commitments: toInt(m["n"]), EvidenceCount: toInt(m["evidence"])}
		for i, st := range toStrings(m["statuses"]) {
			if st := cg.Status(st); i == 0 || st.Firmer(cell.Status) {
				cell.Status = st
			}
		}
		out = append(out, cell)
	}
	slices.SortFunc(out, cg.CompareMatrixCells)
	return &cg.Matrix{Cells: out, Actors: actors}, nil
}

// aggregateQuery completes an aggregate's statement: over the live
// relationships, or over the history when f reads as of a moment.
func aggregateQuery(f cg.CommitmentFilter, current, asOf string) (string, map[string]any) {
	if f.AsOf != nil {
		idCond, conds, params := versionConds(f)
		return fmt.Sprintf(asOf, idCond, andConds(conds)), params
	}
	conds, params := commitmentConds(f)
	return fmt.Sprintf(current, commitmentTypesFor(f.Kinds), where(conds)), params
}

// Counts returns the number of matching commitments per kind and status
// that occur, ordered by kind in display order, then status in lifecycle
// order.
func (s *Store) Counts(ctx context.Context, f cg.CommitmentFilter) ([]cg.Count, error) {
	cypher, params := aggregateQuery(f, countsTemplate, asOfCountsTemplate)
	recs, err := s.read(ctx, "counts", cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]cg.Count, 0, len(recs))
	for _, rec := range recs {
		m := rec.AsMap()
		out = append(out, cg.Count{Kind: cg.EdgeKind(toString(m["kind"])), Status: cg.Status(toString(m["status"])), Count: toInt(m["n"])})
	}
	slices.SortFunc(out, cg.CompareCounts)
	return out, nil
}

func notFound(field, id string) error {
	return cg.UnknownEnd(field, id)
}

// Paths returns every shortest path from fromID to toID of at most maxHops
// edges in either direction (at most cg.MaxPaths), ordered by their sequences of
// edge ids. A path from an entity to itself has no edges.
func (s *Store) Paths(ctx context.Context, fromID, toID string, maxHops int) ([]cg.Path, error) {
	if err := cg.CheckHops(maxHops); err != nil {
		return nil, err
	}
	cypher := pathsQuery[maxHops]
	params := map[string]any{"from": fromID, "to": toID, "maxPaths": int64(cg.MaxPaths)}
	if fromID == toID {
		// allShortestPaths refuses equal ends; the answer needs no search.
		cypher = entityExists
	}
	recs, err := s.read(ctx, "paths", cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: paths: %d records, want 1", len(recs))
	}
	m := recs[0].AsMap()
	if found, _ := m["fromFound"].(bool); !found {
		return nil, notFound("from", fromID)
	}
	if found, _ := m["toFound"].(bool); !found {
		return nil, notFound("to", toID)
	}
	if fromID == toID {
		return []cg.Path{{EntityIDs: []string{fromID}, Edges: []cg.EdgeRef{}}}, nil
	}
	rows, _ := m["paths"].([]any)
	out := make([]cg.Path, 0, len(rows))
	for _, row := range rows {
		pm := asMap(row)
		p := cg.Path{EntityIDs: toStrings(pm["entities"]), Edges: []cg.EdgeRef{}}
		for _, e := range asList(pm["edges"]) {
			em := asMap(e)
			p.Edges = append(p.Edges, cg.EdgeRef{ID: toString(em["id"]), Kind: cg.EdgeKind(toString(em["kind"])),
				FromID: toString(em["from"]), ToID: toString(em["to"])})
		}
		out = append(out, p)
	}
	return out, nil
}

// Neighbourhood returns the entities within depth edges of id and the
// commitments and relations among them, each ordered by id.
func (s *Store) Neighbourhood(ctx context.Context, id string, depth int) (*cg.Subgraph, error) {
	if err := cg.CheckDepth(depth); err != nil {
		return nil, err
	}
	cypher := neighbourhoodQuery[depth]
	recs, err := s.read(ctx, "neighbourhood", cypher, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, notFound("id", id)
	}
	m := recs[0].AsMap()
	g := &cg.Subgraph{Entities: []*cg.Entity{}, Commitments: []*cg.Commitment{}, Relations: []*cg.Relation{}}
	if g.Entities, err = decodeEntities(m["entities"]); err != nil {
		return nil, err
	}
	for _, v := range asList(m["commitments"]) {
		c, err := decodeCommitment(v)
		if err != nil {
			return nil, err
		}
		g.Commitments = append(g.Commitments, c)
	}
	for _, v := range asList(m["relations"]) {
		r, err := decodeRelation(v)
		if err != nil {
			return nil, err
		}
		g.Relations = append(g.Relations, r)
	}
	return g, nil
}

var _ cg.Store = (*Store)(nil)

// CountsBy counts the matching commitments by the dimensions, in one
// aggregation over the live graph; each dimension not asked for is null in
// every row, so it does not split the groups. As of a moment, the versions
// in effect are read and grouped by the domain's definition, which the
// aggregation agrees with (the store contract checks both).
func (s *Store) CountsBy(ctx context.Context, f cg.CommitmentFilter, by []cg.CountDimension) ([]cg.GroupCount, error) {
	if err := cg.CheckDimensions(by); err != nil {
		return nil, err
	}
	if f.AsOf != nil {
		page, err := s.Commitments(ctx, f, cg.Page{})
		if err != nil {
			return nil, err
		}
		return cg.GroupCommitments(page.Commitments, by), nil
	}
	conds, params := commitmentConds(f)
	for _, d := range cg.CountDimensions {
		params["by"+string(d)] = slices.Contains(by, d)
	}
	recs, err := s.read(ctx, "counts by", fmt.Sprintf(countsByTemplate, commitmentTypesFor(f.Kinds), where(conds)), params)
	if err != nil {
		return nil, err
	}
	out := make([]cg.GroupCount, 0, len(recs))
	for _, rec := range recs {
		m := rec.AsMap()
		out = append(out, cg.GroupCount{
			ActorID: toString(m["actor"]), Kind: cg.EdgeKind(toString(m["kind"])), Status: cg.Status(toString(m["status"])),
			SourceID: toString(m["source"]), Month: toString(m["month"]), Count: toInt(m["n"]),
		})
	}
	slices.SortFunc(out, cg.CompareGroupCounts)
	return out, nil
}
