package neo4j

import (
	"fmt"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
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
		ev := asList(x)
		if len(ev) != evidenceWidth {
			continue
		}
		out[i] = cg.Evidence{SourceID: toString(ev[evSourceID]), Quote: toString(ev[evQuote]),
			AttributedTo: toString(ev[evAttributedTo]), Line: toInt(ev[evLine])}
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

// decodeAll decodes each item of a list.
func decodeAll[T any](items []any, decode func(any) (T, error)) ([]T, error) {
	out := make([]T, 0, len(items))
	for _, it := range items {
		v, err := decode(it)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// decodeRecords decodes the value under key of each record.
func decodeRecords[T any](recs []*nd.Record, key string, decode func(any) (T, error)) ([]T, error) {
	out := make([]T, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get(key)
		item, err := decode(v)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

// Encoding of rows: the values the statements set.

// dateRow gives a date's stored form: the string at its own precision
// (the sort key, "" when unknown), its precision, and the days it may
// start on and ends before, for range filters (nil when unknown, so the
// properties are absent).
func dateRow(row map[string]any, d cg.Date) {
	row["date"] = d.String()
	row["datePrecision"] = string(d.Precision())
	row["dateStart"], row["dateEnd"] = nil, nil
	if d.Known() {
		row["dateStart"], row["dateEnd"] = isoDay(d.Start()), isoDay(d.End())
	}
}

// Empty values are stored as absent properties: a large load's
// transaction state grows with every property written, and the decoders
// read an absent property as the empty value.

func orNilString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orNilList(s []string) any {
	if len(s) == 0 {
		return nil
	}
	return s
}

// evidenceRows are a fact's evidence as the statements write it
// (writeEvidence, createVersion).
func evidenceRows(ev []cg.Evidence) []any {
	out := make([]any, len(ev))
	for i, e := range ev {
		out[i] = map[string]any{"ord": int64(i), "sourceId": e.SourceID, "quote": e.Quote,
			"attributedTo": orNilString(e.AttributedTo), "line": int64(e.Line)}
	}
	return out
}
