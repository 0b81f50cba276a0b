package neo4j

import (
	"context"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// listingCountFilters are filters the listing counts cover: each source of
// ds (and the writes' "mx-src") alone, with and without kinds, and date
// ranges of every shape dateKeys has (open ends, years, months, days, a
// month's and a year's first day as the end).
func listingCountFilters(ds *cg.Dataset) []cg.CommitmentFilter {
	c0, c1 := ds.Commitments[0], ds.Commitments[1]
	kinds := [][]cg.EdgeKind{nil, {c0.Kind}, {c0.Kind, c1.Kind}}
	var out []cg.CommitmentFilter
	sources := []string{"mx-src", "nowhere"}
	for _, s := range ds.Sources {
		sources = append(sources, s.ID)
	}
	ranges := [][2]string{
		{"2025-03", "2025-03"}, {"2025", "2025"}, {"2024-06-01", "2025-01-01"}, {"2025-02-10", "2025-03-01"},
		{"2024", ""}, {"", "2025-06"}, {"2025-12-31", ""}, {"", "2024-12-31"},
	}
	for _, k := range kinds {
		for _, s := range sources {
			out = append(out, cg.CommitmentFilter{Kinds: k, SourceIDs: []string{s}})
		}
		for _, r := range ranges {
			f := cg.CommitmentFilter{Kinds: k}
			if r[0] != "" {
				f.From = cg.MustDate(r[0])
			}
			if r[1] != "" {
				f.To = cg.MustDate(r[1])
			}
			out = append(out, f)
		}
	}
	return out
}

// checkListingCounts compares, for every filter of listingCountFilters,
// the total from the listing counts with the scan's (liveFilter.total) and
// with Commitments' total; maintained: the counts must be maintained, else
// must say they are not (and Commitments must count by scan).
func checkListingCounts(t *testing.T, s *Store, ds *cg.Dataset, maintained bool) {
	t.Helper()
	ctx := context.Background()
	nonzero := 0
	for _, f := range listingCountFilters(ds) {
		l := newLiveFilter(f)
		counted := l.countedTotal(f)
		if counted == "" {
			t.Fatalf("filter %+v: the listing counts should cover it", f)
		}
		got, err := s.readOne(ctx, "counted total", counted+"RETURN total", l.params)
		if err != nil {
			t.Fatalf("filter %+v: counted total: %v", f, err)
		}
		want, err := s.readOne(ctx, "scanned total", l.total()+"RETURN total", l.params)
		if err != nil {
			t.Fatalf("filter %+v: scanned total: %v", f, err)
		}
		if !maintained {
			if toInt(got["total"]) != notCounted {
				t.Fatalf("filter %+v: total %d from counts that are not maintained", f, toInt(got["total"]))
			}
		} else if toInt(got["total"]) != toInt(want["total"]) {
			t.Fatalf("filter %+v: total %d from the counts, %d by scan", f, toInt(got["total"]), toInt(want["total"]))
		}
		page, err := s.Commitments(ctx, f, cg.Page{First: 3})
		if err != nil {
			t.Fatalf("Commitments(%+v): %v", f, err)
		}
		if page.TotalCount != toInt(want["total"]) {
			t.Fatalf("Commitments(%+v): total %d, %d by scan", f, page.TotalCount, toInt(want["total"]))
		}
		if page.TotalCount > 0 {
			nonzero++
		}
	}
	if nonzero < 10 {
		t.Fatalf("only %d filters match anything: the test needs commitments", nonzero)
	}
}

// TestListingCountsPlan: the totals of a listing under one source or a
// date range (with kinds or without) are read from the listing counts'
// constraint indexes: no relationship, no evidence, a few db hits per
// count node whatever the commitments' number. And Commitments' statement
// takes its total so.
func TestListingCountsPlan(t *testing.T) {
	s := openEmpty(t)
	ds := storetest.Synthetic(1500, 60, 7)
	load(t, s, ds)
	from, to := cg.MustDate("2025-03"), cg.MustDate("2025-03")
	m, err := s.readOne(context.Background(), "count nodes", `MATCH (c:ListingDateCount|ListingSourceCount) RETURN count(c) AS n`, nil)
	if err != nil {
		t.Fatal(err)
	}
	countNodes := toInt(m["n"])
	if countNodes == 0 {
		t.Fatal("no listing count nodes after a load")
	}
	for _, f := range []cg.CommitmentFilter{
		{SourceIDs: []string{"src-1"}},
		{SourceIDs: []string{"src-1"}, Kinds: []cg.EdgeKind{ds.Commitments[0].Kind}},
		{From: from, To: to},
		{From: from},
		{To: to, Kinds: []cg.EdgeKind{ds.Commitments[0].Kind}},
	} {
		l := newLiveFilter(f)
		counted := l.countedTotal(f)
		if counted == "" {
			t.Fatalf("filter %+v: no counted total", f)
		}
		ops := profileRows(t, s, counted+"RETURN total", l.params)
		var plan []string
		var hits int64
		seek := false
		for _, op := range ops {
			plan = append(plan, op.name+": "+op.details)
			hits += op.dbHits
			if strings.Contains(op.name, "NodeIndexSeek") || strings.Contains(op.name, "NodeUniqueIndexSeek") {
				seek = seek || strings.Contains(op.details, "ListingDateCount") || strings.Contains(op.details, "ListingSourceCount")
			}
			if (strings.Contains(op.details, "r:") || strings.Contains(op.details, "Evidence")) && op.rows > 0 {
				t.Errorf("filter %+v: %s read %d rows of commitments or evidence", f, op.name, op.rows)
			}
		}
		// A few db hits per count node at most (an open range reads
		// every later key's), whatever the commitments' number.
		if hits > 4*int64(countNodes)+100 || !seek {
			t.Errorf("filter %+v: %d db hits, counts' index seek %v:\n%s", f, hits, seek, strings.Join(plan, "\n"))
		}
		cypher, _, err := commitmentsQuery(f, cg.Page{First: 20}, false)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(cypher, counted) {
			t.Errorf("filter %+v: Commitments does not take the counted total:\n%s", f, cypher)
		}
	}
	// A read as of a moment reads the versions, never the live counts.
	past := time.Now().Add(-time.Hour)
	for _, f := range []cg.CommitmentFilter{{SourceIDs: []string{"src-1"}, AsOf: &past}, {From: from, To: to, AsOf: &past}} {
		cypher, _, err := commitmentsQuery(f, cg.Page{First: 20}, false)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(cypher, "Listing") {
			t.Errorf("filter %+v: as of a moment, the total is read from the live counts:\n%s", f, cypher)
		}
	}
	// Other filters keep their statements.
	for _, f := range []cg.CommitmentFilter{
		{SourceIDs: []string{"src-1", "src-2"}},
		{SourceIDs: []string{"src-1"}, Statuses: []cg.Status{cg.StatusProposed}},
		{SourceIDs: []string{"src-1"}, From: from},
		{From: from, ActorIDs: []string{ds.Commitments[0].ActorID}},
	} {
		if l := newLiveFilter(f); l.countedTotal(f) != "" {
			t.Errorf("filter %+v: counted, but the counts do not cover it", f)
		}
	}
}

// TestDateAscPageReadsInOrder: in DATE_ASC, the default order, a page
// under a source or a date range reads each type's (date, id) index in
// the whole order, so that no branch sorts: the only sort left is the
// merge of the branches' pages (one Top). With the date index alone, each
// branch sorts the commitments of its first date by id (a PartialTop per
// branch), all 3,600 a type of a year key at 1M.
func TestDateAscPageReadsInOrder(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Synthetic(1500, 60, 7))
	for _, f := range []cg.CommitmentFilter{
		{SourceIDs: []string{"src-1"}},
		{From: cg.MustDate("2025-03"), To: cg.MustDate("2025-03")},
		{From: cg.MustDate("2025-03-14")},
		{Kinds: []cg.EdgeKind{cg.OffersTroops}, To: cg.MustDate("2025-06")},
	} {
		for _, p := range []cg.Page{{First: 20}, {First: 20, After: cg.EncodeCursor(
			&cg.Commitment{ID: "c000100", Date: cg.Date{Year: 2025, Month: 6}}, cg.OrderDateAsc)}} {
			l := newLiveFilter(f)
			order, after, err := cg.ParsePage(p)
			if err != nil {
				t.Fatal(err)
			}
			params := l.params
			params["limit"] = int64(p.First) + 1
			if after != nil {
				params["afterKey"], params["afterID"] = after.Key(), after.ID
			}
			ops := profileRows(t, s, l.page(order, after, f.From.Known() || f.To.Known(), commitmentProjection)+"\nRETURN page", params)
			var plan []string
			sorts, seeks, knownBound := 0, 0, 0
			dated := f.From.Known() || f.To.Known()
			for _, op := range ops {
				plan = append(plan, op.name+": "+op.details)
				// A range's page seeks by the range's keys, not by the
				// bound of every known date (r.date > ''), which read
				// each type's index from its first key at 1M.
				if dated && f.From.Known() && strings.Contains(op.details, "date > $autostring") {
					knownBound++
				}
				// (Each commitment's evidence is sorted by ord: not the page.)
				if (strings.Contains(op.name, "Top") || strings.HasPrefix(op.name, "Sort") || strings.HasPrefix(op.name, "PartialSort")) &&
					!strings.Contains(op.details, "ev.ord") {
					sorts++
				}
				if strings.Contains(op.details, "(date, id)") {
					seeks++
				}
			}
			if knownBound > 0 {
				t.Errorf("filter %+v, page %+v: %d seeks by r.date > '' instead of the range:\n%s", f, p, knownBound, strings.Join(plan, "\n"))
			}
			// Left: a date range's page after a cursor still sorts in
			// each branch (the range's keys and the cursor's are both
			// bounds on r.date, and the planner no longer sees the index's
			// order); the first page, which a listing starts with, does not.
			if dated && after != nil {
				sorts = 1
			}
			if sorts != 1 || seeks == 0 {
				t.Errorf("filter %+v, page %+v: %d sorts (want the merge's only), %d reads of (date, id):\n%s", f, p, sorts, seeks, strings.Join(plan, "\n"))
			}
		}
	}
}
