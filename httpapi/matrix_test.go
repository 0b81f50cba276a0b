package httpapi_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// A matrix costs its page size times its selection: the complexity limit
// sees a page of 100 rows as 100 times one row, and a matrix without
// first as a page of cg.DefaultMatrixRows.
func TestMatrixCostsItsPageSize(t *testing.T) {
	cfg := httpapi.Defaults()
	cfg.MaxComplexity = 1 // every matrix exceeds it, its cost in the message
	h := httpapi.NewHandler(seedStore(t), cfg)
	cost := func(args string) int {
		t.Helper()
		resp := post(t, h, fmt.Sprintf(`{ matrix%s { rows { total cells { kind status } } } }`, args), nil)
		if len(resp.Errors) == 0 || resp.Errors[0].Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("matrix%s: %+v, want COMPLEXITY_LIMIT_EXCEEDED", args, resp.Errors)
		}
		m := regexp.MustCompile(`complexity (\d+)`).FindStringSubmatch(resp.Errors[0].Message)
		if m == nil {
			t.Fatalf("no cost in %q", resp.Errors[0].Message)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	one := cost("(first: 1)") - 1
	for _, tc := range []struct {
		args string
		rows int
	}{
		{"(first: 10)", 10},
		{"(first: 100)", 100},
		{"", cg.DefaultMatrixRows},
		// Beyond the most a page holds, the resolver refuses it; it costs
		// a full page.
		{"(first: 1000)", cg.MaxMatrixRows},
	} {
		if got := cost(tc.args) - 1; got != tc.rows*one {
			t.Errorf("matrix%s costs %d beyond its root, want %d rows × %d", tc.args, got, tc.rows, one)
		}
	}
}
