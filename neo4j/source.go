package neo4j

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A source: a node (:Source {id, file, outlet, …, text}), which evidence
// CITES. Its row (sourceRow), SET (sourceSet), projection, decoder and Diff
// fields are here, shared by Load and PutSource.

// sourceRow is a source's properties, as Load and PutSource set them and
// decodeSource reads them.
func sourceRow(src *cg.Source) map[string]any {
	return map[string]any{"id": src.ID, "file": orNilString(src.File), "outlet": orNilString(src.Outlet),
		"outletInferred": src.OutletInferred, "outletReasoning": orNilString(src.OutletReasoning),
		"title": orNilString(src.Title), "author": orNilString(src.Author),
		"published": orNilString(src.Published.String()), "publishedNotBefore": orNilString(src.PublishedNotBefore.String()),
		"publishedNotAfter": orNilString(src.PublishedNotAfter.String()), "publishedReasoning": orNilString(src.PublishedReasoning),
		"text": orNilString(src.Text)}
}

// sourceSet sets a source node s's properties from its row.
const sourceSet = `s.file = row.file, s.outlet = row.outlet, s.outletInferred = row.outletInferred, s.outletReasoning = row.outletReasoning, s.title = row.title, s.author = row.author, s.published = row.published, s.publishedNotBefore = row.publishedNotBefore, s.publishedNotAfter = row.publishedNotAfter, s.publishedReasoning = row.publishedReasoning, s.text = row.text`

// sourceProjection is a source s, as decodeSource expects.
const sourceProjection = `s {.id, .file, .outlet, .outletInferred, .outletReasoning, .title, .author, .published, .publishedNotBefore, .publishedNotAfter, .publishedReasoning, .text}`

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

// sourceFields are the fields of a source Diff compares.
func sourceFields(stored, want *cg.Source) []FieldDiff {
	var f fieldDiffs
	f.add("file", stored.File, want.File)
	f.add("outlet", stored.Outlet, want.Outlet)
	f.add("title", stored.Title, want.Title)
	f.add("published", stored.Published.String(), want.Published.String())
	f.add("author", stored.Author, want.Author)
	f.add("outletReasoning", stored.OutletReasoning, want.OutletReasoning)
	f.add("publishedNotBefore", stored.PublishedNotBefore.String(), want.PublishedNotBefore.String())
	f.add("publishedNotAfter", stored.PublishedNotAfter.String(), want.PublishedNotAfter.String())
	f.add("publishedReasoning", stored.PublishedReasoning, want.PublishedReasoning)
	if stored.Text != want.Text {
		// The text is an article: say how it differs, not what it is.
		f.add("text", fmt.Sprintf("%d bytes", len(stored.Text)), fmt.Sprintf("%d bytes, other", len(want.Text)))
	}
	return f
}

// ---- Load ----

const upsertSources = `UNWIND $rows AS row
MERGE (s:Source {id: row.id})
WITH s, row
CALL (s, row) {
  WITH s, row WHERE s.hash IS NULL OR s.hash <> row.hash
  SET ` + sourceSet + `, s.hash = row.hash
  RETURN count(*) AS written
}
RETURN count(*) AS n, sum(written) AS written`

// ---- Writes ----

const putSource = `WITH $row AS row
MERGE (s:Source {id: row.id})
SET ` + sourceSet + `
RETURN count(*) AS n`

// Puts keep versions (cg.PutHistory), as entities do:
//
//	(:SourceVersion {sourceId, version, recordedAt, recordedBy, reason, data})
var latestSourceVersion, createSourceVersions, sourceVersions = putVersionStatements("SourceVersion", "sourceId",
	`OPTIONAL MATCH (s:Source {id: $id})`, `CASE WHEN s IS NULL THEN null ELSE `+sourceProjection+` END`)

// PutSource creates src or replaces the source with its id.
func (s *Store) PutSource(ctx context.Context, src *cg.Source, m cg.WriteMeta) (*cg.Source, error) {
	if src == nil {
		return nil, cg.NothingGiven("source")
	}
	w := writeOp{op: opPutSource, requestID: m.RequestID, target: src.ID, lock: true,
		state: stateQuery{sources: []string{src.ID}, taken: src.ID}}
	return runWrite(ctx, s, w, m, func(tx nd.ManagedTransaction, st *writeState) (*cg.Source, error) {
		stored, err := cg.PlanPutSource(src, st.domain(), m)
		if err != nil {
			return nil, err
		}
		return stored, writePut(ctx, tx, putStatements{latestSourceVersion, putSource, createSourceVersions},
			stored.ID, sourceRow(stored), decodeSource,
			func(cur *cg.Source, latest int) ([]any, error) {
				return versionRows(cg.SourcePutVersions(cur, latest, stored, m),
					func(v cg.SourceVersion) string { return v.Source.ID }, func(v cg.SourceVersion) cg.PutStamp { return v.PutStamp },
					func(v cg.SourceVersion) any { return v.Source })
			})
	})
}

// SourceHistory lists every version of the source, oldest first.
func (s *Store) SourceHistory(ctx context.Context, id string) ([]cg.SourceVersion, error) {
	return putHistory(ctx, s, "source history", sourceVersions, id,
		func() ([]*cg.Source, error) { return s.Sources(ctx, []string{id}) },
		func() error { return cg.UnknownSource(id) },
		func(v *cg.Source, st cg.PutStamp) cg.SourceVersion { return cg.SourceVersion{Source: v, PutStamp: st} })
}

// ---- Reads ----

const sourcesQuery = `MATCH (s:Source)
WHERE $ids IS NULL OR s.id IN $ids
RETURN ` + sourceProjection + ` AS source
ORDER BY s.id`

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
	return decodeRecords(recs, "source", decodeSource)
}
