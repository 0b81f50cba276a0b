package neo4j

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// BenchmarkOverhead100k is the query set's timeline and paths (issue 13)
// over the bench's skewed 100k graph, as BenchmarkCoalition100k times the
// coalition: the GraphQL API over HTTP (loopback, read cache off), the
// store call it makes, and the bench's raw Cypher statement through the
// same driver, each client sending them in turn. With one client it
// reports the API's Go CPU per request (server and client: one process).
// Run against one server alternately with another build:
//
//	NEO4J_URI=bolt://… go test -run '^$' -bench Overhead100k -benchtime 200x ./neo4j/
func BenchmarkOverhead100k(b *testing.B) {
	ctx := context.Background()
	s, ds := openSkewed100k(b)
	actor, made := makingNear(ds, 100)
	target, received := receivingNear(ds, 100)
	b.Logf("timeline of %s (%d made); paths %s → %s (%d received)", actor, made, actor, target, received)
	srv := benchAPIServer(b, s)
	post := func(document string) func() {
		body, err := json.Marshal(map[string]any{"query": document})
		if err != nil {
			b.Fatal(err)
		}
		return func() {
			resp, err := srv.Client().Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				b.Fatal(err)
			}
			var out struct{ Errors []json.RawMessage }
			if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
				b.Fatalf("status %d (%v): %s", resp.StatusCode, err, raw)
			}
		}
	}
	read := func(cypher string, params map[string]any) func() {
		return func() {
			if _, err := s.read(ctx, "bench raw", cypher, params); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, q := range []struct {
		name       string
		api, store func()
		raw        func()
	}{
		{
			name: "timeline",
			api:  post(fmt.Sprintf(`{ timeline(filter: {actors: [%q]}) { undated commitment { id } } }`, actor)),
			store: func() {
				if _, err := s.Commitments(ctx, cg.CommitmentFilter{ActorIDs: []string{actor}}, cg.Page{Order: cg.OrderDateAsc}); err != nil {
					b.Fatal(err)
				}
			},
			// The bench's statement (bench/queries_test.go).
			raw: read(`MATCH (:Entity {id: $actor})-[r:`+commitmentTypes+`]->(:Entity)
WITH r ORDER BY r.dateEnd IS NULL, r.dateEnd, r.dateStart DESC, r.id
RETURN {id: r.id, undated: r.dateEnd IS NULL} AS row`, map[string]any{"actor": actor}),
		},
		{
			name: "paths",
			api:  post(fmt.Sprintf(`{ paths(from: %q, to: %q, maxHops: 3) { nodes { id } edges { id } } }`, actor, target)),
			store: func() {
				if _, err := s.Paths(ctx, actor, target, 3); err != nil {
					b.Fatal(err)
				}
			},
			raw: read(`MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
MATCH p = allShortestPaths((a)-[:`+edgeTypes+`*..3]-(b))
WITH p, [r IN relationships(p) | r.id] AS key
ORDER BY key LIMIT `+fmt.Sprint(cg.MaxPaths)+`
RETURN {entities: [n IN nodes(p) | n.id], edges: key} AS row`, map[string]any{"from": actor, "to": target}),
		},
	} {
		// Once each untimed: Neo4j plans every statement.
		q.api()
		q.store()
		q.raw()
		for _, clients := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/c%d", q.name, clients), func(b *testing.B) {
				sideBySide(b, clients, q.api, q.store, q.raw)
			})
		}
	}
}
