package neo4j

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// clearedPlans empties the server's query caches and returns how many
// statements they held: what was planned since the last call.
func clearedPlans(t *testing.T, s *Store) int {
	t.Helper()
	ctx := context.Background()
	res, err := nd.ExecuteQuery(ctx, s.driver, `CALL db.clearQueryCaches()`, nil, nd.EagerResultTransformer)
	if err != nil {
		t.Fatalf("clear query caches: %v", err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("clear query caches: %d records", len(res.Records))
	}
	msg, _ := res.Records[0].Values[0].(string)
	if msg == "Query cache already empty." {
		return 0
	}
	m := regexp.MustCompile(`cleared of (\d+) quer`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("clear query caches: unexpected answer %q", msg)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestWarmUpPlansTheReads checks, with the server's plan cache, that the
// reads WarmUp covers find their statements planned: after a warm-up they
// add no entry to the cache, where without one they add an entry each.
func TestWarmUpPlansTheReads(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Synthetic(300, 30, 1))
	ctx := context.Background()
	reads := warmUpReads()
	runAll := func() {
		t.Helper()
		for i, read := range reads {
			if err := read(ctx, s); err != nil {
				t.Fatalf("read %d: %v", i, err)
			}
		}
	}
	ready := func() {
		t.Helper()
		if err := s.Ready(ctx); err != nil {
			t.Fatalf("Ready: %v", err)
		}
	}

	// Without a warm-up: each read plans its statement (the cache sees
	// them, or the check below could not fail).
	clearedPlans(t, s)
	ready()
	runAll()
	cold := clearedPlans(t, s)

	// The warm-up alone.
	s.cold.forget()
	st, err := s.WarmUp(ctx)
	if err != nil {
		t.Fatalf("WarmUp: %v", err)
	}
	// It ran the entity pages' and the listings by actor and by target's
	// full statements, which a giant's request needs (its entity is dense
	// in no type, so through the Store's methods it would run the ones
	// without the types' index reads: expandsOnly).
	page := cg.Page{First: warmUpPageSize, Order: cg.OrderDateAsc}
	for _, side := range []cg.Side{cg.SideMade, cg.SideReceived} {
		full, _, err := entityCommitmentsQuery(cg.EntityCommitmentsQuery{Side: side, EntityIDs: []string{"any"}, Page: page})
		if err != nil {
			t.Fatal(err)
		}
		if !s.cold.answered(full) {
			t.Errorf("after the warm-up the %s entity page's full statement has not answered", side)
		}
	}
	for _, f := range []cg.CommitmentFilter{{ActorIDs: []string{"any"}}, {TargetIDs: []string{"any"}}} {
		full, _, err := commitmentsQuery(f, page, false)
		if err != nil {
			t.Fatal(err)
		}
		if !s.cold.answered(full) {
			t.Errorf("after the warm-up the listing %+v's full statement has not answered", f)
		}
	}
	if st.Planned != len(reads) {
		t.Errorf("WarmUp planned %d statements, want %d", st.Planned, len(reads))
	}
	warm := clearedPlans(t, s)
	t.Logf("%d reads: %d cached plans without a warm-up, %d after the warm-up alone", len(reads), cold, warm)
	if cold < len(reads) {
		t.Fatalf("the reads left %d plans in the cache, want at least %d (one each)", cold, len(reads))
	}

	// The warm-up, then the reads: no new plan.
	if _, err := s.WarmUp(ctx); err != nil {
		t.Fatalf("WarmUp: %v", err)
	}
	runAll()
	if both := clearedPlans(t, s); both != warm {
		t.Errorf("after the warm-up the reads planned %d more statements (cache %d, warm-up alone %d)", both-warm, both, warm)
		// Which ones: each read alone after a warm-up.
		for i, read := range reads {
			if _, err := s.WarmUp(ctx); err != nil {
				t.Fatalf("WarmUp: %v", err)
			}
			if err := read(ctx, s); err != nil {
				t.Fatalf("read %d: %v", i, err)
			}
			if n := clearedPlans(t, s); n != warm {
				t.Errorf("read %d: %d plans, warm-up alone %d", i, n, warm)
			}
		}
	}
}

// TestCloseStopsWarmUp checks that Close ends a running warm-up and waits
// for it, so that it never uses a closed driver.
func TestCloseStopsWarmUp(t *testing.T) {
	s := openEmpty(t)
	clearedPlans(t, s) // a warm-up with every statement to plan
	done := make(chan error, 1)
	s.StartWarmUp(time.Minute, func(_ WarmUpStats, err error) { done <- err })
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("warm-up ended with %v", err)
		}
	default:
		t.Fatal("Close returned before the warm-up ended")
	}
}

// BenchmarkFirstReads times the first call of each warm-up read on an
// emptied plan cache (the server's JVM stays warm, so planning costs less
// than after a start), without and then with a warm-up before it,
// alternating, and logs both; the warm-up's own time is not counted:
//
//	go test -count=1 -run '^$' -bench FirstReads -benchtime 3x -v ./neo4j/
func BenchmarkFirstReads(b *testing.B) {
	s := openEmpty(b)
	load(b, s, storetest.Synthetic(10_000, 500, 1))
	ctx := context.Background()
	clear := func() {
		if _, err := nd.ExecuteQuery(ctx, s.driver, `CALL db.clearQueryCaches()`, nil, nd.EagerResultTransformer); err != nil {
			b.Fatal(err)
		}
	}
	reads := warmUpReads()
	timeReads := func() time.Duration {
		start := time.Now()
		for i, read := range reads {
			if err := read(ctx, s); err != nil {
				b.Fatalf("read %d: %v", i, err)
			}
		}
		return time.Since(start)
	}
	for b.Loop() {
		b.StopTimer()
		clear()
		cold := timeReads()
		clear()
		st, err := s.WarmUp(ctx)
		if err != nil {
			b.Fatal(err)
		}
		warm := timeReads()
		b.Logf("%d first reads: %v on an empty plan cache, %v after a warm-up (which took %v)",
			len(reads), cold.Round(time.Millisecond), warm.Round(time.Millisecond), st.Duration.Round(time.Millisecond))
		b.StartTimer()
	}
}

// TestWarmUpPlansListingsBySourceAndDate: after a warm-up, the listings
// a request makes under one source (either form of its statement) and
// over date ranges of every precision find their statements planned
// (their pages at the API's size, the counted totals, the source's choice
// of form): the warm-up runs them with a page limit of 0, which must not
// make them statements of their own.
func TestWarmUpPlansListingsBySourceAndDate(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Synthetic(300, 30, 1))
	ctx := context.Background()
	page := cg.Page{First: warmUpPageSize, Order: cg.OrderDateAsc}
	source := cg.CommitmentFilter{SourceIDs: []string{"src-1"}}
	requests := []func() error{
		func() error { _, err := s.Commitments(ctx, source, page); return err },
		func() error { _, err := s.commitments(ctx, source, page, false); return err },
		func() error { _, err := s.commitments(ctx, source, page, true); return err },
	}
	for _, r := range [][2]string{{"2025-03", "2025-03"}, {"2025", "2025"}, {"2025-02-10", "2025-03-01"}} {
		f := cg.CommitmentFilter{From: cg.MustDate(r[0]), To: cg.MustDate(r[1])}
		requests = append(requests, func() error { _, err := s.Commitments(ctx, f, page); return err })
	}
	warmUp := func() {
		t.Helper()
		if _, err := s.WarmUp(ctx); err != nil {
			t.Fatalf("WarmUp: %v", err)
		}
	}
	clearedPlans(t, s) // the earlier tests' plans
	warmUp()
	warm := clearedPlans(t, s)
	// Counting the plans clears them, so every request after one more
	// warm-up: a count per request costs a cold warm-up each (over two
	// minutes for six), which only a failure needs, to say which.
	warmUp()
	for i, request := range requests {
		if err := request(); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	all := clearedPlans(t, s)
	if all == warm {
		return
	}
	t.Errorf("the requests planned %d statements beyond the warm-up's %d", all-warm, warm)
	for i, request := range requests {
		warmUp()
		if err := request(); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if n := clearedPlans(t, s); n != warm {
			t.Errorf("request %d planned %d statements beyond the warm-up's %d", i, n-warm, warm)
		}
	}
}
