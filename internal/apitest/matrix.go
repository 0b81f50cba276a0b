package apitest

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

const matrixPageQuery = `query($filter: CommitmentFilter, $first: Int, $after: String) {
  matrix(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    rows { cursor actor { id } total cells { kind status commitmentCount evidenceCount } stances { kind state } }
  }
}`

type matrixPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Rows []matrixPageRow
}

type matrixPageRow struct {
	Cursor string
	Actor  struct{ ID string }
	Total  int
	Cells  []struct {
		Kind, Status                   string
		CommitmentCount, EvidenceCount int
	}
	Stances []struct{ Kind, State *string }
}

func postMatrix(t *testing.T, h http.Handler, filter map[string]any, first int, after *string) matrixPage {
	t.Helper()
	vars := map[string]any{"filter": filter, "first": first}
	if after != nil {
		vars["after"] = *after
	}
	var data struct{ Matrix matrixPage }
	MustData(t, Post(t, h, matrixPageQuery, vars), &data)
	return data.Matrix
}

// The matrix comes in pages of rows: by total, the highest first, ties by
// actor id, the actors with stances only (total 0) last. Walking it at 1,
// 2 and 5 rows a page, each from the previous page's endCursor, gives the
// rows of one page of 100, in order, under every filter (as of an instant
// too), each page with the same totalCount.
func matrixPagesWalkEveryRowOnce(t *testing.T, h http.Handler) {
	for _, tc := range []struct {
		name   string
		filter map[string]any
		// stanceOnly: the filter leaves actors with stances only.
		stanceOnly bool
	}{
		{"all", nil, true},
		{"kinds", map[string]any{"kinds": []string{"OFFERS_TROOPS", "SUPPORTS", "REFUSES_TROOPS"}}, true},
		{"actors", map[string]any{"actors": []string{"FRA", "POL", "trump", "crosetto", "LTU", "RUS"}}, true},
		{"statuses", map[string]any{"statuses": []string{"REFUSED", "PLEDGED", "STATED"}}, false},
		{"as of", map[string]any{"asOf": "2025-08-20T00:00:00Z"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := postMatrix(t, h, tc.filter, 100, nil)
			if whole.PageInfo.HasNextPage || whole.PageInfo.HasPreviousPage || whole.TotalCount != len(whole.Rows) {
				t.Fatalf("one page of 100: totalCount %d, %d rows, pageInfo %+v", whole.TotalCount, len(whole.Rows), whole.PageInfo)
			}
			if len(whole.Rows) < 3 {
				t.Fatalf("%d rows: too few to page", len(whole.Rows))
			}
			zeros := 0
			for i, r := range whole.Rows {
				if r.Total == 0 {
					zeros++
					if len(r.Cells) > 0 || len(r.Stances) == 0 {
						t.Errorf("row %s: total 0 with %d cells and %d stances", r.Actor.ID, len(r.Cells), len(r.Stances))
					}
				}
				if i == 0 {
					continue
				}
				p := whole.Rows[i-1]
				if p.Total < r.Total || (p.Total == r.Total && p.Actor.ID >= r.Actor.ID) {
					t.Errorf("row %s (%d) after %s (%d): not by total, then id", r.Actor.ID, r.Total, p.Actor.ID, p.Total)
				}
			}
			if (zeros > 0) != tc.stanceOnly {
				t.Errorf("%d rows with stances only, want some: %v", zeros, tc.stanceOnly)
			}
			want := rowsJSON(t, whole.Rows)
			for _, first := range []int{1, 2, 5} {
				var got []matrixPageRow
				var after *string
				for page := 0; ; page++ {
					if page > len(whole.Rows) {
						t.Fatalf("first %d: more pages than rows", first)
					}
					p := postMatrix(t, h, tc.filter, first, after)
					if p.TotalCount != whole.TotalCount || len(p.Rows) > first || len(p.Rows) == 0 {
						t.Fatalf("first %d, page %d: totalCount %d, %d rows", first, page, p.TotalCount, len(p.Rows))
					}
					if p.PageInfo.HasPreviousPage != (after != nil) || p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Rows[len(p.Rows)-1].Cursor ||
						*p.PageInfo.StartCursor != p.Rows[0].Cursor {
						t.Fatalf("first %d, page %d: pageInfo %+v", first, page, p.PageInfo)
					}
					got = append(got, p.Rows...)
					if !p.PageInfo.HasNextPage {
						break
					}
					after = p.PageInfo.EndCursor
				}
				if g := rowsJSON(t, got); g != want {
					t.Errorf("first %d: pages give\n  %s\none page gives\n  %s", first, g, want)
				}
			}
		})
	}
	// The rows of a row's cursor are after it, whatever the page size.
	all := postMatrix(t, h, nil, 100, nil)
	for _, i := range []int{0, 7, len(all.Rows) - 2} {
		rest := postMatrix(t, h, nil, 100, &all.Rows[i].Cursor)
		if got, want := ids(rest.Rows), ids(all.Rows[i+1:]); !slices.Equal(got, want) {
			t.Errorf("after row %d: %v, want %v", i, got, want)
		}
	}
	// The default page is 50 rows: the curated matrix fits in one.
	var def struct{ Matrix matrixPage }
	MustData(t, Post(t, h, `{ matrix { totalCount pageInfo { hasNextPage } rows { actor { id } } } }`, nil), &def)
	if def.Matrix.PageInfo.HasNextPage || len(def.Matrix.Rows) != all.TotalCount {
		t.Errorf("default page: %d of %d rows, hasNextPage %v", len(def.Matrix.Rows), all.TotalCount, def.Matrix.PageInfo.HasNextPage)
	}
}

func ids(rows []matrixPageRow) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.Actor.ID)
	}
	return out
}

func rowsJSON(t *testing.T, rows []matrixPageRow) string {
	t.Helper()
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
