package inmem

import (
	"context"
	"fmt"
	"slices"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// putHistory keeps every version of the entities and sources that puts
// replaced or created. An entity or source that no put touched has its
// loaded (curated) version alone, which is not stored here.
type putHistory struct {
	entities map[string][]cg.EntityVersion
	sources  map[string][]cg.SourceVersion
}

// WithPutHistory restores the versions of entities and sources of a store
// that was persisted (Change.EntityVersions and SourceVersions, oldest
// first per id).
func WithPutHistory(entities []cg.EntityVersion, sources []cg.SourceVersion) Option {
	return func(s *Store) {
		for _, v := range entities {
			s.puts.addEntity(v)
		}
		for _, v := range sources {
			s.puts.addSource(v)
		}
	}
}

func (h *putHistory) addEntity(v cg.EntityVersion) {
	if h.entities == nil {
		h.entities = map[string][]cg.EntityVersion{}
	}
	h.entities[v.Entity.ID] = append(h.entities[v.Entity.ID], v)
}

func (h *putHistory) addSource(v cg.SourceVersion) {
	if h.sources == nil {
		h.sources = map[string][]cg.SourceVersion{}
	}
	h.sources[v.Source.ID] = append(h.sources[v.Source.ID], v)
}

// entityVersions is what a put of e adds to the history (see
// cg.EntityPutVersions). The caller holds wmu.
func (s *Store) entityVersions(e *cg.Entity, m cg.WriteMeta) []cg.EntityVersion {
	var cur *cg.Entity
	if rec, ok := s.entities[e.ID]; ok {
		cur = rec.Entity
	}
	latest := 0
	if h := s.puts.entities[e.ID]; len(h) > 0 {
		latest = h[len(h)-1].Version
	}
	return cg.EntityPutVersions(cur, latest, e, m)
}

func (s *Store) sourceVersions(src *cg.Source, m cg.WriteMeta) []cg.SourceVersion {
	latest := 0
	if h := s.puts.sources[src.ID]; len(h) > 0 {
		latest = h[len(h)-1].Version
	}
	return cg.SourcePutVersions(s.sources[src.ID], latest, src, m)
}

// EntityHistory lists every version of the entity, oldest first.
func (s *Store) EntityHistory(ctx context.Context, id string) ([]cg.EntityVersion, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: entity history: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if h := s.puts.entities[id]; len(h) > 0 {
		return slices.Clone(h), nil
	}
	if e, ok := s.entities[id]; ok {
		return []cg.EntityVersion{{Entity: e.Entity, PutStamp: cg.CuratedStamp()}}, nil
	}
	return nil, cg.UnknownEntity(id)
}

// SourceHistory lists every version of the source, oldest first.
func (s *Store) SourceHistory(ctx context.Context, id string) ([]cg.SourceVersion, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: source history: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if h := s.puts.sources[id]; len(h) > 0 {
		return slices.Clone(h), nil
	}
	if src, ok := s.sources[id]; ok {
		return []cg.SourceVersion{{Source: src, PutStamp: cg.CuratedStamp()}}, nil
	}
	return nil, cg.UnknownSource(id)
}

// PutVersions returns every version puts made, per id oldest first, for
// a durable wrapper to persist.
func (s *Store) PutVersions() ([]cg.EntityVersion, []cg.SourceVersion) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var es []cg.EntityVersion
	for _, h := range s.puts.entities {
		es = append(es, h...)
	}
	var ss []cg.SourceVersion
	for _, h := range s.puts.sources {
		ss = append(ss, h...)
	}
	return es, ss
}

// VersionSteps lists every version of every commitment with the one
// before it; the domain (cg.VersionChanges) picks the window, since a
// curated version's knownFrom follows its sources.
func (s *Store) VersionSteps(ctx context.Context, since, until *time.Time) ([]cg.VersionStep, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: version steps: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []cg.VersionStep
	for _, h := range s.history {
		for i, v := range h {
			st := cg.VersionStep{Version: v}
			if i > 0 {
				st.Previous = h[i-1]
			}
			out = append(out, st)
		}
	}
	return out, nil
}
