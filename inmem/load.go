package inmem

import (
	"fmt"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// New indexes ds. It takes ownership: the caller must not change ds or
// anything it points to afterwards. It rejects duplicate ids and references
// to unknown entities or sources, which the indexes could not represent.
//
// ds.Commitments may hold several versions of a commitment (as a durable
// store reloads them): each version once, numbered 1, 2, … without gaps.
// The latest is the current one unless it is retracted. A commitment given
// once with Version 0 (a hand-built dataset) is taken as version 1.
func New(ds *cg.Dataset, opts ...Option) (*Store, error) {
	if ds == nil {
		ds = &cg.Dataset{}
	}
	s := &Store{
		requests:        map[string]Change{},
		history:         make(map[string][]*cg.Commitment, len(ds.Commitments)),
		sources:         make(map[string]*cg.Source, len(ds.Sources)),
		entities:        make(map[string]*entity, len(ds.Entities)),
		entitiesByKind:  index[*entity]{},
		relations:       make(map[string]*cg.Relation, len(ds.Relations)),
		relByKind:       index[*cg.Relation]{},
		relByFrom:       index[*cg.Relation]{},
		relByTo:         index[*cg.Relation]{},
		relBySource:     index[*cg.Relation]{},
		claims:          make(map[string]*cg.Claim, len(ds.Claims)),
		claimsBySubject: index[*cg.Claim]{},
		claimsBySource:  index[*cg.Claim]{},
		commitments:     make(map[string]*cg.Commitment, len(ds.Commitments)),
		ordered:         map[cg.CommitmentOrder][]*cg.Commitment{},
		byActor:         index[*cg.Commitment]{},
		byTarget:        index[*cg.Commitment]{},
		byKind:          index[*cg.Commitment]{},
		byStatus:        index[*cg.Commitment]{},
		bySource:        index[*cg.Commitment]{},
		byStatedBy:      index[*cg.Commitment]{},
	}
	// All sections share one id space; edges of both families meet in
	// paths, so a clash would make an edge id ambiguous.
	seen := map[string]string{}
	s.section = seen
	claim := func(section, id string) error {
		if id == "" {
			return fmt.Errorf("inmem: %s with an empty id", section)
		}
		if prev, ok := seen[id]; ok {
			return fmt.Errorf("inmem: duplicate id %q (%s and %s)", id, prev, section)
		}
		seen[id] = section
		return nil
	}

	for _, src := range ds.Sources {
		if src == nil {
			return nil, fmt.Errorf("inmem: nil source")
		}
		if err := claim("source", src.ID); err != nil {
			return nil, err
		}
		s.sources[src.ID] = src
		s.sourceIDs = append(s.sourceIDs, src.ID)
	}
	slices.Sort(s.sourceIDs)

	ents, err := sortedCopy("entity", ds.Entities, func(e *cg.Entity) string { return e.ID })
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if err := claim("entity", e.ID); err != nil {
			return nil, err
		}
		if err := s.checkEvidence("entity "+e.ID, e.Evidence); err != nil {
			return nil, err
		}
		rec := &entity{Entity: e, lowerName: strings.ToLower(e.Name)}
		rec.lowerNames = append(rec.lowerNames, rec.lowerName)
		for _, a := range e.Aliases {
			rec.lowerNames = append(rec.lowerNames, strings.ToLower(a))
		}
		s.entities[e.ID] = rec
		s.entityList = append(s.entityList, rec)
		s.entitiesByKind[string(e.Kind)] = append(s.entitiesByKind[string(e.Kind)], rec)
	}

	rels, err := sortedCopy("relation", ds.Relations, relationID)
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		if err := claim("relation", r.ID); err != nil {
			return nil, err
		}
		if err := s.checkEnds("relation "+r.ID, r.FromID, r.ToID); err != nil {
			return nil, err
		}
		if err := s.checkEvidence("relation "+r.ID, r.Evidence); err != nil {
			return nil, err
		}
		s.relations[r.ID] = r
		s.relationList = append(s.relationList, r)
		// Lists stay sorted because relations arrive in id order.
		s.relByKind[string(r.Kind)] = append(s.relByKind[string(r.Kind)], r)
		s.relByFrom[r.FromID] = append(s.relByFrom[r.FromID], r)
		s.relByTo[r.ToID] = append(s.relByTo[r.ToID], r)
		for _, src := range evidenceSources(r.Evidence) {
			s.relBySource[src] = append(s.relBySource[src], r)
		}
	}

	claims, err := sortedCopy("claim", ds.Claims, claimID)
	if err != nil {
		return nil, err
	}
	for _, c := range claims {
		if err := claim("claim", c.ID); err != nil {
			return nil, err
		}
		if _, ok := s.entities[c.SubjectID]; !ok {
			return nil, fmt.Errorf("inmem: claim %s: unknown subject %q", c.ID, c.SubjectID)
		}
		if err := s.checkEvidence("claim "+c.ID, c.Evidence); err != nil {
			return nil, err
		}
		s.claims[c.ID] = c
		s.claimList = append(s.claimList, c)
		s.claimsBySubject[c.SubjectID] = append(s.claimsBySubject[c.SubjectID], c)
		for _, src := range evidenceSources(c.Evidence) {
			s.claimsBySource[src] = append(s.claimsBySource[src], c)
		}
	}

	all, err := sortedCopy("commitment", ds.Commitments, commitmentID)
	if err != nil {
		return nil, err
	}
	var byID []*cg.Commitment // the current versions
	for len(all) > 0 {
		n := 1
		for n < len(all) && all[n].ID == all[0].ID {
			n++
		}
		versions, err := versionsOf(all[:n])
		if err != nil {
			return nil, err
		}
		all = all[n:]
		id := versions[0].ID
		if err := claim("commitment", id); err != nil {
			return nil, err
		}
		for _, v := range versions {
			if err := s.checkCommitment(v); err != nil {
				return nil, err
			}
		}
		s.history[id] = versions
		c := cg.InEffect(versions, nil)
		if c == nil {
			continue // retracted: in history only
		}
		byID = append(byID, c)
		s.commitments[c.ID] = c
		// Bulk load appends in id order, which keeps every list sorted
		// without the per-item binary insertion indexCommitment does.
		s.byActor[c.ActorID] = append(s.byActor[c.ActorID], c)
		s.byTarget[c.TargetID] = append(s.byTarget[c.TargetID], c)
		s.byKind[string(c.Kind)] = append(s.byKind[string(c.Kind)], c)
		s.byStatus[string(c.Status)] = append(s.byStatus[string(c.Status)], c)
		for _, src := range evidenceSources(c.Evidence) {
			s.bySource[src] = append(s.bySource[src], c)
		}
		if c.StatedByID != "" {
			s.byStatedBy[c.StatedByID] = append(s.byStatedBy[c.StatedByID], c)
		}
	}
	for _, o := range orders {
		list := slices.Clone(byID)
		slices.SortFunc(list, cg.CompareCommitments(o))
		s.ordered[o] = list
	}
	for _, opt := range opts {
		opt(s)
	}
	return s, nil
}

// versionsOf orders the versions of one commitment and checks that they
// are numbered 1…n; a lone version 0 becomes version 1 (on a copy, as the
// dataset is not the store's to change).
func versionsOf(group []*cg.Commitment) ([]*cg.Commitment, error) {
	if len(group) == 1 && group[0].Version == 0 {
		c := *group[0]
		c.Version = 1
		return []*cg.Commitment{&c}, nil
	}
	out := slices.Clone(group)
	slices.SortFunc(out, func(a, b *cg.Commitment) int { return a.Version - b.Version })
	for i, c := range out {
		if c.Version != i+1 {
			return nil, fmt.Errorf("inmem: duplicate id %q or a gap in its versions (version %d where %d belongs)", c.ID, c.Version, i+1)
		}
	}
	return out, nil
}

// sortedCopy orders a section by id, so that appending to index lists in
// that order keeps them sorted. A nil item is an error: it has no id.
func sortedCopy[T any](section string, items []*T, id func(*T) string) ([]*T, error) {
	out := make([]*T, 0, len(items))
	for _, it := range items {
		if it == nil {
			return nil, fmt.Errorf("inmem: nil %s", section)
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b *T) int { return strings.Compare(id(a), id(b)) })
	return out, nil
}

func (s *Store) checkEnds(what, from, to string) error {
	if _, ok := s.entities[from]; !ok {
		return fmt.Errorf("inmem: %s: unknown entity %q", what, from)
	}
	if _, ok := s.entities[to]; !ok {
		return fmt.Errorf("inmem: %s: unknown entity %q", what, to)
	}
	return nil
}

func (s *Store) checkEvidence(what string, ev []cg.Evidence) error {
	for _, e := range ev {
		if _, ok := s.sources[e.SourceID]; !ok {
			return fmt.Errorf("inmem: %s: evidence cites unknown source %q", what, e.SourceID)
		}
	}
	return nil
}

func (s *Store) checkCommitment(c *cg.Commitment) error {
	what := "commitment " + c.ID
	if err := s.checkEnds(what, c.ActorID, c.TargetID); err != nil {
		return err
	}
	if c.StatedByID != "" {
		if _, ok := s.entities[c.StatedByID]; !ok {
			return fmt.Errorf("inmem: %s: unknown statedBy %q", what, c.StatedByID)
		}
	}
	return s.checkEvidence(what, c.Evidence)
}

// evidenceSources lists the distinct sources of the evidence, so that an
// item with two quotes from one article is indexed under it once.
func evidenceSources(ev []cg.Evidence) []string {
	var out []string
	for _, e := range ev {
		if !slices.Contains(out, e.SourceID) {
			out = append(out, e.SourceID)
		}
	}
	return out
}
