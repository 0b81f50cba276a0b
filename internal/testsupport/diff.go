package testsupport

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// FirstDiff names the first line where two multi-line snapshots differ,
// so a failing comparison of whole graphs shows one line, not megabytes.
func FirstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d of %d/%d:\ngot:  %.600s\nwant: %.600s", i+1, len(g), len(w), gl, wl)
		}
	}
	return "equal"
}

// GraphContent prints the graph at uri by content, not element ids, so
// that two graphs of one dataset print equally however they were made
// (loaded in batches, resumed, imported). Evidence nodes have no id: they
// are named by fact and position. Left out as bookkeeping, not content:
// the feed's counter node (its graph version advances with every
// committed batch), the matrix stripes and the stripe each actor drew at
// random (neo4j/matrixrows.go), and the listing counts (left at zero
// where a write took away what a build would not count,
// neo4j/listingcounts.go).
func GraphContent(t testing.TB, uri string) string {
	t.Helper()
	d, err := nd.NewDriverWithContext(uri, nd.NoAuth())
	if err != nil {
		t.Fatalf("graph content: driver: %v", err)
	}
	defer d.Close(context.Background())
	const name = `coalesce(%[1]s.id, %[1]s.key, %[1]s.factId + ':' + toString(%[1]s.ord), '')`
	var lines []string
	for _, q := range []string{
		`MATCH (n) WHERE NOT n:ChangeFeed AND NOT n:MatrixStripe AND NOT n:ListingDateCount AND NOT n:ListingSourceCount
  RETURN labels(n) AS l, properties(n) AS p`,
		fmt.Sprintf(`MATCH (a)-[r]->(b) RETURN type(r) AS ty, `+name+` AS a, `+name+` AS b, properties(r) AS pr`, "a", "b"),
	} {
		res, err := nd.ExecuteQuery(context.Background(), d, q, nil, nd.EagerResultTransformer)
		if err != nil {
			t.Fatalf("graph content: %s: %v", q, err)
		}
		for _, rec := range res.Records {
			vals := rec.Values
			if l, ok := vals[0].([]any); ok {
				sort.Slice(l, func(i, j int) bool { return fmt.Sprint(l[i]) < fmt.Sprint(l[j]) })
			}
			if p, ok := vals[1].(map[string]any); ok {
				delete(p, "matrixStripe")
			}
			lines = append(lines, fmt.Sprintln(vals...))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}
