// Package e2e runs the API over a real Neo4j: the API-level contract the
// embedded store passes, the behaviour while Neo4j is down and comes back,
// and benchmarks that compare the stores and the raw driver.
//
// Neo4j comes from internal/testsupport: started here from its jars, or the
// server NEO4J_URI names (whose database the tests empty and reload).
package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
)

// binDir holds what the tests build (the server binary) for the whole run.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "coalitiongraph-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binDir = dir
	code := testsupport.Main(m)
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// curated is the curated dataset, the one apitest's expectations are about.
func curated(t testing.TB) *cg.Dataset {
	t.Helper()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatalf("load the curated dataset: %v", err)
	}
	return ds
}

// loadedStore opens the store on uri, waits until it is ready, empties the
// database and loads the curated dataset, so that nothing another test
// wrote changes the answers. The budget is generous: a freshly started JVM
// on a busy 2-core machine took minutes to plan the load's statements.
func loadedStore(t testing.TB, uri string) *neo4j.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := neo4j.Open(ctx, neo4j.Config{URI: uri})
	if err != nil {
		t.Fatalf("open Neo4j store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	testsupport.WaitReady(t, ctx, s, 10*time.Second, 200*time.Millisecond)
	clearDatabase(t, ctx, uri)
	if _, err := s.Load(ctx, curated(t), nil); err != nil {
		t.Fatalf("load the curated dataset: %v", err)
	}
	return s
}

// clearDatabase deletes every node and relationship. The store keeps its
// own clear unexported; the curated graph is small enough for one
// transaction.
func clearDatabase(t testing.TB, ctx context.Context, uri string) {
	t.Helper()
	d := rawDriver(t, uri)
	if _, err := nd.ExecuteQuery(ctx, d, `MATCH (n) DETACH DELETE n`, nil, nd.EagerResultTransformer); err != nil {
		t.Fatalf("clear the database: %v", err)
	}
}

// rawDriver is a driver of the test's own, for what the store does not
// offer: clearing, and the hand-written queries the benchmarks compare with.
func rawDriver(t testing.TB, uri string) nd.DriverWithContext {
	t.Helper()
	d, err := nd.NewDriverWithContext(uri, nd.NoAuth())
	if err != nil {
		t.Fatalf("driver for %s: %v", uri, err)
	}
	t.Cleanup(func() { _ = d.Close(context.Background()) })
	return d
}

func handler(s cg.Store, cfg httpapi.Config) http.Handler { return httpapi.NewHandler(s, cfg) }

// TestAPIContractOnNeo4j holds Neo4j, through the whole HTTP handler, to
// the same answers as the embedded store (httpapi's TestAPIContract).
func TestAPIContractOnNeo4j(t *testing.T) {
	s := loadedStore(t, testsupport.Neo4jURI(t))
	apitest.Run(t, handler(s, apitest.Config()))
}

// TestWriteContractOnNeo4j holds Neo4j's writes, through the whole HTTP
// handler, to the same answers as the embedded store's (httpapi's
// TestWriteContract). Each check reloads the curated dataset, so that none
// sees another's writes.
func TestWriteContractOnNeo4j(t *testing.T) {
	uri := testsupport.Neo4jURI(t)
	apitest.RunWrites(t, func(t *testing.T) cg.WritableStore { return loadedStore(t, uri) })
}
