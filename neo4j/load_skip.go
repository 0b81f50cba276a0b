package neo4j

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"golang.org/x/sync/errgroup"
)

// What a batched Load needs to leave unchanged items out of its
// statements: every item's import hash, per section and per label or
// relationship type (an edge that moved to another type keeps its id and
// may keep its hash), and every commitment's latest version, with whether
// it is a retraction. Reads instead of a write transaction per batch that
// matches each row only to find its hash equal: a reload of 100k
// unchanged commitments spent its 30 s in those 34 transactions.
//
// They are streamed, one statement per section or type, a few at a time
// in sessions of their own, and the latest versions are found in Go: the
// single statement that collected ~1.1M pairs in the server (and the
// latest of each commitment's versions by an aggregation and 1M key
// look-ups) did not scale to 1M.
type stateRead struct {
	section, edgeType string
	cypher            string
}

// loadStateReads are the reads, largest first so that the last one to
// finish is small. Labels and types come from the vocabulary only.
func loadStateReads() []stateRead {
	reads := []stateRead{{section: "versions",
		cypher: `MATCH (x:CommitmentVersion) RETURN x.commitmentId, x.version, coalesce(x.retracted, false)`}}
	for _, k := range cg.CommitmentKinds {
		reads = append(reads, stateRead{"commitments", string(k),
			fmt.Sprintf(`MATCH (:Entity)-[r:%s]->(:Entity) RETURN r.id, r.hash`, k)})
	}
	for _, k := range cg.RelationKinds {
		reads = append(reads, stateRead{"relations", string(k),
			fmt.Sprintf(`MATCH (:Entity)-[r:%s]->(:Entity) RETURN r.id, r.hash`, k)})
	}
	return append(reads,
		stateRead{section: "entities", cypher: `MATCH (n:Entity) RETURN n.id, n.hash`},
		stateRead{section: "claims", cypher: `MATCH (n:Claim) RETURN n.id, n.hash`},
		stateRead{section: "sources", cypher: `MATCH (n:Source) RETURN n.id, n.hash`})
}

// loadStateReaders is the number of reads under way at once: enough to
// keep the server's cores and the driver's decoding busy together.
const loadStateReaders = 3

// loadStateFetch is the number of records the server sends per pull (the
// driver's default is 1,000: a thousand round trips for 1M).
const loadStateFetch = 20_000

// storedItems is the graph's side of the reads: the hash of each item by
// section, type ("" for nodes) and id, and each commitment's latest
// version.
type storedItems struct {
	keys     map[string]map[string]map[string]string
	versions map[string]latestVersion
}

type latestVersion struct {
	version   int64
	retracted bool
}

func (s *Store) readLoadState(ctx context.Context) (*storedItems, error) {
	reads := loadStateReads()
	keys := make([]map[string]string, len(reads))
	var versions map[string]latestVersion
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(loadStateReaders)
	for i, rd := range reads {
		g.Go(func() error {
			// A retried transaction starts its maps again.
			if rd.section == "versions" {
				return s.streamRead(gctx, rd.cypher, func() { versions = map[string]latestVersion{} }, func(v []any) {
					id, _ := v[0].(string)
					ver, ok := v[1].(int64)
					if !ok {
						return
					}
					r, _ := v[2].(bool)
					if cur, seen := versions[id]; !seen || ver > cur.version {
						versions[id] = latestVersion{ver, r}
					}
				})
			}
			return s.streamRead(gctx, rd.cypher, func() { keys[i] = map[string]string{} }, func(v []any) {
				id, _ := v[0].(string)
				h, ok := v[1].(string)
				if !ok {
					return // no import hash: written through the API, or before hashes
				}
				keys[i][id] = h
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, classify("load: read the stored hashes", err)
	}
	st := &storedItems{keys: map[string]map[string]map[string]string{}, versions: versions}
	for i, rd := range reads {
		if rd.section == "versions" {
			continue
		}
		if st.keys[rd.section] == nil {
			st.keys[rd.section] = map[string]map[string]string{}
		}
		st.keys[rd.section][rd.edgeType] = keys[i]
	}
	return st, nil
}

// streamRead runs a read in a session of its own and hands each record's
// values to each as they arrive, without holding the answer whole;
// reset is called before each try of the transaction.
func (s *Store) streamRead(ctx context.Context, cypher string, reset func(), each func([]any)) error {
	sess := s.driver.NewSession(ctx, nd.SessionConfig{
		AccessMode:      nd.AccessModeRead,
		DatabaseName:    s.db,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
		FetchSize:       loadStateFetch,
	})
	defer sess.Close(context.Background())
	_, err := sess.ExecuteRead(ctx, func(tx nd.ManagedTransaction) (any, error) {
		reset()
		res, err := tx.Run(ctx, cypher, nil)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			each(res.Record().Values)
		}
		return nil, res.Err()
	}, txTimeout(ctx)...)
	return err
}

// unchanged reports whether the statement of section would leave the
// item (id, with content hash h) as it is in the graph: same hash under
// the same type, and for a commitment, a latest version that is not a
// retraction (a retracted one is sent, so that the statement counts it
// kept). A nil st holds nothing.
func (st *storedItems) unchanged(section, edgeType, id, h string) bool {
	if st == nil {
		return false
	}
	if k, ok := st.keys[section][edgeType][id]; !ok || k != h {
		return false
	}
	if section == "commitments" {
		v, ok := st.versions[id]
		return ok && !v.retracted
	}
	return true
}
