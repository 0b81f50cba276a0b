package graph

import (
	"context"
	"fmt"
	"sync"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Loaders are the per-request dataloaders. Every nested field that needs
// the store goes through one of them.
type Loaders struct {
	entity          *loader[string, *cg.Entity]
	source          *loader[string, *cg.Source]
	commitment      *loader[string, *cg.Commitment]
	madeBy          *loader[string, []*cg.Commitment]
	aimedAt         *loader[string, []*cg.Commitment]
	statedBy        *loader[string, []*cg.Commitment]
	bySource        *loader[string, []*cg.Commitment]
	relationsOf     *loader[string, []*cg.Relation]
	relationsCiting *loader[string, []*cg.Relation]
	claimsAbout     *loader[string, []*cg.Claim]
	claimsCiting    *loader[string, []*cg.Claim]
	cell            *loader[cellKey, []*cg.Commitment]

	// named holds entities a listing brought without their evidence
	// (cg.Page.RelatedWithoutEvidence). They are kept apart from entity,
	// whose values are whole, and serve only fields that do not select
	// evidence (namedEntity).
	namedMu sync.Mutex
	named   map[string]*cg.Entity
}

// cellKey names a matrix cell under the filter the matrix was built with;
// the filter is carried as its canonical string so that cells of one matrix
// share a batch.
type cellKey struct {
	filter string
	actor  string
	kind   cg.EdgeKind
}

type loadersKey struct{}

// WithLoaders returns a context carrying fresh loaders over store; the HTTP
// layer calls it once per GraphQL response (a query, or one subscription
// event), so cached values never outlive the answer they were loaded for.
func WithLoaders(ctx context.Context, store cg.Store) context.Context {
	return context.WithValue(ctx, loadersKey{}, NewLoaders(ctx, store))
}

func loadersFor(ctx context.Context) *Loaders {
	l, ok := ctx.Value(loadersKey{}).(*Loaders)
	if !ok {
		panic("graph: no loaders in context; wrap the handler with WithLoaders")
	}
	return l
}

// NewLoaders builds the loaders of one request.
func NewLoaders(ctx context.Context, store cg.Store) *Loaders {
	l := &Loaders{}
	commitmentsBy := func(filter func([]string) cg.CommitmentFilter, keysOf func(*cg.Commitment) []string) func(context.Context, []string) (map[string][]*cg.Commitment, error) {
		return func(ctx context.Context, ids []string) (map[string][]*cg.Commitment, error) {
			page, err := store.Commitments(ctx, filter(ids), cg.Page{WithRelated: true})
			if err != nil {
				return nil, fmt.Errorf("load commitments: %w", err)
			}
			l.setRelated(page, false)
			return groupBy(page.Commitments, keysOf), nil
		}
	}
	relationsBy := func(filter func([]string) cg.RelationFilter, keysOf func(*cg.Relation) []string) func(context.Context, []string) (map[string][]*cg.Relation, error) {
		return func(ctx context.Context, ids []string) (map[string][]*cg.Relation, error) {
			rels, err := store.Relations(ctx, filter(ids))
			if err != nil {
				return nil, fmt.Errorf("load relations: %w", err)
			}
			l.primeRelations(rels)
			return groupBy(rels, keysOf), nil
		}
	}
	claimsBy := func(filter func([]string) cg.ClaimFilter, keysOf func(*cg.Claim) []string) func(context.Context, []string) (map[string][]*cg.Claim, error) {
		return func(ctx context.Context, ids []string) (map[string][]*cg.Claim, error) {
			claims, err := store.Claims(ctx, filter(ids))
			if err != nil {
				return nil, fmt.Errorf("load claims: %w", err)
			}
			l.primeClaims(claims)
			return groupBy(claims, keysOf), nil
		}
	}
	*l = Loaders{
		entity: newLoader(ctx, func(ctx context.Context, ids []string) (map[string]*cg.Entity, error) {
			es, err := store.Entities(ctx, cg.EntityFilter{IDs: ids})
			if err != nil {
				return nil, fmt.Errorf("load entities: %w", err)
			}
			l.primeEntities(es)
			return byID(es, func(e *cg.Entity) string { return e.ID }), nil
		}),
		source: newLoader(ctx, func(ctx context.Context, ids []string) (map[string]*cg.Source, error) {
			ss, err := store.Sources(ctx, ids)
			if err != nil {
				return nil, fmt.Errorf("load sources: %w", err)
			}
			return byID(ss, func(s *cg.Source) string { return s.ID }), nil
		}),
		commitment: newLoader(ctx, func(ctx context.Context, ids []string) (map[string]*cg.Commitment, error) {
			page, err := store.Commitments(ctx, cg.CommitmentFilter{IDs: ids}, cg.Page{WithRelated: true})
			if err != nil {
				return nil, fmt.Errorf("load commitments: %w", err)
			}
			l.setRelated(page, false)
			return byID(page.Commitments, func(c *cg.Commitment) string { return c.ID }), nil
		}),
		madeBy: newLoader(ctx, commitmentsBy(
			func(ids []string) cg.CommitmentFilter { return cg.CommitmentFilter{ActorIDs: ids} },
			func(c *cg.Commitment) []string { return []string{c.ActorID} })),
		aimedAt: newLoader(ctx, commitmentsBy(
			func(ids []string) cg.CommitmentFilter { return cg.CommitmentFilter{TargetIDs: ids} },
			func(c *cg.Commitment) []string { return []string{c.TargetID} })),
		statedBy: newLoader(ctx, commitmentsBy(
			func(ids []string) cg.CommitmentFilter { return cg.CommitmentFilter{StatedByIDs: ids} },
			func(c *cg.Commitment) []string { return []string{c.StatedByID} })),
		bySource: newLoader(ctx, commitmentsBy(
			func(ids []string) cg.CommitmentFilter { return cg.CommitmentFilter{SourceIDs: ids} },
			func(c *cg.Commitment) []string { return evidenceSources(c.Evidence) })),
		relationsOf: newLoader(ctx, relationsBy(
			func(ids []string) cg.RelationFilter { return cg.RelationFilter{EntityIDs: ids} },
			func(r *cg.Relation) []string { return []string{r.FromID, r.ToID} })),
		relationsCiting: newLoader(ctx, relationsBy(
			func(ids []string) cg.RelationFilter { return cg.RelationFilter{SourceIDs: ids} },
			func(r *cg.Relation) []string { return evidenceSources(r.Evidence) })),
		claimsAbout: newLoader(ctx, claimsBy(
			func(ids []string) cg.ClaimFilter { return cg.ClaimFilter{SubjectIDs: ids} },
			func(c *cg.Claim) []string { return []string{c.SubjectID} })),
		claimsCiting: newLoader(ctx, claimsBy(
			func(ids []string) cg.ClaimFilter { return cg.ClaimFilter{SourceIDs: ids} },
			func(c *cg.Claim) []string { return evidenceSources(c.Evidence) })),
		cell: newLoader(ctx, func(ctx context.Context, keys []cellKey) (map[cellKey][]*cg.Commitment, error) {
			out := map[cellKey][]*cg.Commitment{}
			byFilter := map[string][]cellKey{}
			for _, k := range keys {
				byFilter[k.filter] = append(byFilter[k.filter], k)
			}
			for fs, ks := range byFilter {
				f, err := decodeFilter(fs)
				if err != nil {
					return nil, err
				}
				f.ActorIDs = nil
				for _, k := range ks {
					f.ActorIDs = append(f.ActorIDs, k.actor)
				}
				page, err := store.Commitments(ctx, f, cg.Page{WithRelated: true})
				if err != nil {
					return nil, fmt.Errorf("load matrix cells: %w", err)
				}
				l.setRelated(page, false)
				for _, c := range page.Commitments {
					k := cellKey{filter: fs, actor: c.ActorID, kind: c.Kind}
					out[k] = append(out[k], c)
				}
			}
			return out, nil
		}),
	}
	return l
}

// setRelated caches the entities and sources a listing brought with it
// (cg.Page.WithRelated), so that its commitments' fields need no further
// store call, and primes what may be asked for next. withoutEvidence says
// the entities came without their evidence (cg.Page.RelatedWithoutEvidence).
func (l *Loaders) setRelated(page *cg.CommitmentPage, withoutEvidence bool) {
	if withoutEvidence {
		l.setNamed(page.Entities)
	} else {
		l.setEntities(page.Entities)
	}
	l.source.Set(byID(page.Sources, func(s *cg.Source) string { return s.ID }))
	l.primeCommitments(page.Commitments)
}

// setNamed caches entities that come without their evidence.
func (l *Loaders) setNamed(es []*cg.Entity) {
	l.namedMu.Lock()
	if l.named == nil {
		l.named = map[string]*cg.Entity{}
	}
	for _, e := range es {
		if e != nil {
			l.named[e.ID] = e
		}
	}
	l.namedMu.Unlock()
	l.primeEntities(es)
}

// namedEntity is the entity with the id for the field being resolved: the
// one a listing brought without evidence when there is one and the field
// does not select evidence, else the whole one through the entity loader.
func (l *Loaders) namedEntity(ctx context.Context, id string) (*cg.Entity, error) {
	if !selectsEntityEvidence(ctx, false) {
		l.namedMu.Lock()
		e, ok := l.named[id]
		l.namedMu.Unlock()
		if ok {
			return e, nil
		}
	}
	return l.entity.Load(id)
}

// setEntities caches entities the store returned with something else.
func (l *Loaders) setEntities(es []*cg.Entity) {
	l.entity.Set(byID(es, func(e *cg.Entity) string { return e.ID }))
	l.primeEntities(es)
}

// primeCommitments announces the entities and sources that fields of these
// commitments may ask for next (all of them cached already when the
// listing came with its related items).
func (l *Loaders) primeCommitments(cs []*cg.Commitment) {
	for _, c := range cs {
		l.entity.Prime(c.ActorID, c.TargetID)
		if c.StatedByID != "" {
			l.entity.Prime(c.StatedByID)
		}
		l.source.Prime(evidenceSources(c.Evidence)...)
	}
}

// primeEntities announces the per-entity lists that fields of these
// entities may ask for next.
func (l *Loaders) primeEntities(es []*cg.Entity) {
	for _, e := range es {
		if e == nil {
			continue
		}
		l.madeBy.Prime(e.ID)
		l.aimedAt.Prime(e.ID)
		l.statedBy.Prime(e.ID)
		l.relationsOf.Prime(e.ID)
		l.claimsAbout.Prime(e.ID)
	}
}

func (l *Loaders) primeRelations(rs []*cg.Relation) {
	for _, r := range rs {
		l.entity.Prime(r.FromID, r.ToID)
		l.source.Prime(evidenceSources(r.Evidence)...)
	}
}

func (l *Loaders) primeClaims(cs []*cg.Claim) {
	for _, c := range cs {
		l.entity.Prime(c.SubjectID)
		l.source.Prime(evidenceSources(c.Evidence)...)
	}
}

func byID[T any](items []T, id func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[id(it)] = it
	}
	return m
}

// groupBy files each item under every key it has, once per key, keeping
// the store's order within a key.
func groupBy[T any](items []T, keysOf func(T) []string) map[string][]T {
	m := map[string][]T{}
	for _, it := range items {
		seen := map[string]bool{}
		for _, k := range keysOf(it) {
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			m[k] = append(m[k], it)
		}
	}
	return m
}

func evidenceSources(ev []cg.Evidence) []string {
	out := make([]string, 0, len(ev))
	for _, e := range ev {
		out = append(out, e.SourceID)
	}
	return out
}
