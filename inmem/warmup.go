package inmem

import (
	"context"
	"fmt"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// WarmUp builds what the store otherwise builds on the first read that
// needs it: the text index (text.go; a pass over every text, seconds at a
// million commitments, past a request's deadline on a busy machine), the
// unfiltered matrix's sorted rows (matrix.go) and the busy entities' lists
// in the default order (dated.go; seconds for the top actor's 200,000 on
// a loaded machine). The server runs it in the background at start, as it
// runs the Neo4j store's plan warm-up, so that the first search, matrix
// page and giant's entity page answer like the later ones.
// While the text index is built, writes wait for it, as they would behind
// the first search. It returns how long it took.
func (s *Store) WarmUp(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("inmem: warm-up: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.allRows()
	for side, ix := range map[cg.Side]index[*cg.Commitment]{cg.SideMade: s.byActor, cg.SideReceived: s.byTarget} {
		for id, list := range ix {
			if len(list) >= datedMin {
				s.dated.get(side, cg.OrderDateAsc, id, list)
			}
		}
	}
	s.text.mu.Lock()
	s.text.catchUp(s)
	s.text.mu.Unlock()
	return time.Since(start), nil
}
