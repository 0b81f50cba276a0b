package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func TestMain(m *testing.M) { os.Exit(testsupport.Main(m)) }

// seed runs the command as main would, with only the given environment.
func seed(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err = run(ctx, append([]string{"seed"}, args...), func(k string) string { return env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// emptyDB clears the shared test database and returns its URI.
func emptyDB(t *testing.T) string {
	t.Helper()
	uri := testsupport.Neo4jURI(t)
	d, err := nd.NewDriverWithContext(uri, nd.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	if _, err := nd.ExecuteQuery(context.Background(), d, `MATCH (n) DETACH DELETE n`, nil, nd.EagerResultTransformer); err != nil {
		t.Fatalf("clear the database: %v", err)
	}
	return uri
}

func graphStats(t *testing.T, uri string) (nodes, rels int) {
	t.Helper()
	s, err := neo4j.Open(context.Background(), neo4j.Config{URI: uri})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	nodes, rels, err = s.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return nodes, rels
}

var graphLine = regexp.MustCompile(`(?m)^graph: \d+ nodes, \d+ relationships$`)

func TestSeedTwiceGivesTheSameGraph(t *testing.T) {
	uri := emptyDB(t)
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	// The URI comes from the environment, as in docker-compose.
	env := map[string]string{"NEO4J_URI": uri}
	out1, _, err := seed(t, env)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	t.Logf("first run:\n%s", out1)
	if want := describe(ds); !strings.Contains(out1, "loaded "+want) {
		t.Errorf("first run output %q does not report %q", out1, want)
	}
	nodes, rels := graphStats(t, uri)
	if nodes == 0 || rels == 0 {
		t.Fatalf("graph has %d nodes, %d rels after seeding", nodes, rels)
	}

	out2, _, err := seed(t, env, "--uri", uri) // the flag works too
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	g1, g2 := graphLine.FindString(out1), graphLine.FindString(out2)
	if g1 == "" || g1 != g2 {
		t.Errorf("graph lines differ or are missing: %q then %q", g1, g2)
	}
	if n, r := graphStats(t, uri); n != nodes || r != rels {
		t.Errorf("after the second run: %d nodes, %d rels; want %d, %d", n, r, nodes, rels)
	}
}

func TestBadExtraFileWritesNothing(t *testing.T) {
	uri := emptyDB(t)
	env := map[string]string{"NEO4J_URI": uri}
	if _, _, err := seed(t, env); err != nil {
		t.Fatalf("seed: %v", err)
	}
	nodes, rels := graphStats(t, uri)

	// A good commitment and a bad one: nothing of either may be written.
	extra := filepath.Join(t.TempDir(), "extra.yaml")
	body := `commitments:
  - id: c-extra-good
    kind: SUPPORTS
    actor: ITA
    target: UKR
    status: STATED
    evidence:
      - source: src-000
        quote: "Italian Prime Minister Giorgia Meloni has endorsed a proposal"
  - id: c-extra-bad
    kind: SUPPORTS
    actor: nobody
    target: UKR
    status: STATED
    evidence:
      - source: src-000
        quote: "Italian Prime Minister Giorgia Meloni has endorsed a proposal"
`
	if err := os.WriteFile(extra, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := seed(t, env, extra)
	if err == nil {
		t.Fatal("seed accepted a file with an unknown actor")
	}
	if want := extra + ":12:"; !strings.Contains(stderr, want) || !strings.Contains(stderr, "nobody") {
		t.Errorf("stderr %q does not name %s with the unknown actor", stderr, want)
	}
	if n, r := graphStats(t, uri); n != nodes || r != rels {
		t.Errorf("graph changed: %d nodes, %d rels; want %d, %d", n, r, nodes, rels)
	}
}

func TestDryRunNeedsNoNeo4j(t *testing.T) {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := seed(t, map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1"}, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if want := "dry run: would load " + describe(ds); !strings.Contains(out, want) {
		t.Errorf("output %q, want %q", out, want)
	}
}

func TestGivesUpWaitingForNeo4j(t *testing.T) {
	start := time.Now()
	_, stderr, err := seed(t, nil, "--uri", "bolt://127.0.0.1:1", "--wait", "2s")
	if err == nil || !strings.Contains(err.Error(), "not ready after 2s") {
		t.Fatalf("err = %v; want a not-ready error", err)
	}
	if !strings.Contains(stderr, "waiting up to 2s for Neo4j") {
		t.Errorf("stderr %q does not say it is waiting", stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("gave up after %v; want about 2s", d)
	}
}

func TestBadFlag(t *testing.T) {
	if _, _, err := seed(t, nil, "--no-such-flag"); err == nil {
		t.Error("an unknown flag was accepted")
	}
}
