package neo4j

import (
	"fmt"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Decoding of query results. The driver returns maps, lists, strings and
// int64s; a missing property is nil. These helpers read them leniently and
// the decoders check what must hold (a parsable date).

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}

func toInt(v any) int {
	n, _ := v.(int64)
	return int(n)
}

func toBool(v any) bool {
	b, _ := v.(bool)
	return b
}

// toStrings reads a list of strings; nil for an absent or empty list, as
// the embedded store holds them.
func toStrings(v any) []string {
	l := asList(v)
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, x := range l {
		out[i] = toString(x)
	}
	return out
}

// toTime reads a stored datetime in UTC; absent is the zero time.
func toTime(v any) time.Time {
	t, ok := v.(time.Time)
	if !ok {
		return time.Time{}
	}
	return t.UTC()
}

// orNilTime stores the zero time as an absent property.
func orNilTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// isoDay formats an instant's day for Cypher's date().
func isoDay(t time.Time) string { return t.Format(time.DateOnly) }

func decodeEvidence(v any) []cg.Evidence {
	l := asList(v)
	if len(l) == 0 {
		return nil
	}
	out := make([]cg.Evidence, len(l))
	for i, x := range l {
		m := asMap(x)
		out[i] = cg.Evidence{SourceID: toString(m["sourceId"]), Quote: toString(m["quote"]),
			AttributedTo: toString(m["attributedTo"]), Line: toInt(m["line"])}
	}
	return out
}

func decodeDate(what, id string, v any) (cg.Date, error) {
	d, err := cg.ParseDate(toString(v))
	if err != nil {
		return cg.Date{}, fmt.Errorf("neo4j: %s %s: %w", what, id, err)
	}
	return d, nil
}

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

func decodeCommitment(v any) (*cg.Commitment, error) {
	m := asMap(v)
	id := toString(m["id"])
	d, err := decodeDate("commitment", id, m["date"])
	if err != nil {
		return nil, err
	}
	return &cg.Commitment{
		ID: id, Kind: cg.EdgeKind(toString(m["kind"])), ActorID: toString(m["actor"]), TargetID: toString(m["target"]),
		Status: cg.Status(toString(m["status"])), Date: d, DateReasoning: toString(m["dateReasoning"]), StatedByID: toString(m["statedBy"]),
		Conditions: toStrings(m["conditions"]), Summary: toString(m["summary"]), Evidence: decodeEvidence(m["evidence"]),
		Version: toInt(m["version"]), RecordedAt: toTime(m["recordedAt"]), RecordedBy: toString(m["recordedBy"]),
		Reason: toString(m["reason"]), ValidFrom: toTime(m["validFrom"]), Retracted: toBool(m["retracted"]),
	}, nil
}

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
