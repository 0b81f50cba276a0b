package apitest

import (
	"net/http"
	"slices"
	"testing"
)

// searchFindsWhatTheArticlesSay checks searchText over the curated data:
// spelling variants recorded as aliases, words of summaries and quotes,
// each result with its type, and paging.
func searchFindsWhatTheArticlesSay(t *testing.T, h http.Handler) {
	const q = `query($q: String!, $first: Int, $after: String) {
  searchText(query: $q, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { score cursor node {
      __typename
      ... on Entity { id name }
      ... on Commitment { id summary evidence { quote } }
      ... on Relation { id }
      ... on Claim { id text }
    } }
  }
}`
	type page struct {
		SearchText struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   *string
			}
			Edges []struct {
				Score float64
				Node  struct {
					Typename string `json:"__typename"`
					ID       string
				}
			}
		}
	}
	search := func(t *testing.T, vars map[string]any) page {
		t.Helper()
		var p page
		MustData(t, Post(t, h, q, vars), &p)
		return p
	}
	for _, tc := range []struct {
		query, first, typename string
		// within is how many of the best results may come before it: the
		// stores score apart, and on Neo4j the quote "The Kremlin has
		// dismissed…" outranks Russia, whose alias it is.
		within int
	}{
		{"Kiev", "UKR", "Entity", 1},
		{"Zelenskyy", "zelensky", "Entity", 1},
		{"eastern flank", "c-pol-reinforces-eastern-flank", "Commitment", 1},
		{"Kremlin", "RUS", "Entity", 2},
	} {
		t.Run(tc.query, func(t *testing.T) {
			p := search(t, map[string]any{"q": tc.query})
			if len(p.SearchText.Edges) == 0 {
				t.Fatalf("no results")
			}
			var best []string
			for i, e := range p.SearchText.Edges {
				if i == tc.within {
					break
				}
				if e.Node.ID == tc.first && e.Node.Typename == tc.typename {
					return
				}
				best = append(best, e.Node.Typename+" "+e.Node.ID)
			}
			t.Errorf("best results %v, want %s %s among the first %d", best, tc.typename, tc.first, tc.within)
		})
	}
	t.Run("a quote's words find its fact", func(t *testing.T) {
		// Only a quote of src-000 says "logistical support" (the summary
		// says logistics).
		p := search(t, map[string]any{"q": "logistical", "first": 100})
		var ids []string
		for _, e := range p.SearchText.Edges {
			ids = append(ids, e.Node.ID)
		}
		if !slices.Contains(ids, "c-pol-offers-logistics") {
			t.Errorf("logistical: %v, want c-pol-offers-logistics among them", ids)
		}
	})
	t.Run("pages", func(t *testing.T) {
		all := search(t, map[string]any{"q": "Ukraine NATO", "first": 100})
		if all.SearchText.TotalCount < 10 || all.SearchText.TotalCount > 100 {
			t.Fatalf("totalCount %d", all.SearchText.TotalCount)
		}
		var walked []string
		vars := map[string]any{"q": "Ukraine NATO", "first": 7}
		for range all.SearchText.TotalCount {
			p := search(t, vars)
			for _, e := range p.SearchText.Edges {
				walked = append(walked, e.Node.ID)
			}
			if !p.SearchText.PageInfo.HasNextPage {
				break
			}
			vars["after"] = *p.SearchText.PageInfo.EndCursor
		}
		var want []string
		for _, e := range all.SearchText.Edges {
			want = append(want, e.Node.ID)
		}
		if !slices.Equal(walked, want) {
			t.Errorf("pages walked %v, want %v", walked, want)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, vars := range []map[string]any{{"q": " "}, {"q": "x", "after": "nope"}, {"q": "x", "first": 0}} {
			resp := Post(t, h, q, vars)
			if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" {
				t.Errorf("%v: %+v, want BAD_USER_INPUT", vars, resp.Errors)
			}
		}
	})
}
