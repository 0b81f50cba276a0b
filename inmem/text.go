package inmem

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The text index: an inverted index scored with BM25 (Lucene's defaults,
// k1 1.2 and b 0.75, which Neo4j's full-text indexes use), over the same
// documents Neo4j indexes: a fact's or entity's own fields, and each of its
// evidence quotes; a fact scores as its best document. A library was
// weighed (bleve brings a whole search engine and its storage; the small
// BM25 packages are unmaintained); the scorer is a page of code.
//
// It is built on the first search or by WarmUp (which the server runs in
// the background at start), not in New, since a store used by a program
// that never searches need not pay a pass over every text
// (docs/benchmarks.md has the figures); after that, writes mark what they
// change and the next search re-indexes those facts alone.

const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

type textIndex struct {
	mu    sync.Mutex
	built bool
	// stale are the facts written since the index last caught up.
	stale map[string]bool

	docs     []textDoc // by document number
	facts    []string  // by fact number
	factNo   map[string]int32
	byFact   map[int32][]int32
	postings map[string][]posting
	live     int
	totalLen int
	// acc and best are score's accumulators, kept between searches (which
	// hold mu) and zeroed where they were used: allocated per search they
	// were 32 MB at a million commitments, and the collections they caused
	// were the search's p99.
	acc, best []float64
}

type textDoc struct {
	fact   int32 // -1 once replaced
	length int32
}

type posting struct {
	doc, tf int32
}

// touch marks a fact or entity as changed. The caller holds s.mu for
// writing, so no search is running.
func (ix *textIndex) touch(id string) {
	if !ix.built {
		return
	}
	if ix.stale == nil {
		ix.stale = map[string]bool{}
	}
	ix.stale[id] = true
}

// catchUp builds the index, or re-indexes the facts written since. The
// caller holds s.mu for reading and ix.mu.
func (ix *textIndex) catchUp(s *Store) {
	if !ix.built || ix.live < len(ix.docs)/2 {
		ix.build(s)
		return
	}
	for id := range ix.stale {
		ix.remove(id)
		ix.addFact(s, id)
	}
	ix.stale = nil
}

func (ix *textIndex) build(s *Store) {
	// Field by field: ix.mu is held.
	ix.built, ix.stale, ix.docs, ix.live, ix.totalLen = true, nil, nil, 0, 0
	ix.facts, ix.factNo, ix.byFact, ix.postings = nil, map[string]int32{}, map[int32][]int32{}, map[string][]posting{}
	for _, e := range s.entityList {
		ix.addEntity(e.Entity)
	}
	for _, r := range s.relationList {
		ix.addRelation(r)
	}
	for _, c := range s.claimList {
		ix.addClaim(c)
	}
	for _, c := range s.ordered[cg.OrderID] {
		ix.addCommitment(c)
	}
}

// addFact indexes what the store now holds under id, if anything (a
// retracted commitment is gone).
func (ix *textIndex) addFact(s *Store, id string) {
	if e, ok := s.entities[id]; ok {
		ix.addEntity(e.Entity)
	} else if c := s.current(id); c != nil {
		ix.addCommitment(c)
	}
}

func (ix *textIndex) addEntity(e *cg.Entity) {
	own := append([]string{e.Name, e.Description}, e.Aliases...)
	ix.add(e.ID, own, e.Evidence)
}

func (ix *textIndex) addCommitment(c *cg.Commitment) {
	ix.add(c.ID, append([]string{c.Summary}, c.Conditions...), c.Evidence)
}

func (ix *textIndex) addRelation(r *cg.Relation) { ix.add(r.ID, []string{r.Role}, r.Evidence) }

func (ix *textIndex) addClaim(c *cg.Claim) { ix.add(c.ID, []string{c.Topic, c.Text}, c.Evidence) }

// add indexes a fact's own fields as one document and each quote as one.
func (ix *textIndex) add(id string, own []string, ev []cg.Evidence) {
	var terms []string
	for _, f := range own {
		terms = append(terms, cg.SearchTerms(f)...)
	}
	ix.addDoc(id, terms)
	for _, e := range ev {
		ix.addDoc(id, cg.SearchTerms(e.Quote))
	}
}

func (ix *textIndex) addDoc(id string, terms []string) {
	if len(terms) == 0 {
		return
	}
	f, ok := ix.factNo[id]
	if !ok {
		f = int32(len(ix.facts))
		ix.facts = append(ix.facts, id)
		ix.factNo[id] = f
	}
	n := int32(len(ix.docs))
	ix.docs = append(ix.docs, textDoc{fact: f, length: int32(len(terms))})
	ix.byFact[f] = append(ix.byFact[f], n)
	ix.live++
	ix.totalLen += len(terms)
	slices.Sort(terms)
	for i := 0; i < len(terms); {
		j := i + 1
		for j < len(terms) && terms[j] == terms[i] {
			j++
		}
		ix.postings[terms[i]] = append(ix.postings[terms[i]], posting{doc: n, tf: int32(j - i)})
		i = j
	}
}

// remove retires a fact's documents; their postings stay until the next
// build and are skipped.
func (ix *textIndex) remove(id string) {
	f, ok := ix.factNo[id]
	if !ok {
		return
	}
	for _, d := range ix.byFact[f] {
		ix.live--
		ix.totalLen -= int(ix.docs[d].length)
		ix.docs[d].fact = -1
	}
	delete(ix.byFact, f)
}

// score gives each matching fact the BM25 score of its best document,
// indexed by fact number (0 for no match), and the facts that matched.
func (ix *textIndex) score(terms []string) (best []float64, matched []int32) {
	if ix.live == 0 {
		return nil, nil
	}
	avg := float64(ix.totalLen) / float64(ix.live)
	// Dense accumulators: a common word touches most documents, and a
	// slice beats a map there by far.
	if len(ix.acc) < len(ix.docs) {
		ix.acc = make([]float64, len(ix.docs)+len(ix.docs)/8)
	}
	acc := ix.acc[:len(ix.docs)]
	var touched []int32
	for _, t := range terms {
		ps := ix.postings[t]
		df := 0
		for _, p := range ps {
			if ix.docs[p.doc].fact >= 0 {
				df++
			}
		}
		if df == 0 {
			continue
		}
		idf := math.Log(1 + (float64(ix.live)-float64(df)+0.5)/(float64(df)+0.5))
		for _, p := range ps {
			d := ix.docs[p.doc]
			if d.fact < 0 {
				continue
			}
			if acc[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			tf := float64(p.tf)
			acc[p.doc] += idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*float64(d.length)/avg))
		}
	}
	if len(ix.best) < len(ix.facts) {
		ix.best = make([]float64, len(ix.facts)+len(ix.facts)/8)
	}
	best = ix.best[:len(ix.facts)]
	for _, d := range touched {
		f := ix.docs[d].fact
		if best[f] == 0 {
			matched = append(matched, f)
		}
		best[f] = max(best[f], acc[d])
	}
	for _, d := range touched {
		acc[d] = 0
	}
	return best, matched
}

// SearchText ranks entities and facts by their text; see cg.Store.
func (s *Store) SearchText(ctx context.Context, q cg.TextQuery) (*cg.TextPage, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: search text: %w", err)
	}
	terms, after, err := cg.ParseTextQuery(q)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.text.mu.Lock()
	s.text.catchUp(s)
	best, matched := s.text.score(terms)
	facts := s.text.facts
	// best is the index's own until it is zeroed, under its lock.
	release := func() {
		for _, f := range matched {
			best[f] = 0
		}
		s.text.mu.Unlock()
	}

	// Only the page is sorted: the hits after the cursor go through a
	// bounded selection, so a word in every commitment costs a pass, not a
	// sort of them all.
	type ranked struct {
		id    string
		score float64
	}
	less := func(a, b ranked) int { return cg.CompareHits(a.score, a.id, b.score, b.id) }
	page := &cg.TextPage{TotalCount: len(matched), Hits: []cg.TextHit{}}
	limit := len(matched)
	if q.First > 0 {
		limit = q.First + 1
	}
	var all []ranked
	for _, f := range matched {
		r := ranked{facts[f], best[f]}
		if after != nil && cg.CompareHits(r.score, r.id, after.Score, after.ID) <= 0 {
			continue
		}
		all = append(all, r)
		if len(all) >= 2*limit+64 {
			// Keep the best limit: selection in amortised linear time.
			slices.SortFunc(all, less)
			all = all[:limit]
		}
	}
	release()
	slices.SortFunc(all, less)
	if len(all) > limit {
		all = all[:limit]
	}
	if q.First > 0 && len(all) > q.First {
		all, page.HasNextPage = all[:q.First], true
	}
	for _, r := range all {
		h := cg.TextHit{ID: r.id, Score: r.score}
		if e, ok := s.entities[r.id]; ok {
			h.Entity = e.Entity
		} else if c := s.current(r.id); c != nil {
			h.Commitment = c
		} else if rel, ok := s.relations[r.id]; ok {
			h.Relation = rel
		} else if c, ok := s.claims[r.id]; ok {
			h.Claim = c
		}
		page.Hits = append(page.Hits, h)
	}
	return page, nil
}
