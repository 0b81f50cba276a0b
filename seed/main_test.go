package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
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

	// The flag works too; with no interval every batch reports progress.
	out2, errOut2, err := seed(t, env, "--uri", uri, "--progress-every", "0")
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	checkProgress(t, errOut2)
	g1, g2 := graphLine.FindString(out1), graphLine.FindString(out2)
	if g1 == "" || g1 != g2 {
		t.Errorf("graph lines differ or are missing: %q then %q", g1, g2)
	}
	if n, r := graphStats(t, uri); n != nodes || r != rels {
		t.Errorf("after the second run: %d nodes, %d rels; want %d, %d", n, r, nodes, rels)
	}
}

var progressRe = regexp.MustCompile(`(?m)^loaded (\d+)/(\d+) items \(\d+%\)`)

// checkProgress asserts stderr holds progress lines whose done counts never
// fall, share one total, and end at that total.
func checkProgress(t *testing.T, stderr string) {
	t.Helper()
	ms := progressRe.FindAllStringSubmatch(stderr, -1)
	if len(ms) == 0 {
		t.Fatalf("no progress lines on stderr: %q", stderr)
	}
	prev, total := -1, -1
	for _, m := range ms {
		var done, tot int
		fmt.Sscan(m[1], &done)
		fmt.Sscan(m[2], &tot)
		if total >= 0 && tot != total {
			t.Errorf("total changed from %d to %d in %q", total, tot, m[0])
		}
		if done < prev || done > tot {
			t.Errorf("progress %q after %d out of order", m[0], prev)
		}
		prev, total = done, tot
	}
	if prev != total || total <= 0 {
		t.Errorf("last progress line %q does not reach a positive total", ms[len(ms)-1][0])
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

func TestCheckNeedsNoNeo4j(t *testing.T) {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := seed(t, map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1"}, "--check")
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if want := "check: the files hold " + describe(ds); !strings.Contains(out, want) {
		t.Errorf("output %q, want %q", out, want)
	}
}

// graphSnapshot renders every node and relationship with its properties,
// in a canonical order, to show that a dry run wrote nothing.
func graphSnapshot(t *testing.T, uri string) string {
	t.Helper()
	d, err := nd.NewDriverWithContext(uri, nd.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	res, err := nd.ExecuteQuery(context.Background(), d, `MATCH (n)
OPTIONAL MATCH (n)-[r]->(m)
WITH n, r, m ORDER BY elementId(n), elementId(r)
RETURN labels(n), properties(n), type(r), properties(r), elementId(m)`, nil, nd.EagerResultTransformer)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	var b strings.Builder
	for _, rec := range res.Records {
		fmt.Fprintln(&b, rec.Values...)
	}
	return b.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// supports is an extra file's commitment of Italy's support for Ukraine.
func supports(id, status string) string {
	return `  - id: ` + id + `
    kind: SUPPORTS
    actor: ITA
    target: UKR
    status: ` + status + `
    evidence:
      - source: src-000
        quote: "Italian Prime Minister Giorgia Meloni has endorsed a proposal"
`
}

// TestDryRunListsTheDiff imports a file, then dry-runs its next edition,
// which changes the status of the imported commitment and adds another:
// the dry run lists exactly those, per section, and writes nothing; the
// real import then records the change as a new version.
func TestDryRunListsTheDiff(t *testing.T) {
	uri := emptyDB(t)
	env := map[string]string{"NEO4J_URI": uri}
	if _, _, err := seed(t, env); err != nil {
		t.Fatalf("seed: %v", err)
	}
	first := writeFile(t, "import-1.yaml", "commitments:\n"+supports("c-extra-a", "STATED"))
	if _, _, err := seed(t, env, first); err != nil {
		t.Fatalf("first import: %v", err)
	}
	second := writeFile(t, "import-2.yaml", "commitments:\n"+supports("c-extra-a", "WITHDRAWN")+supports("c-extra-b", "STATED"))
	ds, err := dataset.LoadWith([]string{second})
	if err != nil {
		t.Fatal(err)
	}

	before := graphSnapshot(t, uri)
	out, _, err := seed(t, env, "--dry-run", second)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	t.Logf("dry run:\n%s", out)
	if after := graphSnapshot(t, uri); after != before {
		t.Errorf("the dry run changed the graph")
	}
	want := []string{
		fmt.Sprintf("sources: 0 to add, 0 to change, %d unchanged", len(ds.Sources)),
		fmt.Sprintf("entities: 0 to add, 0 to change, %d unchanged", len(ds.Entities)),
		fmt.Sprintf("relations: 0 to add, 0 to change, %d unchanged", len(ds.Relations)),
		fmt.Sprintf("commitments: 1 to add, 1 to change (each as a new version), %d unchanged", len(ds.Commitments)-2),
		"  + c-extra-b",
		"  ~ c-extra-a: status STATED → WITHDRAWN",
		fmt.Sprintf("claims: 0 to add, 0 to change, %d unchanged", len(ds.Claims)),
		"the graph holds nothing the files do not mention",
	}
	var items []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "  ") {
			items = append(items, l)
		}
	}
	for _, w := range want {
		if !strings.Contains(out, w+"\n") {
			t.Errorf("dry run output lacks the line %q", w)
		}
	}
	if len(items) != 2 {
		t.Errorf("dry run lists %d items, want exactly 2: %q", len(items), items)
	}

	// Without the file, the graph holds what the files do not mention.
	out, _, err = seed(t, env, "--dry-run")
	if err != nil {
		t.Fatalf("dry run without the file: %v", err)
	}
	if w := "in the graph but not in the files (a seed deletes nothing, so they stay):\n  commitments: c-extra-a\n"; !strings.Contains(out, w) {
		t.Errorf("dry run without the file:\n%s\nwant it to say %q", out, w)
	}

	// The real import records the change as version 2.
	out, _, err = seed(t, env, second)
	if err != nil {
		t.Fatalf("second import: %v", err)
	}
	if w := "1 commitment(s) changed in the files, each recorded as a new version"; !strings.Contains(out, w) {
		t.Errorf("import output:\n%s\nwant %q", out, w)
	}
	s, err := neo4j.Open(context.Background(), neo4j.Config{URI: uri})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h, err := s.CommitmentHistory(context.Background(), "c-extra-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Status != cg.StatusStated || h[1].Status != cg.StatusWithdrawn || h[1].RecordedBy != neo4j.ImportRecordedBy {
		t.Errorf("history of c-extra-a: %+v; want STATED then WITHDRAWN, recorded by the import", h)
	}
	// And a dry run now finds nothing to do.
	out, _, err = seed(t, env, "--dry-run", second)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "  + ") || strings.Contains(out, "  ~ ") {
		t.Errorf("dry run after the import still lists work:\n%s", out)
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

// TestImportFilesNeedNoNeo4j: --import-files writes the files of the
// curated dataset and prints the neo4j-admin command naming them, without
// contacting Neo4j.
func TestImportFilesNeedNoNeo4j(t *testing.T) {
	dir := t.TempDir()
	out, _, err := seed(t, map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1"}, "--import-files", dir)
	if err != nil {
		t.Fatalf("import files: %v", err)
	}
	for _, want := range []string{"neo4j-admin", "database", "import", "full", "--nodes=Entity:Country=" + dir, "--relationships=CITES="} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "source.csv"))
	if err != nil || !bytes.Contains(b, []byte(`"src-000"`)) {
		t.Errorf("source.csv: %v, %.200q", err, b)
	}
}
