package neo4j

import (
	"context"
	"encoding/json"
	"fmt"

	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	cg "github.com/coalitiongraph/coalitiongraph"
)

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

// EntityHistory lists every version of the entity, oldest first.
func (s *Store) EntityHistory(ctx context.Context, id string) ([]cg.EntityVersion, error) {
	values, stamps, err := readVersions[cg.Entity](ctx, s, "entity history", entityVersions, id)
	if err != nil {
		return nil, err
	}
	if len(values) == 0 {
		es, err := s.Entities(ctx, cg.EntityFilter{IDs: []string{id}})
		if err != nil {
			return nil, err
		}
		if len(es) == 0 {
			return nil, cg.UnknownEntity(id)
		}
		return []cg.EntityVersion{{Entity: es[0], PutStamp: cg.CuratedStamp()}}, nil
	}
	out := make([]cg.EntityVersion, len(values))
	for i := range values {
		out[i] = cg.EntityVersion{Entity: values[i], PutStamp: stamps[i]}
	}
	return out, nil
}

// SourceHistory lists every version of the source, oldest first.
func (s *Store) SourceHistory(ctx context.Context, id string) ([]cg.SourceVersion, error) {
	values, stamps, err := readVersions[cg.Source](ctx, s, "source history", sourceVersions, id)
	if err != nil {
		return nil, err
	}
	if len(values) == 0 {
		ss, err := s.Sources(ctx, []string{id})
		if err != nil {
			return nil, err
		}
		if len(ss) == 0 {
			return nil, cg.UnknownSource(id)
		}
		return []cg.SourceVersion{{Source: ss[0], PutStamp: cg.CuratedStamp()}}, nil
	}
	out := make([]cg.SourceVersion, len(values))
	for i := range values {
		out[i] = cg.SourceVersion{Source: values[i], PutStamp: stamps[i]}
	}
	return out, nil
}
