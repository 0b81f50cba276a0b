package graph

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Loaders are the per-request dataloaders. Every nested field that needs
// the store goes through one of them, so that the store calls of a request
// are bounded by its depth, not by the size of its results: gqlgen resolves
// the fields of a list's items in parallel goroutines, and a loader
// collects the keys they ask for in a short wait into one store call.
type Loaders struct {
	entity *loader[string, *cg.Entity]
	// evidence is an entity's evidence, for the entities a commitment
	// listing brought without it (cg.CommitmentPage.Entities).
	evidence        *loader[string, []cg.Evidence]
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
	// pages are entities' commitment connections, a page each
	// (entitypages.go).
	pages *entityPages

	// slim marks the entities that came without their evidence, so that
	// Entity.evidence asks for theirs and takes every other entity's (a
	// whole one, a past version, a write's result) from the entity itself.
	slimMu sync.Mutex
	slim   map[*cg.Entity]bool
}

// cellKey names a matrix cell under the filter the matrix was built with;
// the filter is carried as its canonical string so that cells of one matrix
// share a batch.
type cellKey struct {
	filter string
	actor  string
	kind   cg.EdgeKind
}

// batchWait is how long a loader collects keys before it calls the store.
// Resolver goroutines for one level start within microseconds of each
// other; the margin is for a loaded machine, where they start further apart.
const batchWait = 2 * time.Millisecond

// maxBatch bounds the keys of one store call.
const maxBatch = 1000

// loader is a dataloadgen loader whose keys can also be announced: a
// parent that knows which keys its children may ask for announces them,
// and the first child to load one has all of them fetched at once, in one
// store call without waiting (a group). Batching of a level then does not
// hang on its goroutines all starting within dataloadgen's wait, which on
// a loaded machine they may not, and a root field that knows its keys
// (LoadNow, LoadAll) pays no wait. Keys nobody announced are batched by
// dataloadgen.
type loader[K comparable, V any] struct {
	dl    *dataloadgen.Loader[K, V]
	fetch func(context.Context, []K) (map[K]V, error)

	mu        sync.Mutex
	announced map[K]bool
	// known keys were primed or asked for: announcing them again would
	// fetch them twice.
	known  map[K]bool
	groups map[K]*group[K, V]
	// held are the values the loader holds: primed, or loaded by a wait
	// that returned; a written list reads them without a load
	// (plainlist.go).
	held map[K]V
}

// group is announced keys fetched together, by the first of their callers
// to wait for one of them.
type group[K comparable, V any] struct {
	keys []K
	once sync.Once
	vals map[K]V
	err  error
}

// newLoader makes a loader over a fetch that returns what the store has:
// a key it has nothing for gets the zero value (an absent entity, an empty
// list), not an error. A panic in fetch (which may run in a goroutine of
// dataloadgen's) becomes an INTERNAL error for every waiter; the fetch runs
// with the context of the first caller of its batch or group (all of them
// belong to one request).
func newLoader[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error)) *loader[K, V] {
	l := &loader[K, V]{fetch: fetch, announced: map[K]bool{}, known: map[K]bool{}, groups: map[K]*group[K, V]{}, held: map[K]V{}}
	l.dl = dataloadgen.NewLoader(func(ctx context.Context, keys []K) ([]V, []error) {
		vals, err := guard(ctx, keys, fetch)
		if err != nil {
			return nil, []error{err}
		}
		out := make([]V, len(keys))
		for i, k := range keys {
			out[i] = vals[k]
		}
		return out, nil
	}, dataloadgen.WithWait(batchWait), dataloadgen.WithBatchCapacity(maxBatch))
	return l
}

// guard runs fetch, a panic in it becoming an INTERNAL error with its stack
// for the log (dataloadgen would recover it too, but as a bare error).
func guard[K comparable, V any](ctx context.Context, keys []K, fetch func(context.Context, []K) (map[K]V, error)) (_ map[K]V, err error) {
	defer recoverInto(&err)
	return fetch(ctx, keys)
}

// Announce says keys may be loaded soon. It costs nothing until one of
// them is.
func (l *loader[K, V]) Announce(keys ...K) {
	l.mu.Lock()
	for _, k := range keys {
		if !l.known[k] {
			l.announced[k] = true
		}
	}
	l.mu.Unlock()
}

// Prime caches a value the store returned with something else; a key
// already cached keeps its value.
//
// The value is in dataloadgen's cache before the key counts as known: a
// concurrent Prime of the same key (two batches bringing one entity)
// returns only once it is, so a Load after either finds it instead of
// fetching it.
func (l *loader[K, V]) Prime(key K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.known[key] {
		l.dl.Prime(key, v)
		l.held[key] = v
	}
	l.known[key] = true
	delete(l.announced, key)
}

// heldValue is the value the loader holds for key, if any: what Load
// returns without a store call or a wait.
func (l *loader[K, V]) heldValue(key K) (V, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.held[key]
	return v, ok
}

// hold keeps the value a wait for key returned.
func (l *loader[K, V]) hold(key K, v V) {
	l.mu.Lock()
	if _, ok := l.held[key]; !ok {
		l.held[key] = v
	}
	l.mu.Unlock()
}

// thunk starts loading key, as a group with every announced key if it is
// one, and returns the wait for its value.
func (l *loader[K, V]) thunk(ctx context.Context, key K) func() (V, error) {
	l.mu.Lock()
	l.known[key] = true
	if l.announced[key] {
		g := &group[K, V]{keys: make([]K, 0, len(l.announced))}
		for k := range l.announced {
			g.keys = append(g.keys, k)
			l.groups[k] = g
			l.known[k] = true
		}
		clear(l.announced)
	}
	g := l.groups[key]
	l.mu.Unlock()
	if g == nil {
		wait := l.dl.LoadThunk(ctx, key)
		return func() (V, error) {
			v, err := wait()
			if err == nil {
				l.hold(key, v)
			}
			return v, err
		}
	}
	return func() (V, error) {
		g.once.Do(func() { g.vals, g.err = guard(ctx, g.keys, l.fetch) })
		if g.err == nil {
			l.hold(key, g.vals[key])
		}
		return g.vals[key], g.err
	}
}

// Start starts loading keys, batched and grouped as Load would, without
// waiting for them: a field that knows which keys the fields after it
// will load, when those run only after it (marshalInOrder), has them
// fetched in its batch rather than one batch each.
func (l *loader[K, V]) Start(ctx context.Context, keys ...K) {
	for _, k := range keys {
		l.thunk(ctx, k)
	}
}

// Load returns the value for key (the zero value when the store has none),
// batched with the keys other fields load meanwhile.
func (l *loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	return l.thunk(ctx, key)()
}

// LoadNow loads one key without waiting for others to batch with: for root
// fields, which no sibling will join.
func (l *loader[K, V]) LoadNow(ctx context.Context, key K) (V, error) {
	l.Announce(key)
	return l.Load(ctx, key)
}

// LoadAll loads keys in one store call where none is cached or being
// fetched already; the error is the call's, once.
func (l *loader[K, V]) LoadAll(ctx context.Context, keys []K) ([]V, error) {
	return l.loadAllThunk(ctx, keys)()
}

// loadAllThunk starts loading keys and returns the wait for their values.
func (l *loader[K, V]) loadAllThunk(ctx context.Context, keys []K) func() ([]V, error) {
	l.Announce(keys...)
	thunks := make([]func() (V, error), len(keys))
	for i, k := range keys {
		thunks[i] = l.thunk(ctx, k)
	}
	return func() ([]V, error) {
		out := make([]V, len(keys))
		for i, t := range thunks {
			var err error
			if out[i], err = t(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

type loadersKey struct{}

// WithLoaders returns a context carrying fresh loaders over store; the HTTP
// layer calls it once per GraphQL response (a query, or one subscription
// event), so cached values never outlive the answer they were loaded for.
func WithLoaders(ctx context.Context, store cg.Store) context.Context {
	return context.WithValue(ctx, loadersKey{}, NewLoaders(store))
}

func loadersFor(ctx context.Context) *Loaders {
	l, ok := ctx.Value(loadersKey{}).(*Loaders)
	if !ok {
		panic("graph: no loaders in context; wrap the handler with WithLoaders")
	}
	return l
}

// NewLoaders builds the loaders of one request.
func NewLoaders(store cg.Store) *Loaders {
	l := &Loaders{slim: map[*cg.Entity]bool{}}
	commitmentsBy := func(filter func([]string) cg.CommitmentFilter, keysOf func(*cg.Commitment) []string) func(context.Context, []string) (map[string][]*cg.Commitment, error) {
		return func(ctx context.Context, ids []string) (map[string][]*cg.Commitment, error) {
			page, err := store.Commitments(ctx, filter(ids), cg.Page{})
			if err != nil {
				return nil, fmt.Errorf("load commitments: %w", err)
			}
			l.setRelated(page)
			return groupBy(page.Commitments, keysOf), nil
		}
	}
	relationsBy := func(filter func([]string) cg.RelationFilter, keysOf func(*cg.Relation) []string) func(context.Context, []string) (map[string][]*cg.Relation, error) {
		return func(ctx context.Context, ids []string) (map[string][]*cg.Relation, error) {
			rels, err := store.Relations(ctx, filter(ids))
			if err != nil {
				return nil, fmt.Errorf("load relations: %w", err)
			}
			l.announceRelations(rels)
			return groupBy(rels, keysOf), nil
		}
	}
	claimsBy := func(filter func([]string) cg.ClaimFilter, keysOf func(*cg.Claim) []string) func(context.Context, []string) (map[string][]*cg.Claim, error) {
		return func(ctx context.Context, ids []string) (map[string][]*cg.Claim, error) {
			claims, err := store.Claims(ctx, filter(ids))
			if err != nil {
				return nil, fmt.Errorf("load claims: %w", err)
			}
			l.announceClaims(claims)
			return groupBy(claims, keysOf), nil
		}
	}
	entities := func(ctx context.Context, ids []string) ([]*cg.Entity, error) {
		es, err := store.Entities(ctx, cg.EntityFilter{IDs: ids})
		if err != nil {
			return nil, fmt.Errorf("load entities: %w", err)
		}
		return es, nil
	}
	l.entity = newLoader(func(ctx context.Context, ids []string) (map[string]*cg.Entity, error) {
		es, err := entities(ctx, ids)
		l.announceEntities(es)
		return byID(es, func(e *cg.Entity) string { return e.ID }), err
	})
	l.evidence = newLoader(func(ctx context.Context, ids []string) (map[string][]cg.Evidence, error) {
		es, err := entities(ctx, ids)
		m := make(map[string][]cg.Evidence, len(es))
		for _, e := range es {
			m[e.ID] = e.Evidence
		}
		return m, err
	})
	l.source = newLoader(func(ctx context.Context, ids []string) (map[string]*cg.Source, error) {
		ss, err := store.Sources(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("load sources: %w", err)
		}
		return byID(ss, func(s *cg.Source) string { return s.ID }), nil
	})
	l.commitment = newLoader(func(ctx context.Context, ids []string) (map[string]*cg.Commitment, error) {
		page, err := store.Commitments(ctx, cg.CommitmentFilter{IDs: ids}, cg.Page{})
		if err != nil {
			return nil, fmt.Errorf("load commitments: %w", err)
		}
		l.setRelated(page)
		return byID(page.Commitments, func(c *cg.Commitment) string { return c.ID }), nil
	})
	l.madeBy = newLoader(commitmentsBy(
		func(ids []string) cg.CommitmentFilter { return cg.CommitmentFilter{ActorIDs: ids} },
		func(c *cg.Commitment) []string { return []string{c.ActorID} }))
	l.aimedAt = newLoader(commitmentsBy(
		func(ids []string) cg.CommitmentFilter { return cg.CommitmentFilter{TargetIDs: ids} },
		func(c *cg.Commitment) []string { return []string{c.TargetID} }))
	l.statedBy = newLoader(commitmentsBy(
		func(ids []string) cg.CommitmentFilter { return cg.CommitmentFilter{StatedByIDs: ids} },
		func(c *cg.Commitment) []string { return []string{c.StatedByID} }))
	l.bySource = newLoader(commitmentsBy(
		func(ids []string) cg.CommitmentFilter { return cg.CommitmentFilter{SourceIDs: ids} },
		func(c *cg.Commitment) []string { return evidenceSources(c.Evidence) }))
	l.relationsOf = newLoader(relationsBy(
		func(ids []string) cg.RelationFilter { return cg.RelationFilter{EntityIDs: ids} },
		func(r *cg.Relation) []string { return []string{r.FromID, r.ToID} }))
	l.relationsCiting = newLoader(relationsBy(
		func(ids []string) cg.RelationFilter { return cg.RelationFilter{SourceIDs: ids} },
		func(r *cg.Relation) []string { return evidenceSources(r.Evidence) }))
	l.claimsAbout = newLoader(claimsBy(
		func(ids []string) cg.ClaimFilter { return cg.ClaimFilter{SubjectIDs: ids} },
		func(c *cg.Claim) []string { return []string{c.SubjectID} }))
	l.claimsCiting = newLoader(claimsBy(
		func(ids []string) cg.ClaimFilter { return cg.ClaimFilter{SourceIDs: ids} },
		func(c *cg.Claim) []string { return evidenceSources(c.Evidence) }))
	l.pages = newEntityPages(store, l)
	l.cell = newLoader(func(ctx context.Context, keys []cellKey) (map[cellKey][]*cg.Commitment, error) {
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
			page, err := store.Commitments(ctx, f, cg.Page{})
			if err != nil {
				return nil, fmt.Errorf("load matrix cells: %w", err)
			}
			l.setRelated(page)
			for _, c := range page.Commitments {
				k := cellKey{filter: fs, actor: c.ActorID, kind: c.Kind}
				out[k] = append(out[k], c)
			}
		}
		return out, nil
	})
	return l
}

// setRelated caches the entities and sources a listing brought with it, so
// that its commitments' fields need no further store call. The entities
// came without their evidence: they are marked, so that a field showing it
// asks for it. An entity already cached keeps its value.
func (l *Loaders) setRelated(page *cg.CommitmentPage) {
	l.slimMu.Lock()
	for _, e := range page.Entities {
		l.slim[e] = true
	}
	l.slimMu.Unlock()
	for _, e := range page.Entities {
		l.entity.Prime(e.ID, e)
		l.evidence.Announce(e.ID)
	}
	for _, s := range page.Sources {
		l.source.Prime(s.ID, s)
	}
	l.announceEntities(page.Entities)
}

// setEntities caches entities the store returned with something else.
func (l *Loaders) setEntities(es []*cg.Entity) {
	for _, e := range es {
		l.entity.Prime(e.ID, e)
	}
	l.announceEntities(es)
}

// announceEntities announces the per-entity lists that fields of these
// entities may ask for next.
func (l *Loaders) announceEntities(es []*cg.Entity) {
	for _, e := range es {
		if e == nil {
			continue
		}
		l.madeBy.Announce(e.ID)
		l.pages.announce(e.ID)
		l.aimedAt.Announce(e.ID)
		l.statedBy.Announce(e.ID)
		l.relationsOf.Announce(e.ID)
		l.claimsAbout.Announce(e.ID)
	}
}

// announceCommitments announces what fields of these commitments may ask
// for next.
func (l *Loaders) announceCommitments(cs []*cg.Commitment) {
	for _, c := range cs {
		l.entity.Announce(c.ActorID, c.TargetID)
		if c.StatedByID != "" {
			l.entity.Announce(c.StatedByID)
		}
		l.source.Announce(evidenceSources(c.Evidence)...)
	}
}

func (l *Loaders) announceRelations(rs []*cg.Relation) {
	for _, r := range rs {
		l.entity.Announce(r.FromID, r.ToID)
		l.source.Announce(evidenceSources(r.Evidence)...)
	}
}

func (l *Loaders) announceClaims(cs []*cg.Claim) {
	for _, c := range cs {
		l.entity.Announce(c.SubjectID)
		l.source.Announce(evidenceSources(c.Evidence)...)
	}
}

// entityEvidence is e's evidence: its own, unless e came without it.
func (l *Loaders) entityEvidence(ctx context.Context, e *cg.Entity) ([]cg.Evidence, error) {
	l.slimMu.Lock()
	slim := l.slim[e]
	l.slimMu.Unlock()
	if !slim {
		return e.Evidence, nil
	}
	return l.evidence.Load(ctx, e.ID)
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
