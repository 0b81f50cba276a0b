package httpapi_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// plainSelection selects every field a commitment list the graph writes
// itself can hold (graph/plainlist.go), under aliases, in fragments, with
// a skipped field and a field asked for twice.
const plainSelection = `__typename id kind status conditions summary dateReasoning evidenceCount version retracted recordedBy reason
  who: actor { __typename id kind name aliases description }
  target { name ... on Node { id } }
  statedBy { name }
  ... on Commitment { evidence { __typename quote attributedTo line source { __typename id file } } }
  skipped: summary @include(if: false)
  id`

// gqlgenOnly is a field a written list cannot hold (a store call per
// item), last in the selection, so that gqlgen marshals the list; its
// answer is cut out before comparing.
const gqlgenOnly = ` zz: history { id }`

var gqlgenOnlyAnswer = regexp.MustCompile(`,"zz":\[[^\]]*\]`)

// TestPlainListsAnswerAsGqlgen checks that commitment lists the graph
// writes itself (a coalition's groups, a listing's page, an entity's
// connection, a source's list) answer byte for byte what gqlgen's
// marshallers answer for the same selection, nulls, aliases, order and
// all, on the curated dataset (speakers, lines, attributions, conditions).
func TestPlainListsAnswerAsGqlgen(t *testing.T) {
	h := newHandler(seedStore(t))
	for _, doc := range []string{
		`{ coalition(id: "prop-ita-24h", alsoTargets: ["UKR"]) { byKind { kind commitments { %s } } offers { %s } } }`,
		`{ commitments(first: 100) { nodes { %s } } }`,
		`{ entity(id: "POL") { commitmentsMadeConnection(first: 10) { nodes { %s } } } }`,
		`{ source(id: "src-001") { commitments { %s } } }`,
	} {
		written := do(t, h, "POST", gqlBody(t, strings.ReplaceAll(doc, "%s", plainSelection)))
		gqlgen := do(t, h, "POST", gqlBody(t, strings.ReplaceAll(doc, "%s", plainSelection+gqlgenOnly)))
		if len(written.Errors) > 0 || len(gqlgen.Errors) > 0 {
			t.Fatalf("%s: errors %s / %s", doc, written.body, gqlgen.body)
		}
		if n := regexp.MustCompile(`"who":`).FindAll(written.body, -1); len(n) < 4 {
			t.Fatalf("%s: %d commitments; the comparison would prove little: %s", doc, len(n), written.body)
		}
		if got, want := string(written.body), gqlgenOnlyAnswer.ReplaceAllString(string(gqlgen.body), ""); got != want {
			t.Errorf("%s:\nwritten %s\ngqlgen  %s", doc, got, want)
		}
	}
}

// TestPlainListsCountTowardsTheResultLimit checks that a written list
// charges the result limit the fields gqlgen would have resolved: the
// limit that admits the gqlgen answer admits the written one, and one
// field fewer refuses both.
func TestPlainListsCountTowardsTheResultLimit(t *testing.T) {
	doc := `{ commitments(first: 100) { nodes { %s } } }`
	plain, mixed := fmt.Sprintf(doc, plainSelection), fmt.Sprintf(doc, plainSelection+gqlgenOnly)
	// The fields of the mixed answer less those of zz (one field and one
	// id per item) are the plain answer's: find the smallest limit each
	// fits in.
	fits := func(query string, limit int) bool {
		cfg := httpapi.Defaults()
		cfg.Registry = prometheus.NewRegistry()
		cfg.Limits.MaxResolvedFields = limit
		r := do(t, httpapi.NewHandler(seedStore(t), cfg), "POST", gqlBody(t, query))
		if r.code() == "RESULT_LIMIT_EXCEEDED" {
			return false
		}
		if len(r.Errors) > 0 {
			t.Fatalf("limit %d: %s", limit, r.body)
		}
		return true
	}
	smallest := func(query string) int {
		lo, hi := 1, 100000
		for lo < hi {
			mid := (lo + hi) / 2
			if fits(query, mid) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return lo
	}
	r := do(t, newHandler(seedStore(t)), "POST", gqlBody(t, mixed))
	items := len(regexp.MustCompile(`"zz":`).FindAll(r.body, -1))
	histories := len(regexp.MustCompile(`"zz":\[(\{"id":"[^"]*"\},?)+\]`).FindAll(r.body, -1))
	versions := len(regexp.MustCompile(`\{"id":"[^"]*"\}`).FindAll(gqlgenOnlyAnswerOnly(r.body), -1))
	if items < 10 || histories != items {
		t.Fatalf("%d items, %d with a history", items, histories)
	}
	got, want := smallest(plain), smallest(mixed)-items-versions
	if got != want {
		t.Errorf("the written answer needs a limit of %d fields, gqlgen's of the same fields %d", got, want)
	}
}

// gqlgenOnlyAnswerOnly is the zz answers of body, joined.
func gqlgenOnlyAnswerOnly(body []byte) []byte {
	var out []byte
	for _, m := range gqlgenOnlyAnswer.FindAll(body, -1) {
		out = append(out, m...)
	}
	return out
}

// TestMatrixRowsInOrderAnswerAsConcurrently checks the matrix page's rows
// and cells marshalled in order (graph/inorder.go's matrixRowsMarshaller
// and matrixCellsMarshaller, for plain selections) against the same page
// marshalled concurrently (a stance layer and the cells' commitments
// selected as well, cut out before comparing), and that the page's actors
// are still fetched in one store call.
func TestMatrixRowsInOrderAnswerAsConcurrently(t *testing.T) {
	store := newCountingStore(seedStore(t))
	h := newHandler(store)
	const rows = `cursor total who: actor { __typename id name } ... on MatrixRow { total } cells { kind status commitmentCount evidenceCount %s }`
	inOrder := fmt.Sprintf(`{ matrix(first: 50) { rows { %s } } }`, fmt.Sprintf(rows, ""))
	concurrent := fmt.Sprintf(`{ matrix(first: 50) { rows { %s zz: stances { state } } } }`, fmt.Sprintf(rows, `zc: commitments { id }`))
	a := do(t, h, "POST", gqlBody(t, inOrder))
	if n := store.calls["Entities"]; n != 1 {
		t.Errorf("the page's actors took %d Entities calls, want 1", n)
	}
	b := do(t, h, "POST", gqlBody(t, concurrent))
	if len(a.Errors) > 0 || len(b.Errors) > 0 {
		t.Fatalf("errors %s / %s", a.body, b.body)
	}
	if n := regexp.MustCompile(`"who":`).FindAll(a.body, -1); len(n) < 5 {
		t.Fatalf("%d rows; the comparison would prove little: %s", len(n), a.body)
	}
	cut := regexp.MustCompile(`,"(zz|zc)":\[[^\]]*\]`)
	if got, want := string(a.body), cut.ReplaceAllString(string(b.body), ""); got != want {
		t.Errorf("in order:\n%s\nconcurrently:\n%s", got, want)
	}
}
