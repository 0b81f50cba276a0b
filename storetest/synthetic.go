package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Synthetic builds a dataset of n commitments among the given number of
// entities, shaped like the curated one: a handful of sources, mixed date
// precisions, one to three evidence items, some conditions, and n/20
// membership relations. The same arguments give the same dataset, so that
// every store's benchmarks measure the same data.
func Synthetic(n, entities int, seed uint64) *cg.Dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	uniform := func() int { return r.IntN(entities) }
	return synthetic(r, n, entities, uniform, uniform)
}

// SyntheticSkewed is Synthetic with the skew of real reporting: actors and
// targets are drawn from Zipf distributions (exponent 1.2) over two
// seeded permutations of the entities, so that a few actors make thousands
// of commitments and a few targets receive thousands, while most entities
// have a handful or none. Deterministic by seed, like Synthetic.
func SyntheticSkewed(n, entities int, seed uint64) *cg.Dataset {
	r := rand.New(rand.NewPCG(seed, 2))
	zipf := func() func() int {
		perm := r.Perm(entities)
		z := rand.NewZipf(r, 1.2, 1, uint64(entities-1))
		return func() int { return perm[z.Uint64()] }
	}
	return synthetic(r, n, entities, zipf(), zipf())
}

func synthetic(r *rand.Rand, n, entities int, actor, target func() int) *cg.Dataset {
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
			ActorID:  ds.Entities[actor()].ID,
			TargetID: ds.Entities[target()].ID,
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

// PathEnds returns a draw of the ends of path searches over ds, for tests
// that compare a store's paths with a reference: one end in three is among
// the ten entities with the most edges, where paths multiply and the cap
// on their number decides which are kept; the rest are any entity.
func PathEnds(ds *cg.Dataset, r *rand.Rand) func() string {
	degree := map[string]int{}
	for _, c := range ds.Commitments {
		degree[c.ActorID]++
		degree[c.TargetID]++
	}
	ids := make([]string, 0, len(ds.Entities))
	for _, e := range ds.Entities {
		ids = append(ids, e.ID)
	}
	hubs := slices.Clone(ids)
	slices.SortFunc(hubs, func(a, b string) int { return degree[b] - degree[a] })
	hubs = hubs[:min(10, len(hubs))]
	return func() string {
		if r.IntN(3) == 0 {
			return hubs[r.IntN(len(hubs))]
		}
		return ids[r.IntN(len(ids))]
	}
}
