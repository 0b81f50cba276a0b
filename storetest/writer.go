package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// OpenWriter loads ds into a fresh writable store. It should register any
// cleanup with t.Cleanup; RunWriter closes the store itself.
type OpenWriter func(t *testing.T, ds *cg.Dataset) cg.WritableStore

// RunWriter checks the write contract: history-keeping writes with
// provenance, validation through the shared helpers (exact error codes and
// fields, and nothing changed by a rejected write), optimistic concurrency
// on base versions, idempotency by request id, retraction, reads as of a
// time, entity and source puts, and no lost update under concurrent
// writers, the change feed (cg.ChangeFeed, which every writable store
// provides) and the graph version (cg.Versioned, which every writable
// store provides too). Each group runs on a store of its own, loaded from Fixture.
//
// Times in the expectations are UTC with at most millisecond precision;
// backends may return them in any location (they are compared in UTC).
func RunWriter(t *testing.T, open OpenWriter) {
	runGroups(t, open, []group[cg.WritableStore]{
		{"Record", testRecord},
		{"Rejections", testRejections},
		{"Change", testChange},
		{"Retract", testRetract},
		{"AsOf", testAsOf},
		{"PutEntityAndSource", testPuts},
		{"Concurrency", testConcurrentChanges},
		{"Replays", testReplays},
		{"ChangeFeed", testFeed},
		{"GraphVersion", testGraphVersion},
	})
}

// ts parses an RFC 3339 time of the expectations.
func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func ptr[T any](v T) *T { return &v }

// fixtureCommitment returns a copy of a fixture commitment.
func fixtureCommitment(id string) cg.Commitment {
	for _, c := range Fixture().Commitments {
		if c.ID == id {
			return *c
		}
	}
	panic("storetest: no fixture commitment " + id)
}

// stamped is c as a write with m records it as version v.
func stamped(c cg.Commitment, v int, m cg.WriteMeta) cg.Commitment {
	c.Version, c.RecordedAt, c.RecordedBy, c.Reason = v, m.At, m.By, m.Reason
	c.ValidFrom = m.EffectiveAt
	if c.ValidFrom.IsZero() {
		c.ValidFrom = m.At
	}
	return c
}

func normVersion(c cg.Commitment) cg.Commitment {
	c = normCommitment(c)
	c.RecordedAt, c.ValidFrom = c.RecordedAt.UTC(), c.ValidFrom.UTC()
	return c
}

// sameVersion compares a commitment version field by field.
func sameVersion(t *testing.T, what string, got *cg.Commitment, want cg.Commitment) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: nil, want %s v%d", what, want.ID, want.Version)
		return
	}
	if g, w := normVersion(*got), normVersion(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// sameHistory compares a commitment's history with the versions wanted.
func sameHistory(t *testing.T, s cg.WritableStore, id string, want ...cg.Commitment) {
	t.Helper()
	h := must(s.CommitmentHistory(t.Context(), id))(t)
	if len(h) != len(want) {
		t.Errorf("history of %s: %d versions, want %d", id, len(h), len(want))
		return
	}
	for i := range want {
		sameVersion(t, fmt.Sprintf("history of %s [%d]", id, i), h[i], want[i])
	}
}

// listIDs lists the ids of the matching commitments, by id.
func listIDs(t *testing.T, s cg.Store, f cg.CommitmentFilter) []string {
	t.Helper()
	p := must(s.Commitments(t.Context(), f, cg.Page{Order: cg.OrderID}))(t)
	if p.TotalCount != len(p.Commitments) {
		t.Errorf("filter %+v: TotalCount %d for %d commitments", f, p.TotalCount, len(p.Commitments))
	}
	return commitmentIDs(p.Commitments)
}

// read returns the commitment with the id as current reads (or reads as of
// asOf) show it, nil when they do not.
func read(t *testing.T, s cg.Store, id string, asOf *time.Time) *cg.Commitment {
	t.Helper()
	p := must(s.Commitments(t.Context(), cg.CommitmentFilter{IDs: []string{id}, AsOf: asOf}, cg.Page{}))(t)
	switch len(p.Commitments) {
	case 0:
		return nil
	case 1:
		return p.Commitments[0]
	}
	t.Fatalf("commitment %s listed %d times", id, len(p.Commitments))
	return nil
}

func cloneCommitment(c *cg.Commitment) cg.Commitment { return *c.Clone() }

// snapshot renders the output of every read method over the whole graph,
// and the histories of every fixture commitment and of the extra ids, so
// that a test can check that a rejected write changed nothing.
func snapshot(t *testing.T, s cg.WritableStore, extra ...string) string {
	t.Helper()
	ctx := t.Context()
	fx := Fixture()
	all := map[string]any{}
	all["sources"] = must(s.Sources(ctx, nil))(t)
	all["entities"] = must(s.Entities(ctx, cg.EntityFilter{}))(t)
	all["search"] = entityIDs(must(s.Entities(ctx, cg.EntityFilter{Search: "o"}))(t))
	all["relations"] = must(s.Relations(ctx, cg.RelationFilter{}))(t)
	all["claims"] = must(s.Claims(ctx, cg.ClaimFilter{}))(t)
	all["commitments"] = must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{Order: cg.OrderID}))(t)
	all["by date"] = commitmentIDs(must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{Order: cg.OrderDateDesc}))(t).Commitments)
	all["as of"] = must(s.Commitments(ctx, cg.CommitmentFilter{AsOf: ptr(ts("2025-08-19T12:00:00Z"))}, cg.Page{Order: cg.OrderID}))(t)
	all["matrix"] = must(s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{}))(t)
	all["counts"] = must(s.Counts(ctx, cg.CommitmentFilter{}))(t)
	var ents []string
	for _, e := range must(s.Entities(ctx, cg.EntityFilter{}))(t) {
		ents = append(ents, e.ID)
	}
	for _, id := range ents {
		all["neighbourhood "+id] = must(s.Neighbourhood(ctx, id, 1))(t)
	}
	for _, p := range [][2]string{{"POL", "ITA"}, {"ev-paris", "agr-budapest"}, {"USA", "coalition"}} {
		all["paths "+p[0]+" "+p[1]] = must(s.Paths(ctx, p[0], p[1], cg.MaxHops))(t)
	}
	ids := append(commitmentIDs(fx.Commitments), extra...)
	for _, id := range ids {
		h, err := s.CommitmentHistory(ctx, id)
		if err != nil {
			all["history "+id] = cg.ErrorCode(err)
		} else {
			all["history "+id] = h
		}
	}
	b, err := json.MarshalIndent(all, "", " ")
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return string(b)
}

// unchanged checks that the store reads as it did when before was taken.
func unchanged(t *testing.T, s cg.WritableStore, before string, extra ...string) {
	t.Helper()
	after := snapshot(t, s, extra...)
	if after == before {
		return
	}
	i := 0
	for i < len(before) && i < len(after) && before[i] == after[i] {
		i++
	}
	from := max(0, i-300)
	t.Errorf("the store changed; first difference at byte %d:\nbefore: …%s…\n after: …%s…",
		i, before[from:min(len(before), i+200)], after[from:min(len(after), i+200)])
}
