package graph

import (
	"context"
	"fmt"
	"strings"
	"sync"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph/model"
)

// An entity's commitment connections (commitmentsMadeConnection,
// commitmentsReceivedConnection) paged by the store: one
// Store.EntityCommitments call per side and set of arguments for all the
// entities of a level that ask, one page each. Backward windows (last or
// before) take the whole list of the entity's commitments and cut it here,
// as every connection did before: the stores page forward only.

// pageArgs is one set of a connection's arguments: the entities asking
// with the same ones share a store call. Lists are joined so that the key
// is comparable.
type pageArgs struct {
	side            cg.Side
	kinds, statuses string
	order           cg.CommitmentOrder
	first           int
	after           string
}

func (a pageArgs) query(ids []string) cg.EntityCommitmentsQuery {
	q := cg.EntityCommitmentsQuery{Side: a.side, EntityIDs: ids, Page: cg.Page{First: a.first, After: a.after, Order: a.order}}
	for _, k := range splitList(a.kinds) {
		q.Kinds = append(q.Kinds, cg.EdgeKind(k))
	}
	for _, s := range splitList(a.statuses) {
		q.Statuses = append(q.Statuses, cg.Status(s))
	}
	return q
}

func joinList[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return strings.Join(out, ",")
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// entityPage is a page with the folded names of its actors, which the
// actor-name order's cursors hold.
type entityPage struct {
	page  *cg.EntityPage
	names map[string]string
}

// entityPages are the loaders of entity pages, one per set of arguments,
// and the entities they may be asked about: every entity announced to the
// per-entity loaders is announced to each set of arguments when one of
// its pages is asked for, so that a level's pages come in one call without
// waiting. A loader of its own per set keeps one set's announced keys out
// of another's calls.
type entityPages struct {
	store cg.Store
	l     *Loaders

	mu       sync.Mutex
	entities []string
	seen     map[string]bool
	byArgs   map[pageArgs]*argsPages
}

// argsPages loads the pages of one set of arguments.
type argsPages struct {
	loader *loader[string, entityPage]
	// announced is how many of entities it was told of.
	announced int
}

func newEntityPages(store cg.Store, l *Loaders) *entityPages {
	return &entityPages{store: store, l: l, seen: map[string]bool{}, byArgs: map[pageArgs]*argsPages{}}
}

func (p *entityPages) newArgsPages(args pageArgs) *argsPages {
	return &argsPages{loader: newLoader(func(ctx context.Context, ids []string) (map[string]entityPage, error) {
		res, err := p.store.EntityCommitments(ctx, args.query(ids))
		if err != nil {
			return nil, fmt.Errorf("load entity commitments: %w", err)
		}
		p.l.setRelated(&cg.CommitmentPage{Entities: res.Entities, Sources: res.Sources})
		names := make(map[string]string, len(res.Entities))
		for _, e := range res.Entities {
			names[e.ID] = cg.FoldName(e.Name)
		}
		out := make(map[string]entityPage, len(res.Pages))
		for id, page := range res.Pages {
			out[id] = entityPage{page, names}
		}
		return out, nil
	})}
}

// announce notes entities whose pages may be asked for.
func (p *entityPages) announce(ids ...string) {
	p.mu.Lock()
	for _, id := range ids {
		if !p.seen[id] {
			p.seen[id] = true
			p.entities = append(p.entities, id)
		}
	}
	p.mu.Unlock()
}

func (p *entityPages) load(ctx context.Context, args pageArgs, id string) (entityPage, error) {
	p.mu.Lock()
	a := p.byArgs[args]
	if a == nil {
		a = p.newArgsPages(args)
		p.byArgs[args] = a
	}
	if a.announced < len(p.entities) {
		a.loader.Announce(p.entities[a.announced:]...)
		a.announced = len(p.entities)
	}
	p.mu.Unlock()
	return a.loader.Load(ctx, id)
}

// entityConnection answers an entity's commitment connection on a side.
func entityConnection(ctx context.Context, side cg.Side, id string, kinds []cg.EdgeKind, statuses []cg.Status, orderBy *cg.CommitmentOrder, first *int, after *string, last *int, before *string) (*model.CommitmentConnection, error) {
	w, err := window(first, after, last, before)
	if err != nil {
		return nil, err
	}
	l := loadersFor(ctx)
	if w.Last > 0 || w.Before != "" {
		all := l.madeBy
		if side == cg.SideReceived {
			all = l.aimedAt
		}
		cs, err := all.Load(ctx, id)
		if err != nil {
			return nil, err
		}
		return commitmentConnection(ctx, filterCommitments(cs, kinds, statuses), orderBy, first, after, last, before)
	}
	order := cg.OrderDateAsc
	if orderBy != nil {
		order = *orderBy
	}
	if !order.Valid() {
		return nil, &cg.Error{Code: cg.CodeBadInput, Field: "orderBy", Message: "unknown order " + string(order)}
	}
	args := pageArgs{side: side, kinds: joinList(kinds), statuses: joinList(statuses), order: order, first: w.First, after: w.After}
	res, err := l.pages.load(ctx, args, id)
	if err != nil {
		return nil, err
	}
	if res.page == nil { // a store that left the entity out
		res.page = &cg.EntityPage{}
	}
	cs := nonNil(res.page.Commitments)
	conn := &model.CommitmentConnection{Nodes: cs, Edges: make([]*model.CommitmentEdge, len(cs)), TotalCount: res.page.TotalCount,
		PageInfo: &model.PageInfo{HasNextPage: res.page.HasNextPage, HasPreviousPage: w.After != ""}}
	for i, c := range cs {
		conn.Edges[i] = &model.CommitmentEdge{Cursor: cg.EncodeCursorNamed(c, order, res.names[c.ActorID]), Node: c}
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[n-1].Cursor
	}
	return conn, nil
}
