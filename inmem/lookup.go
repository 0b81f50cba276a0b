package inmem

import (
	"context"
	"fmt"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Sources returns the sources with the ids, or all of them when ids is
// empty, ordered by id. Unknown ids are left out.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*cg.Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: sources: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(ids) == 0 {
		ids = s.sourceIDs
	}
	return s.sourcesByID(ids), nil
}

// Entities returns the matching entities: ordered by how well they match
// when f.Search is set (an exact name or alias, then a prefix, then a
// substring; ties by name, then id), otherwise by id.
func (s *Store) Entities(ctx context.Context, f cg.EntityFilter) ([]*cg.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: entities: %w", err)
	}
	if f.Limit < 0 {
		return nil, &cg.Error{Code: cg.CodeBadInput, Field: "limit", Message: "limit must not be negative"}
	}
	q := cg.FoldName(f.Search)
	s.mu.RLock()
	defer s.mu.RUnlock()

	var choices []choice[*entity]
	if len(f.IDs) > 0 {
		choices = append(choices, choice[*entity]{len(f.IDs), func() []*entity {
			var out []*entity
			for _, id := range f.IDs {
				if e, ok := s.entities[id]; ok {
					out = append(out, e)
				}
			}
			return out
		}})
	}
	if len(f.Kinds) > 0 {
		kinds := strs(f.Kinds)
		choices = append(choices, choice[*entity]{s.entitiesByKind.size(kinds), func() []*entity {
			return s.entitiesByKind.gather(kinds)
		}})
	}
	ids, kinds := newSet(f.IDs), newSet(f.Kinds)
	type hit struct {
		e    *entity
		rank int
	}
	var hits []hit
	for _, e := range narrowest(s.entityList, choices...) {
		if !ids.has(e.ID) || !kinds.has(string(e.Kind)) || !e.Date.Within(f.From, f.To) {
			continue
		}
		rank := 0
		if q != "" {
			if rank = matchRank(e.lowerNames, q); rank < 0 {
				continue
			}
		}
		hits = append(hits, hit{e, rank})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if q != "" && a.e.lowerName != b.e.lowerName {
			return strings.Compare(a.e.lowerName, b.e.lowerName)
		}
		return strings.Compare(a.e.ID, b.e.ID)
	})
	hits = slices.CompactFunc(hits, func(a, b hit) bool { return a.e.ID == b.e.ID })
	if f.Limit > 0 && len(hits) > f.Limit {
		hits = hits[:f.Limit]
	}
	out := make([]*cg.Entity, len(hits))
	for i, h := range hits {
		out[i] = h.e.Entity
	}
	return out, nil
}

// matchRank is 0 when q equals a name, 1 when a name starts with it, 2 when
// a name contains it, -1 when none does.
func matchRank(names []string, q string) int {
	best := -1
	for _, n := range names {
		r := -1
		switch {
		case n == q:
			r = 0
		case strings.HasPrefix(n, q):
			r = 1
		case strings.Contains(n, q):
			r = 2
		}
		if r >= 0 && (best < 0 || r < best) {
			best = r
		}
	}
	return best
}

// Relations returns the matching relations ordered by id.
func (s *Store) Relations(ctx context.Context, f cg.RelationFilter) ([]*cg.Relation, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: relations: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var choices []choice[*cg.Relation]
	if len(f.IDs) > 0 {
		choices = append(choices, choice[*cg.Relation]{len(f.IDs), func() []*cg.Relation { return pick(s.relations, f.IDs) }})
	}
	add := func(ix index[*cg.Relation], keys []string) {
		if len(keys) > 0 {
			choices = append(choices, choice[*cg.Relation]{ix.size(keys), func() []*cg.Relation { return ix.gather(keys) }})
		}
	}
	add(s.relByKind, strs(f.Kinds))
	add(s.relByFrom, f.FromIDs)
	add(s.relByTo, f.ToIDs)
	add(s.relBySource, f.SourceIDs)
	if len(f.EntityIDs) > 0 {
		choices = append(choices, choice[*cg.Relation]{
			s.relByFrom.size(f.EntityIDs) + s.relByTo.size(f.EntityIDs),
			func() []*cg.Relation {
				return append(s.relByFrom.gather(f.EntityIDs), s.relByTo.gather(f.EntityIDs)...)
			},
		})
	}
	ids, kinds, ents, froms, tos, srcs := newSet(f.IDs), newSet(f.Kinds), newSet(f.EntityIDs), newSet(f.FromIDs), newSet(f.ToIDs), newSet(f.SourceIDs)
	var out []*cg.Relation
	for _, r := range narrowest(s.relationList, choices...) {
		if ids.has(r.ID) && kinds.has(string(r.Kind)) && froms.has(r.FromID) && tos.has(r.ToID) &&
			(ents.has(r.FromID) || ents.has(r.ToID)) && citesAny(r.Evidence, srcs) {
			out = append(out, r)
		}
	}
	return nonNil(sortByID(out, relationID)), nil
}

// Claims returns the matching claims ordered by id.
func (s *Store) Claims(ctx context.Context, f cg.ClaimFilter) ([]*cg.Claim, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: claims: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var choices []choice[*cg.Claim]
	if len(f.IDs) > 0 {
		choices = append(choices, choice[*cg.Claim]{len(f.IDs), func() []*cg.Claim { return pick(s.claims, f.IDs) }})
	}
	if len(f.SubjectIDs) > 0 {
		choices = append(choices, choice[*cg.Claim]{s.claimsBySubject.size(f.SubjectIDs), func() []*cg.Claim {
			return s.claimsBySubject.gather(f.SubjectIDs)
		}})
	}
	if len(f.SourceIDs) > 0 {
		choices = append(choices, choice[*cg.Claim]{s.claimsBySource.size(f.SourceIDs), func() []*cg.Claim {
			return s.claimsBySource.gather(f.SourceIDs)
		}})
	}
	ids, subjects, srcs := newSet(f.IDs), newSet(f.SubjectIDs), newSet(f.SourceIDs)
	var out []*cg.Claim
	for _, c := range narrowest(s.claimList, choices...) {
		if ids.has(c.ID) && subjects.has(c.SubjectID) && citesAny(c.Evidence, srcs) {
			out = append(out, c)
		}
	}
	return nonNil(sortByID(out, claimID)), nil
}

// pick returns the items with the ids, in the order asked, skipping
// unknown ones; repeats are the caller's to drop.
func pick[T any](items map[string]T, ids []string) []T {
	var out []T
	for _, id := range ids {
		if it, ok := items[id]; ok {
			out = append(out, it)
		}
	}
	return out
}

// citesAny reports whether any evidence item cites one of the sources; a nil
// set matches everything.
func citesAny(ev []cg.Evidence, sources set) bool {
	if sources == nil {
		return true
	}
	for _, e := range ev {
		if sources.has(e.SourceID) {
			return true
		}
	}
	return false
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// entitiesByID returns the entities with the ids, each once, ordered by
// id; unknown ids are left out. The caller holds mu.
func (s *Store) entitiesByID(ids []string) []*cg.Entity {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make([]*cg.Entity, 0, len(ids))
	for _, id := range ids {
		if e, ok := s.entities[id]; ok {
			out = append(out, e.Entity)
		}
	}
	return out
}

// sourcesByID is entitiesByID for sources.
func (s *Store) sourcesByID(ids []string) []*cg.Source {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make([]*cg.Source, 0, len(ids))
	for _, id := range ids {
		if src, ok := s.sources[id]; ok {
			out = append(out, src)
		}
	}
	return out
}
