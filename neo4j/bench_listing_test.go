package neo4j

import (
	"context"
	"fmt"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkListings100k times the commitment listings, counts (by kind and
// status, and by actor) and matrix page of the query set (issue 13) through
// the store, over the bench's skewed 100k graph (storetest.SyntheticSkewed(100000, 5000, 1)). The graph
// is loaded only when the database does not hold it already, so that two
// builds (before and after a change) can be run alternately against one
// server given by NEO4J_URI:
//
//	NEO4J_URI=bolt://… go test -run '^$' -bench Listings100k -benchtime 20x ./neo4j/
func BenchmarkListings100k(b *testing.B) {
	ctx := context.Background()
	s, ds := openSkewed100k(b)
	addFewSource(b, s, ds)
	actor, target := topEnds(ds)
	page := cg.Page{First: 20}
	for _, bc := range []struct {
		name string
		f    cg.CommitmentFilter
		p    cg.Page
	}{
		{"kind", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}}, page},
		{"kind/id-order", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}}, cg.Page{First: 20, Order: cg.OrderID}},
		{"actor", cg.CommitmentFilter{ActorIDs: []string{actor}}, page},
		{"target", cg.CommitmentFilter{TargetIDs: []string{target}}, page},
		{"source", cg.CommitmentFilter{SourceIDs: []string{"src-1"}}, page},
		{"source/few", cg.CommitmentFilter{SourceIDs: []string{fewSource}}, page},
		{"date", cg.CommitmentFilter{From: cg.Date{Year: 2025, Month: 3}, To: cg.Date{Year: 2025, Month: 3}}, page},
		{"none/date-desc", cg.CommitmentFilter{}, cg.Page{First: 20, Order: cg.OrderDateDesc}},
	} {
		b.Run("Commitments/"+bc.name, func(b *testing.B) {
			// Once untimed, so that Neo4j's planning of a new statement
			// is not in the figure.
			if _, err := s.Commitments(ctx, bc.f, bc.p); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Commitments(ctx, bc.f, bc.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, bc := range []struct {
		name string
		f    cg.CommitmentFilter
	}{
		{"all", cg.CommitmentFilter{}},
		{"kind", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}}},
		{"actor", cg.CommitmentFilter{ActorIDs: []string{actor}}},
	} {
		b.Run("Counts/"+bc.name, func(b *testing.B) {
			if _, err := s.Counts(ctx, bc.f); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Counts(ctx, bc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("CountsByActor/"+bc.name, func(b *testing.B) {
			by := []cg.CountDimension{cg.ByActor}
			if _, err := s.CountsBy(ctx, bc.f, by); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.CountsBy(ctx, bc.f, by); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Matrix50/"+bc.name, func(b *testing.B) {
			if _, err := s.Matrix(ctx, bc.f, cg.MatrixPage{First: cg.DefaultMatrixRows}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Matrix(ctx, bc.f, cg.MatrixPage{First: cg.DefaultMatrixRows}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// topEnds is the actor that makes the most commitments and the target that
// receives the most.
func topEnds(ds *cg.Dataset) (actor, target string) {
	made, received := map[string]int{}, map[string]int{}
	for _, c := range ds.Commitments {
		made[c.ActorID]++
		received[c.TargetID]++
	}
	for id, n := range made {
		if n > made[actor] || (n == made[actor] && id < actor) {
			actor = id
		}
	}
	for id, n := range received {
		if n > received[target] || (n == received[target] && id < target) {
			target = id
		}
	}
	return actor, target
}

// openSkewed100k opens the store at NEO4J_URI (or a harness server) holding
// the bench's skewed 100k graph, loading it only when the database does not
// hold it already, so that two builds can be timed alternately against one
// server, with every index online.
func openSkewed100k(b *testing.B) (*Store, *cg.Dataset) {
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: testsupport.Neo4jURI(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	if err := s.Ready(ctx); err != nil {
		b.Fatal(err)
	}
	ds := storetest.SyntheticSkewed(100_000, 5000, 1)
	if _, rels := stats(b, s); rels < len(ds.Commitments)+len(ds.Relations) {
		if err := s.clear(ctx); err != nil {
			b.Fatal(err)
		}
		load(b, s, ds)
	}
	if _, err := s.read(ctx, "await indexes", `CALL db.awaitIndexes(600)`, nil); err != nil {
		b.Fatal(err)
	}
	return s, ds
}

// fewSource is a source that few commitments cite, beside the synthetic
// graph's five (each in the evidence of a third of them): fewCited
// commitments copied from the graph's first ones, one citing it twice and
// one beside src-1.
const (
	fewSource = "src-few"
	fewCited  = 12
)

// addFewSource loads fewSource and its commitments into s when it does not
// hold them (a load adds and leaves the rest of the graph alone).
func addFewSource(tb testing.TB, s *Store, ds *cg.Dataset) {
	tb.Helper()
	ctx := context.Background()
	if got, err := s.Sources(ctx, []string{fewSource}); err != nil {
		tb.Fatal(err)
	} else if len(got) == 1 {
		return
	}
	entities := map[string]*cg.Entity{}
	for _, e := range ds.Entities {
		entities[e.ID] = e
	}
	add := &cg.Dataset{Sources: []*cg.Source{ds.Sources[1], {ID: fewSource, File: "few.txt"}}}
	seen := map[string]bool{}
	for i, c := range ds.Commitments[:fewCited] {
		cc := *c
		cc.ID = fmt.Sprintf("cfew%03d", i)
		cc.Evidence = []cg.Evidence{{SourceID: fewSource, Quote: "a quote from the few", Line: 1}}
		switch i {
		case 0:
			cc.Evidence = append(cc.Evidence, cg.Evidence{SourceID: fewSource, Quote: "a second quote from the few", Line: 2})
		case 1:
			cc.Evidence = append(cc.Evidence, cg.Evidence{SourceID: "src-1", Quote: "a quote beside the few", Line: 3})
		}
		add.Commitments = append(add.Commitments, &cc)
		for _, id := range []string{c.ActorID, c.TargetID, c.StatedByID} {
			if id != "" && !seen[id] {
				seen[id] = true
				add.Entities = append(add.Entities, entities[id])
			}
		}
	}
	load(tb, s, add)
}
