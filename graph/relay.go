package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph/model"
)

// DefaultPage is the page size of a connection asked for with neither
// first nor last.
const DefaultPage = 20

// window reads a connection's Relay arguments: first and last each 1 to
// MaxFirst, and first defaultPage when neither is given, so that no
// connection answers more than a page.
func window(first *int, after *string, last *int, before *string) (cg.Window, error) {
	var w cg.Window
	if first == nil && last == nil {
		w.First = DefaultPage
	}
	for _, a := range []struct {
		field string
		arg   *int
		dst   *int
	}{{"first", first, &w.First}, {"last", last, &w.Last}} {
		if a.arg == nil {
			continue
		}
		if *a.arg < 1 || *a.arg > MaxFirst {
			return w, &cg.Error{Code: cg.CodeBadInput, Field: a.field,
				Message: fmt.Sprintf("%s must be between 1 and %d, got %d", a.field, MaxFirst, *a.arg)}
		}
		*a.dst = *a.arg
	}
	if after != nil {
		w.After = *after
	}
	if before != nil {
		w.Before = *before
	}
	return w, nil
}

func pageInfo[T any](p *cg.WindowPage[T], cursor func(T) string) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: p.HasNext, HasPreviousPage: p.HasPrevious}
	if n := len(p.Items); n > 0 {
		start, end := cursor(p.Items[0]), cursor(p.Items[n-1])
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info
}

// commitmentConnection pages a list of commitments (in any order) in the
// order asked for; for the actor-name order it loads the actors' names.
func commitmentConnection(ctx context.Context, cs []*cg.Commitment, orderBy *cg.CommitmentOrder, first *int, after *string, last *int, before *string) (*model.CommitmentConnection, error) {
	w, err := window(first, after, last, before)
	if err != nil {
		return nil, err
	}
	order := cg.OrderDateAsc
	if orderBy != nil {
		order = *orderBy
	}
	if !order.Valid() {
		return nil, &cg.Error{Code: cg.CodeBadInput, Field: "orderBy", Message: "unknown order " + string(order)}
	}
	names := map[string]string{}
	if order.NeedsActorName() {
		l := loadersFor(ctx)
		for _, c := range cs {
			if _, ok := names[c.ActorID]; ok {
				continue
			}
			e, err := l.entity.Load(ctx, c.ActorID)
			if err != nil {
				return nil, err
			}
			if e != nil {
				names[c.ActorID] = cg.FoldName(e.Name)
			}
		}
	}
	sorted := slices.Clone(cs)
	cg.SortCommitments(sorted, order, func(id string) string { return names[id] })
	actorName := func(c *cg.Commitment) string { return names[c.ActorID] }
	p, err := cg.Apply(sorted, w, cg.CommitmentCursors(order, actorName))
	if err != nil {
		return nil, err
	}
	cursor := func(c *cg.Commitment) string { return cg.EncodeCursorNamed(c, order, names[c.ActorID]) }
	return commitmentEdges(p, cursor), nil
}

func commitmentEdges(p *cg.WindowPage[*cg.Commitment], cursor func(*cg.Commitment) string) *model.CommitmentConnection {
	conn := &model.CommitmentConnection{Nodes: nonNil(p.Items), Edges: make([]*model.CommitmentEdge, len(p.Items)),
		TotalCount: p.Total, PageInfo: pageInfo(p, cursor)}
	for i, c := range p.Items {
		conn.Edges[i] = &model.CommitmentEdge{Cursor: cursor(c), Node: c}
	}
	return conn
}

// nodes finds the objects with the global ids, through the entity,
// commitment and source loaders at once: ids are unique across types, so
// at most one of them knows an id.
func nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	if len(ids) > MaxFirst {
		return nil, &cg.Error{Code: cg.CodeBadInput, Field: "ids", Message: fmt.Sprintf("at most %d ids, got %d", MaxFirst, len(ids))}
	}
	// The three batches wait side by side, in no goroutine of ours.
	l := loadersFor(ctx)
	entities, commitments, sources := l.entity.loadAllThunk(ctx, ids), l.commitment.loadAllThunk(ctx, ids), l.source.loadAllThunk(ctx, ids)
	es, eE := entities()
	cs, cE := commitments()
	ss, sE := sources()
	if err := cmp.Or(eE, cE, sE); err != nil {
		return nil, err
	}
	out := make([]model.Node, len(ids))
	for i := range ids {
		switch {
		case es[i] != nil:
			out[i] = es[i]
		case cs[i] != nil:
			out[i] = cs[i]
		case ss[i] != nil:
			out[i] = ss[i]
		}
	}
	return out, nil
}

// factID is the id of a source's fact.
func factID(f model.Fact) string {
	switch f := f.(type) {
	case *cg.Commitment:
		return f.ID
	case *cg.Relation:
		return f.ID
	case *cg.Claim:
		return f.ID
	}
	panic(fmt.Sprintf("graph: %T is not a fact", f))
}

// sourceFactLists are the commitments, relations and claims citing a
// source, asked for together so that their batches wait side by side.
func sourceFactLists(ctx context.Context, sourceID string) ([]*cg.Commitment, []*cg.Relation, []*cg.Claim, error) {
	l := loadersFor(ctx)
	cs, rs, cl := l.bySource.thunk(ctx, sourceID), l.relationsCiting.thunk(ctx, sourceID), l.claimsCiting.thunk(ctx, sourceID)
	c, errC := cs()
	r, errR := rs()
	k, errK := cl()
	return c, r, k, cmp.Or(errC, errR, errK)
}

// sourceFacts merges what a source supports into one listing by id.
func sourceFacts(ctx context.Context, sourceID string) ([]model.Fact, error) {
	cs, rs, cl, err := sourceFactLists(ctx, sourceID)
	if err != nil {
		return nil, err
	}
	facts := make([]model.Fact, 0, len(cs)+len(rs)+len(cl))
	for _, c := range cs {
		facts = append(facts, c)
	}
	for _, r := range rs {
		facts = append(facts, r)
	}
	for _, c := range cl {
		facts = append(facts, c)
	}
	slices.SortFunc(facts, func(a, b model.Fact) int { return strings.Compare(factID(a), factID(b)) })
	return facts, nil
}

// searchConnection turns a page of hits into edges, priming the loaders
// for what the results' fields ask next.
func searchConnection(ctx context.Context, res *cg.TextPage, afterCursor bool) *model.SearchConnection {
	l := loadersFor(ctx)
	conn := &model.SearchConnection{Nodes: []model.SearchResult{}, Edges: []*model.SearchEdge{}, TotalCount: res.TotalCount,
		PageInfo: &model.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: afterCursor}}
	for _, h := range res.Hits {
		var node model.SearchResult
		switch {
		case h.Entity != nil:
			node = h.Entity
			l.announceEntities([]*cg.Entity{h.Entity})
		case h.Commitment != nil:
			node = h.Commitment
			l.announceCommitments([]*cg.Commitment{h.Commitment})
		case h.Relation != nil:
			node = h.Relation
			l.announceRelations([]*cg.Relation{h.Relation})
		case h.Claim != nil:
			node = h.Claim
			l.announceClaims([]*cg.Claim{h.Claim})
		default:
			continue // gone between ranking and fetching (a retraction)
		}
		conn.Nodes = append(conn.Nodes, node)
		conn.Edges = append(conn.Edges, &model.SearchEdge{Cursor: cg.TextCursor(h), Node: node, Score: h.Score})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[n-1].Cursor
	}
	return conn
}
