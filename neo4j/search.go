package neo4j

import (
	"context"
	"math"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Text search through two full-text indexes (Lucene, BM25): one over the
// nodes that carry text (entities' names, aliases and descriptions,
// claims' topics and texts, every evidence quote) and one over the edges
// (commitments' summaries and conditions, relations' roles). Both use the
// "standard-folding" analyzer, which drops diacritics as cg.FoldName does.
// A quote's hit counts for the fact it belongs to (its factId); a fact
// scores as its best document, as in the embedded store.

const (
	textNodesIndex = "text_nodes"
	textEdgesIndex = "text_edges"
)

var textSchemaStatements = []string{
	`CREATE FULLTEXT INDEX ` + textNodesIndex + ` IF NOT EXISTS
FOR (n:Entity|Claim|Evidence) ON EACH [n.name, n.aliases, n.description, n.topic, n.text, n.quote]
OPTIONS {indexConfig: {` + "`fulltext.analyzer`" + `: 'standard-folding'}}`,
	`CREATE FULLTEXT INDEX ` + textEdgesIndex + ` IF NOT EXISTS
FOR ()-[r:` + edgeTypes + `]-() ON EACH [r.summary, r.conditions, r.role]
OPTIONS {indexConfig: {` + "`fulltext.analyzer`" + `: 'standard-folding'}}`,
}

// searchTextQuery ranks the facts; $q is Lucene syntax made of escaped
// terms only (luceneQuery). A page is the hits after the cursor's position
// ($afterScore, $afterId; null at the top).
const searchTextQuery = `CALL () {
  CALL db.index.fulltext.queryNodes('` + textNodesIndex + `', $q) YIELD node, score
  RETURN coalesce(node.factId, node.id) AS id, score
  UNION ALL
  CALL db.index.fulltext.queryRelationships('` + textEdgesIndex + `', $q) YIELD relationship, score
  RETURN relationship.id AS id, score
}
WITH id, max(score) AS score
ORDER BY score DESC, id
WITH collect({id: id, score: score}) AS hits
RETURN size(hits) AS total,
  [h IN hits WHERE $afterId IS NULL OR h.score < $afterScore OR (h.score = $afterScore AND h.id > $afterId)][0..$limit] AS page`

// luceneSpecial are the characters Lucene's query parser gives a meaning.
const luceneSpecial = `+-&|!(){}[]^"~*?:\/`

// luceneQuery makes a query matching any of the terms, each taken
// literally.
func luceneQuery(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(escapeLucene(t))
	}
	return b.String()
}

// escapeLucene takes a term literally: terms are letters and digits
// already (cg.SearchTerms), and are escaped all the same, so that no input
// can become query syntax.
func escapeLucene(term string) string {
	var b strings.Builder
	for _, r := range term {
		if strings.ContainsRune(luceneSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SearchText ranks entities and facts by their text; see cg.Store.
func (s *Store) SearchText(ctx context.Context, q cg.TextQuery) (*cg.TextPage, error) {
	terms, after, err := cg.ParseTextQuery(q)
	if err != nil {
		return nil, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		return nil, err
	}
	limit := int64(math.MaxInt32) // a list slice bound is a 32-bit integer
	if q.First > 0 {
		limit = int64(q.First) + 1
	}
	params := map[string]any{"q": luceneQuery(terms), "limit": limit, "afterScore": nil, "afterId": nil}
	if after != nil {
		params["afterScore"], params["afterId"] = after.Score, after.ID
	}
	recs, err := s.read(ctx, "search text", searchTextQuery, params)
	if err != nil {
		return nil, err
	}
	page := &cg.TextPage{Hits: []cg.TextHit{}}
	if len(recs) != 1 {
		return page, nil
	}
	total, _ := recs[0].Get("total")
	page.TotalCount = toInt(total)
	raw, _ := recs[0].Get("page")
	for _, h := range asList(raw) {
		m := asMap(h)
		score, _ := m["score"].(float64)
		page.Hits = append(page.Hits, cg.TextHit{ID: toString(m["id"]), Score: score})
	}
	if q.First > 0 && len(page.Hits) > q.First {
		page.Hits, page.HasNextPage = page.Hits[:q.First], true
	}
	return page, s.fillHits(ctx, page.Hits)
}

// fillHits fetches the hits' entities and facts: ids are unique across
// types, so each id is found by one of the lookups.
func (s *Store) fillHits(ctx context.Context, hits []cg.TextHit) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	at := make(map[string]*cg.TextHit, len(hits))
	for i := range hits {
		ids[i] = hits[i].ID
		at[hits[i].ID] = &hits[i]
	}
	es, err := s.Entities(ctx, cg.EntityFilter{IDs: ids})
	if err != nil {
		return err
	}
	for _, e := range es {
		at[e.ID].Entity = e
	}
	cs, err := s.Commitments(ctx, cg.CommitmentFilter{IDs: ids}, cg.Page{})
	if err != nil {
		return err
	}
	for _, c := range cs.Commitments {
		at[c.ID].Commitment = c
	}
	rs, err := s.Relations(ctx, cg.RelationFilter{IDs: ids})
	if err != nil {
		return err
	}
	for _, r := range rs {
		at[r.ID].Relation = r
	}
	cl, err := s.Claims(ctx, cg.ClaimFilter{IDs: ids})
	if err != nil {
		return err
	}
	for _, c := range cl {
		at[c.ID].Claim = c
	}
	return nil
}
