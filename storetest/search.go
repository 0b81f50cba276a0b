package storetest

import (
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// testSearch checks text search over the fixture. Stores score with
// BM25 each over its own index, so scores differ between them: the
// contract holds what matches, the order where one result clearly leads
// (it alone holds every word), and paging.
func testSearch(t *testing.T, s cg.Store) {
	ctx := t.Context()
	search := func(t *testing.T, q cg.TextQuery) *cg.TextPage {
		t.Helper()
		return must(s.SearchText(ctx, q))(t)
	}
	hitIDs := func(p *cg.TextPage) []string {
		out := []string{}
		for _, h := range p.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name, query string
		want        []string // the matches, in id order
		first       string   // "" = no clear leader
	}{
		{"an alias and a quote", "kyiv", []string{"UKR", "c07-ukr-demands"}, ""},
		{"without case or diacritics", "KYÏV", []string{"UKR", "c07-ukr-demands"}, ""},
		{"a quote alone", "boots", []string{"c05-usa-refuses"}, ""},
		{"a claim's text and quote", "resembles", []string{"cl-ita-plan-art5-a"}, ""},
		{"a relation's role", "host", []string{"r-usa-washington"}, ""},
		{"a summary and conditions", "ceasefire", []string{"c01-fra-troops", "c07-ukr-demands"}, ""},
		{"a description", "guarantees", []string{"UKR", "c07-ukr-demands", "c20-usa-support"}, ""},
		{"every word first", "french president", []string{"FRA", "r-macron-president-fra"}, "r-macron-president-fra"},
		{"query syntax is taken literally", `boots^2 (x: -`, []string{"c05-usa-refuses"}, "c05-usa-refuses"},
		{"no match", "zzzz", []string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := search(t, cg.TextQuery{Text: tc.query})
			got := slices.Sorted(slices.Values(hitIDs(p)))
			if got == nil {
				got = []string{}
			}
			sameIDs(t, "hits of "+tc.query, got, tc.want)
			if p.TotalCount != len(tc.want) || p.HasNextPage {
				t.Errorf("totalCount %d, hasNextPage %v; want %d, false", p.TotalCount, p.HasNextPage, len(tc.want))
			}
			if tc.first != "" && len(p.Hits) > 0 && p.Hits[0].ID != tc.first {
				t.Errorf("best hit %s, want %s", p.Hits[0].ID, tc.first)
			}
			for i, h := range p.Hits {
				if i > 0 && cg.CompareHits(p.Hits[i-1].Score, p.Hits[i-1].ID, h.Score, h.ID) >= 0 {
					t.Errorf("hit %d (%s %v) out of order after %s %v", i, h.ID, h.Score, p.Hits[i-1].ID, p.Hits[i-1].Score)
				}
				n := 0
				for _, set := range []bool{h.Entity != nil, h.Commitment != nil, h.Relation != nil, h.Claim != nil} {
					if set {
						n++
					}
				}
				if n != 1 || h.Score <= 0 {
					t.Errorf("hit %s: %d objects, score %v", h.ID, n, h.Score)
				}
			}
		})
	}
	t.Run("the hit carries its object", func(t *testing.T) {
		p := search(t, cg.TextQuery{Text: "boots"})
		if len(p.Hits) != 1 || p.Hits[0].Commitment == nil || p.Hits[0].Commitment.ActorID != "USA" || len(p.Hits[0].Commitment.Evidence) != 1 {
			t.Fatalf("hits %+v", p.Hits)
		}
		p = search(t, cg.TextQuery{Text: "resembles"})
		if len(p.Hits) != 1 || p.Hits[0].Claim == nil || p.Hits[0].Claim.SubjectID != "prop-ita-24h" {
			t.Fatalf("hits %+v", p.Hits)
		}
	})
	t.Run("pages walk every hit once", func(t *testing.T) {
		all := search(t, cg.TextQuery{Text: "france paris italy"})
		if all.TotalCount < 5 {
			t.Fatalf("only %d hits", all.TotalCount)
		}
		var walked []string
		q := cg.TextQuery{Text: "france paris italy", First: 2}
		for range all.TotalCount {
			p := search(t, q)
			walked = append(walked, hitIDs(p)...)
			if p.TotalCount != all.TotalCount {
				t.Errorf("page totalCount %d, want %d", p.TotalCount, all.TotalCount)
			}
			if !p.HasNextPage {
				break
			}
			q.After = cg.TextCursor(p.Hits[len(p.Hits)-1])
		}
		sameIDs(t, "walked", walked, hitIDs(all))
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			q     cg.TextQuery
			field string
		}{
			{cg.TextQuery{Text: "  "}, "query"},
			{cg.TextQuery{Text: "!!! ??"}, "query"},
			{cg.TextQuery{Text: "kyiv", First: -1}, "first"},
			{cg.TextQuery{Text: "kyiv", After: "nope"}, "after"},
			{cg.TextQuery{Text: "kyiv", After: cg.IDCursor("UKR")}, "after"},
		} {
			_, err := s.SearchText(ctx, tc.q)
			wantError(t, err, cg.CodeBadInput, tc.field)
		}
	})
}
