package coalitiongraph

import (
	"context"
	"time"
)

// PutStamp is the provenance of one version of an entity or a source: puts
// keep versions the way commitment changes do, so a rename or a new file
// name never overwrites what was there. Version 1 of something loaded from
// the curated dataset has a zero RecordedAt and no RecordedBy: it was in
// effect from the start.
type PutStamp struct {
	Version    int
	RecordedAt time.Time
	RecordedBy string
	Reason     string
}

// EntityVersion is one version of an entity, as a put left it.
type EntityVersion struct {
	Entity *Entity
	PutStamp
}

// SourceVersion is one version of a source, as a put left it.
type SourceVersion struct {
	Source *Source
	PutStamp
}

// PutHistory is what a Writer keeps of puts: every version of every entity
// and source, oldest first. It is part of Writer.
type PutHistory interface {
	// EntityHistory lists every version of an entity, oldest first; an
	// entity never put has its curated version alone. NOT_FOUND when there
	// is no such entity.
	EntityHistory(ctx context.Context, id string) ([]EntityVersion, error)
	// SourceHistory lists every version of a source, oldest first.
	SourceHistory(ctx context.Context, id string) ([]SourceVersion, error)
}

// NextStamp stamps the version a put makes, after the latest version
// (0 when the id is new).
func NextStamp(latest int, m WriteMeta) PutStamp {
	return PutStamp{Version: latest + 1, RecordedAt: m.At.UTC(), RecordedBy: m.By, Reason: m.Reason}
}

// CuratedStamp is the stamp of version 1 of something loaded, not put.
func CuratedStamp() PutStamp { return PutStamp{Version: 1} }

// StampAsOf picks, from stamps oldest first, the index of the version in
// effect at asOf (nil: the latest), or -1 when none was yet.
func StampAsOf(stamps []PutStamp, asOf *time.Time) int {
	pick := -1
	for i, s := range stamps {
		if asOf == nil || !s.RecordedAt.After(*asOf) {
			pick = i
		}
	}
	return pick
}

// UnknownEntity is the NOT_FOUND error for the history of an entity that
// does not exist.
func UnknownEntity(id string) *Error {
	return &Error{Code: CodeNotFound, Field: "id", Message: "no entity with id " + quote(id)}
}

// UnknownSource is the NOT_FOUND error for the history of a source that
// does not exist.
func UnknownSource(id string) *Error {
	return &Error{Code: CodeNotFound, Field: "id", Message: "no source with id " + quote(id)}
}

func quote(s string) string {
	if len(s) > MaxIDLen {
		s = s[:MaxIDLen] + "…"
	}
	return `"` + s + `"`
}

// EntityPutVersions is what a put of next adds to an entity's history,
// given the current entity (nil when new) and the latest stored version
// (0 when no put touched it yet): its own version, after the loaded one
// when it is the first put to replace that.
func EntityPutVersions(cur *Entity, latest int, next *Entity, m WriteMeta) []EntityVersion {
	if latest == 0 && cur != nil {
		return []EntityVersion{{Entity: cur, PutStamp: CuratedStamp()}, {Entity: next, PutStamp: NextStamp(1, m)}}
	}
	return []EntityVersion{{Entity: next, PutStamp: NextStamp(latest, m)}}
}

// SourcePutVersions is EntityPutVersions for sources.
func SourcePutVersions(cur *Source, latest int, next *Source, m WriteMeta) []SourceVersion {
	if latest == 0 && cur != nil {
		return []SourceVersion{{Source: cur, PutStamp: CuratedStamp()}, {Source: next, PutStamp: NextStamp(1, m)}}
	}
	return []SourceVersion{{Source: next, PutStamp: NextStamp(latest, m)}}
}
