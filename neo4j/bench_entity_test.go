package neo4j

import (
	"context"
	"slices"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// BenchmarkEntityPage100k times the store calls of the query set's entity
// page (issue 13: both connections, first 20, with their totals) over the
// bench's skewed 100k graph, for the top actor and target and for an
// entity of median degree, and a second page along the cursor. Run
// against one server (NEO4J_URI) alternately with another build, as
// BenchmarkListings100k:
//
//	NEO4J_URI=bolt://… go test -run '^$' -bench EntityPage100k -benchtime 20x ./neo4j/
func BenchmarkEntityPage100k(b *testing.B) {
	ctx := context.Background()
	s, ds := openSkewed100k(b)
	actor, target := topEnds(ds)
	small := medianActor(ds)
	page := cg.Page{First: 20}
	second := func(side cg.Side, id string, p cg.Page) cg.Page {
		res, err := s.EntityCommitments(ctx, cg.EntityCommitmentsQuery{Side: side, EntityIDs: []string{id}, Page: p})
		if err != nil {
			b.Fatal(err)
		}
		cs := res.Pages[id].Commitments
		p.After = cg.EncodeCursor(cs[len(cs)-1], p.Order)
		return p
	}
	for _, bc := range []struct {
		name string
		side cg.Side
		id   string
		p    cg.Page
	}{
		{"top-actor/made", cg.SideMade, actor, page},
		{"top-actor/received", cg.SideReceived, actor, page},
		{"top-target/received", cg.SideReceived, target, page},
		{"top-actor/made/second-page", cg.SideMade, actor, second(cg.SideMade, actor, page)},
		{"top-actor/made/date-desc", cg.SideMade, actor, cg.Page{First: 20, Order: cg.OrderDateDesc}},
		{"top-actor/made/id-order", cg.SideMade, actor, cg.Page{First: 20, Order: cg.OrderID}},
		{"median-actor/made", cg.SideMade, small, page},
		{"median-actor/received", cg.SideReceived, small, page},
	} {
		q := cg.EntityCommitmentsQuery{Side: bc.side, EntityIDs: []string{bc.id}, Page: bc.p}
		b.Run(bc.name, func(b *testing.B) {
			// Once untimed: Neo4j's planning of a new statement is not in
			// the figure.
			if _, err := s.EntityCommitments(ctx, q); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.EntityCommitments(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// medianActor is the actor of median number of commitments made.
func medianActor(ds *cg.Dataset) string {
	made := map[string]int{}
	for _, c := range ds.Commitments {
		made[c.ActorID]++
	}
	ids := make([]string, 0, len(made))
	for id := range made {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y string) int {
		if made[x] != made[y] {
			return made[x] - made[y]
		}
		return strings.Compare(x, y)
	})
	return ids[len(ids)/2]
}
