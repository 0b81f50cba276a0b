package neo4j

import (
	"context"
	"fmt"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Plan warm-up. Neo4j plans each distinct statement once per server, and on
// a cold JVM that costs 0.2–5.6 s a statement (docs/benchmarks.md, "Bulk
// loads and plans on Neo4j"): without a warm-up the first requests after a
// start pay it. WarmUp makes the reads the API makes most, through the
// Store's own methods, so that the server's plan cache holds their exact
// text with parameters of the same types, and discards the answers.
//
// The reads run for real: EXPLAIN of the same text plans into an entry of
// its own on Neo4j 5.26, which the run does not reuse (TestWarmUpPlansTheReads
// failed with 24 new plans after an EXPLAIN warm-up). The unfiltered
// listing and matrix page read the graph (tens to hundreds of ms at 100k);
// the unfiltered counts read the actors' maintained cells (countcells.go),
// not the commitments, about 50 ms at 100k; the others name an entity that
// does not exist.

// warmUpPageSize is the page the API asks for when a request names none
// (graph: pageSize(first, 20)).
const warmUpPageSize = 20

// warmUpID stands for an entity id in the warm-up's filters: the plan
// depends on the parameter's type, not its value.
const warmUpID = "warm-up"

// warmUpReads are the read calls WarmUp plans, in the order a dashboard's
// first screens make them: the listing (unfiltered, by actor, by target
// and per commitment type, under a source and over a date range), counts, the matrix page, an entity page (both sides) and a
// coalition (its commitments and matrix). The graph version is read by
// every cached request.
func warmUpReads() []func(ctx context.Context, s *Store) error {
	page := cg.Page{First: warmUpPageSize, Order: cg.OrderDateAsc}
	reads := []func(ctx context.Context, s *Store) error{
		func(ctx context.Context, s *Store) error { _, err := s.GraphVersion(ctx); return err },
		func(ctx context.Context, s *Store) error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{}, page)
			return err
		},
		func(ctx context.Context, s *Store) error { _, err := s.Counts(ctx, cg.CommitmentFilter{}); return err },
		func(ctx context.Context, s *Store) error {
			_, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: cg.DefaultMatrixRows})
			return err
		},
		func(ctx context.Context, s *Store) error { _, err := s.Entities(ctx, cg.EntityFilter{}); return err },
		func(ctx context.Context, s *Store) error {
			_, err := s.Entities(ctx, cg.EntityFilter{IDs: []string{warmUpID}})
			return err
		},
		func(ctx context.Context, s *Store) error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{TargetIDs: []string{warmUpID}}, cg.Page{})
			return err
		},
		func(ctx context.Context, s *Store) error {
			_, err := s.Matrix(ctx, cg.CommitmentFilter{TargetIDs: []string{warmUpID}}, cg.MatrixPage{})
			return err
		},
	}
	// The entity pages and the listings by actor and by target (the
	// entity page's selection, sideListing): their full statements, of
	// some 30 branches and seconds to plan cold, which an entity dense in
	// a type needs and every entity's request runs once they have
	// answered (expandsOnly); the warm-up's entity is dense in none.
	for _, side := range []cg.Side{cg.SideMade, cg.SideReceived} {
		reads = append(reads, func(ctx context.Context, s *Store) error {
			cypher, params, err := entityCommitmentsQuery(cg.EntityCommitmentsQuery{Side: side, EntityIDs: []string{warmUpID}, Page: page})
			return s.warmFull(ctx, "warm-up", cypher, params, err)
		})
	}
	for _, f := range []cg.CommitmentFilter{{ActorIDs: []string{warmUpID}}, {TargetIDs: []string{warmUpID}}} {
		reads = append(reads, func(ctx context.Context, s *Store) error {
			cypher, params, err := commitmentsQuery(f, page, false)
			return s.warmFull(ctx, "warm-up", cypher, params, err)
		})
	}
	for _, k := range cg.CommitmentKinds {
		reads = append(reads, func(ctx context.Context, s *Store) error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{Kinds: []cg.EdgeKind{k}}, page)
			return err
		})
	}
	// The listings under one source and over a date range (a month; any
	// range has the same statement): their totals from the listing counts
	// (listingcounts.go), their pages one branch per type and date part.
	// A source's statement is chosen by the sources' size
	// (startFromEvidence), so both forms are planned, and the choice's own
	// statement. Their pages run with a limit of 0: the statement's text
	// and parameter types are the request's, but a source that does not
	// exist would make the per-commitment probe read every commitment
	// (seconds at a million), looking for a first match.
	source := cg.CommitmentFilter{SourceIDs: []string{warmUpID}}
	month := cg.Date{Year: 2025, Month: 3}
	reads = append(reads,
		func(ctx context.Context, s *Store) error { _, err := s.startFromEvidence(ctx, source); return err },
		func(ctx context.Context, s *Store) error { return s.planListing(ctx, source, page, false) },
		func(ctx context.Context, s *Store) error { return s.planListing(ctx, source, page, true) },
		func(ctx context.Context, s *Store) error {
			return s.planListing(ctx, cg.CommitmentFilter{From: month, To: month}, page, false)
		},
	)
	return reads
}

// warmFull runs a full statement and its parameters (as built, with
// the builder's error) as the request whose statement it is would once it
// has answered.
func (s *Store) warmFull(ctx context.Context, what, cypher string, params map[string]any, err error) error {
	if err != nil {
		return err
	}
	_, err = s.readOne(ctx, what, cypher, params)
	return err
}

// planListing runs the statement Commitments would run for f and p (with
// fromEvidence for a source filter) with a page limit of 0, so that Neo4j
// plans it without reading a page.
func (s *Store) planListing(ctx context.Context, f cg.CommitmentFilter, p cg.Page, fromEvidence bool) error {
	cypher, params, err := commitmentsQuery(f, p, fromEvidence)
	if err == nil {
		params["limit"] = int64(0)
	}
	return s.warmFull(ctx, "warm-up listing", cypher, params, err)
}

// WarmUpStats says what a WarmUp did.
type WarmUpStats struct {
	// Planned is how many reads ran (each one statement, planned or
	// found planned).
	Planned int
	// Duration is the whole warm-up's, the wait for Neo4j included.
	Duration time.Duration
}

// WarmUp waits until Neo4j commits a write (Ready), then makes the common
// reads once. It stops at the first failure or when
// ctx is done, reporting how far it got.
func (s *Store) WarmUp(ctx context.Context) (WarmUpStats, error) {
	start := time.Now()
	st := WarmUpStats{}
	if err := s.awaitReady(ctx); err != nil {
		st.Duration = time.Since(start)
		return st, fmt.Errorf("neo4j: warm-up: %w", err)
	}
	for i, read := range warmUpReads() {
		if err := read(ctx, s); err != nil {
			st.Duration = time.Since(start)
			return st, fmt.Errorf("neo4j: warm-up read %d: %w", i, err)
		}
		st.Planned++
	}
	st.Duration = time.Since(start)
	return st, nil
}

// awaitReady retries Ready until it passes or ctx is done: a warm-up that
// starts with the service may find Neo4j still starting.
func (s *Store) awaitReady(ctx context.Context) error {
	for {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := s.Ready(rctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %w)", ctx.Err(), err)
		case <-time.After(time.Second):
		}
	}
}

// StartWarmUp runs WarmUp in the background for at most limit, under a
// context that Close cancels, and hands its outcome to done (if not nil).
// Readiness does not wait for it: a request that comes first waits for the
// warm-up's run of its statement if it is under way (coldplan.go), or runs
// it as it would without a warm-up.
func (s *Store) StartWarmUp(limit time.Duration, done func(WarmUpStats, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	s.warmMu.Lock()
	s.stopWarmUp = append(s.stopWarmUp, cancel)
	s.warmMu.Unlock()
	s.warming.Add(1)
	go func() {
		defer s.warming.Done()
		defer cancel()
		st, err := s.WarmUp(ctx)
		if done != nil {
			done(st, err)
		}
	}()
}

// endWarmUp stops a running warm-up and waits for it (Close), so that it
// does not use the driver after it is closed.
func (s *Store) endWarmUp() {
	s.warmMu.Lock()
	for _, cancel := range s.stopWarmUp {
		cancel()
	}
	s.stopWarmUp = nil
	s.warmMu.Unlock()
	s.warming.Wait()
}
