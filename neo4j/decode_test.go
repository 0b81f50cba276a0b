package neo4j

import (
	"errors"
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

func TestDecodeAll(t *testing.T) {
	bad := errors.New("bad item")
	decode := func(v any) (string, error) {
		if v == "x" {
			return "", bad
		}
		return toString(v) + "!", nil
	}
	for _, tc := range []struct {
		name  string
		items []any
		want  []string
		err   error
	}{
		{"none is an empty list, not nil", nil, []string{}, nil},
		{"each item in order", []any{"a", "b"}, []string{"a!", "b!"}, nil},
		{"the first error stops it", []any{"a", "x", "b"}, nil, bad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeAll(tc.items, decode)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if !slices.Equal(got, tc.want) || (tc.want != nil && got == nil) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestFilterAddsOnlySetFields(t *testing.T) {
	day, err := cg.ParseDate("2025-03")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		f         cg.CommitmentFilter
		conds     []string
		paramKeys []string
	}{
		{"nothing set", cg.CommitmentFilter{}, nil, nil},
		{"ids and statuses", cg.CommitmentFilter{IDs: []string{"c1"}, Statuses: []cg.Status{cg.StatusRefused}},
			[]string{commitmentByID, commitmentByStatus}, []string{"ids", "statuses"}},
		{"a date range", cg.CommitmentFilter{From: day, To: day},
			[]string{commitmentFrom, commitmentTo}, []string{"from", "to"}},
		{"an empty list is not set", cg.CommitmentFilter{ActorIDs: []string{}}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conds, params := commitmentConds(tc.f)
			if !slices.Equal(conds, tc.conds) {
				t.Errorf("conditions %q, want %q", conds, tc.conds)
			}
			var keys []string
			for k := range params {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, tc.paramKeys) {
				t.Errorf("parameters %q, want %q", keys, tc.paramKeys)
			}
		})
	}
	// The range's parameters are its first day and the day after it.
	_, params := commitmentConds(cg.CommitmentFilter{From: day, To: day})
	if params["from"] != "2025-03-01" || params["to"] != "2025-04-01" {
		t.Errorf("range parameters %v, %v; want 2025-03-01, 2025-04-01", params["from"], params["to"])
	}
}
