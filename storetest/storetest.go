// Package storetest is the contract every coalitiongraph.Store backend must
// pass. A backend's test calls Run with a function that loads a dataset into
// a fresh store; Run checks every method against values worked out by hand
// from Fixture, including the order of every returned slice.
package storetest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Open loads ds into a fresh store. It should register any cleanup with
// t.Cleanup; Run closes the store itself.
type Open func(t *testing.T, ds *cg.Dataset) cg.Store

// Run checks the store contract. It calls open once per top-level group,
// so that slow-to-load backends load a handful of times, not per case.
func Run(t *testing.T, open Open) {
	runGroups(t, open, []group[cg.Store]{
		{"Lookups", testLookups},
		{"Commitments", testCommitments},
		{"Aggregates", testAggregates},
		{"Graph", testGraph},
		{"Search", testSearch},
		{"CountsBy", testCountsBy},
		{"EntityCommitments", testEntityCommitments},
	})
}

// group is one top-level group of checks, run on a store of its own.
type group[S cg.Store] struct {
	name string
	run  func(t *testing.T, s S)
}

// runGroups runs each group as a subtest on a fresh store loaded from
// Fixture, ready before the checks and closed after them.
func runGroups[S cg.Store](t *testing.T, open func(*testing.T, *cg.Dataset) S, groups []group[S]) {
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			s := open(t, Fixture())
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			if err := s.Ready(t.Context()); err != nil {
				t.Fatalf("Ready: %v", err)
			}
			g.run(t, s)
		})
	}
}

// c names fixture commitments by number: c(1, 5) is c01-fra-troops,
// c05-usa-refuses.
func c(nums ...int) []string {
	out := []string{}
	for _, n := range nums {
		prefix := fmt.Sprintf("c%02d-", n)
		for _, com := range Fixture().Commitments {
			if strings.HasPrefix(com.ID, prefix) {
				out = append(out, com.ID)
			}
		}
	}
	if len(out) != len(nums) {
		panic(fmt.Sprintf("storetest: no fixture commitment for one of %v", nums))
	}
	return out
}

func ids[T any](items []T, id func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

func commitmentIDs(cs []*cg.Commitment) []string {
	return ids(cs, func(c *cg.Commitment) string { return c.ID })
}
func entityIDs(es []*cg.Entity) []string { return ids(es, func(e *cg.Entity) string { return e.ID }) }
func relationIDs(rs []*cg.Relation) []string {
	return ids(rs, func(r *cg.Relation) string { return r.ID })
}
func claimIDs(cs []*cg.Claim) []string { return ids(cs, func(c *cg.Claim) string { return c.ID }) }
func sourceIDs(ss []*cg.Source) []string {
	return ids(ss, func(s *cg.Source) string { return s.ID })
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// wantError checks an error's code and, when field is not "", its field.
func wantError(t *testing.T, err error, code cg.Code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := cg.ErrorCode(err); got != code {
		t.Fatalf("error %q: code %s, want %s", err, got, code)
	}
	var e *cg.Error
	if errors.As(err, &e) && field != "" && e.Field != field {
		t.Errorf("error %q: field %q, want %q", err, e.Field, field)
	}
}

// must takes a call's results and returns what to call with t to get the
// value, failing the test on an error: must(s.Sources(ctx, nil))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// Backends may return an empty slice as nil or empty; the contract does not
// care, so values are compared with empty slices made nil.

func normEvidence(ev []cg.Evidence) []cg.Evidence {
	if len(ev) == 0 {
		return nil
	}
	return ev
}

func normStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func normEntity(e cg.Entity) cg.Entity {
	e.Aliases, e.Evidence = normStrings(e.Aliases), normEvidence(e.Evidence)
	return e
}

func normCommitment(c cg.Commitment) cg.Commitment {
	c.Conditions, c.Evidence = normStrings(c.Conditions), normEvidence(c.Evidence)
	return c
}

func normRelation(r cg.Relation) cg.Relation {
	r.Evidence = normEvidence(r.Evidence)
	return r
}

func normClaim(c cg.Claim) cg.Claim {
	c.Evidence = normEvidence(c.Evidence)
	return c
}

// sameValues compares got with the fixture's items in id order, field by
// field after norm.
func sameValues[T any](t *testing.T, what string, got, fixture []*T, id func(*T) string, norm func(T) T) {
	t.Helper()
	want := slices.Clone(fixture)
	slices.SortFunc(want, func(a, b *T) int { return strings.Compare(id(a), id(b)) })
	if len(got) != len(want) {
		t.Fatalf("%s: got %d, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] == nil {
			t.Errorf("%s[%d]: nil", what, i)
			continue
		}
		if g, w := norm(*got[i]), norm(*want[i]); !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s:\n got %#v\nwant %#v", what, id(want[i]), g, w)
		}
	}
}

func rawCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
