package neo4j

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// synthetic builds a dataset of n commitments among the given number of
// actors, shaped like the curated one: a handful of sources, mixed date
// precisions, one to three evidence items, some conditions (after the
// embedded store's benchmark dataset).
func synthetic(n, entities int, seed uint64) *cg.Dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	ds := &cg.Dataset{}
	for i := range 5 {
		ds.Sources = append(ds.Sources, &cg.Source{ID: fmt.Sprintf("src-%d", i), File: fmt.Sprintf("%03d.txt", i)})
	}
	kinds := []cg.EntityKind{cg.KindCountry, cg.KindPerson, cg.KindOrganisation, cg.KindGroup}
	for i := range entities {
		ds.Entities = append(ds.Entities, &cg.Entity{
			ID: fmt.Sprintf("e%05d", i), Kind: kinds[i%len(kinds)], Name: fmt.Sprintf("Entity %d", i),
			Aliases: []string{fmt.Sprintf("E%d", i)},
		})
	}
	for i := range n / 20 {
		ds.Relations = append(ds.Relations, &cg.Relation{
			ID: fmt.Sprintf("r%06d", i), Kind: cg.MemberOf, FromID: ds.Entities[r.IntN(entities)].ID,
			ToID:     ds.Entities[2+4*r.IntN(entities/4)].ID, // organisations
			Evidence: []cg.Evidence{{SourceID: "src-0", Quote: "member", Line: 1}},
		})
	}
	date := func() cg.Date {
		switch r.IntN(10) {
		case 0:
			return cg.Date{}
		case 1:
			return cg.Date{Year: 2024 + r.IntN(2)}
		case 2, 3:
			return cg.Date{Year: 2025, Month: 1 + r.IntN(12)}
		}
		return cg.Date{Year: 2025, Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}
	}
	for i := range n {
		kind := cg.CommitmentKinds[r.IntN(len(cg.CommitmentKinds))]
		allowed := kind.AllowedStatuses()
		c := &cg.Commitment{
			ID: fmt.Sprintf("c%07d", i), Kind: kind,
			ActorID:  ds.Entities[r.IntN(entities)].ID,
			TargetID: ds.Entities[r.IntN(entities)].ID,
			Status:   allowed[r.IntN(len(allowed))],
			Date:     date(),
			Summary:  fmt.Sprintf("Commitment number %d, summarised in a sentence of ordinary length.", i),
		}
		if r.IntN(3) == 0 {
			c.StatedByID = ds.Entities[1+4*r.IntN(entities/4)].ID // people
		}
		if r.IntN(4) == 0 {
			c.Conditions = []string{"after a ceasefire"}
		}
		for range 1 + r.IntN(3) {
			c.Evidence = append(c.Evidence, cg.Evidence{
				SourceID: ds.Sources[r.IntN(len(ds.Sources))].ID,
				Quote:    fmt.Sprintf("a quote of some sixty characters from the article, number %d", i),
				Line:     1 + r.IntN(200),
			})
		}
		ds.Commitments = append(ds.Commitments, c)
	}
	return ds
}

// BenchmarkLoad100k loads 100,000 commitments (plus 5,000 relations,
// 1,000 entities and ~200,000 evidence items) into an empty database:
//
//	go test -run '^$' -bench Load100k -benchtime 1x ./neo4j/
func BenchmarkLoad100k(b *testing.B) {
	s := openEmpty(b)
	ds := synthetic(100_000, 1000, 1)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		if err := s.clear(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st, err := s.Load(ctx, ds, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("first load: %v, %d statements", st.Duration.Round(time.Millisecond), st.Statements)
		// Loading again updates everything in place: the cost of a reseed.
		st, err = s.Load(ctx, ds, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("reload: %v", st.Duration.Round(time.Millisecond))
	}
	nodes, rels := stats(b, s)
	wantNodes, wantRels := expectedCounts(ds)
	if nodes != wantNodes || rels != wantRels {
		b.Errorf("graph has %d nodes, %d rels; want %d, %d", nodes, rels, wantNodes, wantRels)
	}
}

// BenchmarkReads times each read method over the 100k graph (loaded once;
// run after BenchmarkLoad100k or alone):
//
//	go test -run '^$' -bench Reads ./neo4j/
func BenchmarkReads(b *testing.B) {
	s := openEmpty(b)
	ctx := context.Background()
	ds := synthetic(100_000, 1000, 1)
	if _, err := s.Load(ctx, ds, nil); err != nil {
		b.Fatal(err)
	}
	after := cg.EncodeCursor(ds.Commitments[500], cg.OrderDateAsc)
	for _, bc := range []struct {
		name string
		call func() error
	}{
		{"Commitments/first20", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 20})
			return err
		}},
		{"Commitments/first20-after-cursor", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 20, After: after})
			return err
		}},
		{"Commitments/actor", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{ActorIDs: []string{"e00042"}}, cg.Page{First: 20})
			return err
		}},
		{"Commitments/source+kind", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{SourceIDs: []string{"src-1"}, Kinds: []cg.EdgeKind{cg.OffersTroops}}, cg.Page{First: 20})
			return err
		}},
		{"Entities/ids", func() error {
			_, err := s.Entities(ctx, cg.EntityFilter{IDs: []string{"e00001", "e00002", "e00003"}})
			return err
		}},
		{"Entities/search", func() error {
			_, err := s.Entities(ctx, cg.EntityFilter{Search: "entity 12", Limit: 10})
			return err
		}},
		{"Matrix/all", func() error { _, err := s.Matrix(ctx, cg.CommitmentFilter{}); return err }},
		{"Counts/all", func() error { _, err := s.Counts(ctx, cg.CommitmentFilter{}); return err }},
		{"Paths/3", func() error { _, err := s.Paths(ctx, "e00001", "e00777", 3); return err }},
		{"Neighbourhood/1", func() error { _, err := s.Neighbourhood(ctx, "e00001", 1); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if err := bc.call(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
