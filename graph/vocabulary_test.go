package graph

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// loadSchema is the schema as gqlgen embedded it from graph/*.graphqls,
// parsed by gqlparser (go generate keeps it current; CI checks).
func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	s := NewExecutableSchema(Config{}).Schema()
	if s == nil || s.Query == nil {
		t.Fatal("no schema")
	}
	return s
}

func names[T ~string](vs ...[]T) []string {
	var out []string
	for _, list := range vs {
		for _, v := range list {
			out = append(out, string(v))
		}
	}
	return out
}

// The schema's enums are the domain's vocabulary, value for value and in
// its display order: a kind added to vocabulary.go and not to the schema
// (or the reverse) fails here instead of at the first request that meets it.
func TestSchemaEnumsAreTheVocabulary(t *testing.T) {
	schema := loadSchema(t)
	for _, tc := range []struct {
		enum string
		want []string
	}{
		{"EntityKind", names(cg.EntityKinds)},
		{"CommitmentKind", names(cg.CommitmentKinds)},
		{"RelationKind", names(cg.RelationKinds)},
		{"EdgeKind", names(cg.CommitmentKinds, cg.RelationKinds)},
		{"Status", names(cg.Statuses)},
		{"StanceState", names(cg.StanceStates)},
		{"CoalitionRole", names(cg.CoalitionRoles)},
		{"CommitmentOrder", names(cg.CommitmentOrders)},
		{"DatePrecision", names([]cg.Precision{cg.PrecisionDay, cg.PrecisionMonth, cg.PrecisionYear, cg.PrecisionUnknown})},
	} {
		t.Run(tc.enum, func(t *testing.T) {
			def := schema.Types[tc.enum]
			if def == nil || def.Kind != ast.Enum {
				t.Fatalf("no enum %s in the schema", tc.enum)
			}
			var got []string
			for _, v := range def.EnumValues {
				got = append(got, v.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("schema %s\n  %q\nthe domain has\n  %q", tc.enum, got, tc.want)
			}
		})
	}
}

// The arguments' defaults and documented bounds are the limits the
// resolvers and stores enforce.
func TestSchemaDefaultsAreWithinTheLimits(t *testing.T) {
	query := loadSchema(t).Query
	arg := func(field, name string) (*ast.FieldDefinition, *ast.ArgumentDefinition) {
		t.Helper()
		f := query.Fields.ForName(field)
		if f == nil {
			t.Fatalf("no Query.%s", field)
		}
		a := f.Arguments.ForName(name)
		if a == nil {
			t.Fatalf("no Query.%s(%s)", field, name)
		}
		return f, a
	}
	intDefault := func(field string, a *ast.ArgumentDefinition) int {
		t.Helper()
		if a.DefaultValue == nil {
			t.Fatalf("Query.%s(%s) has no default", field, a.Name)
		}
		n, err := strconv.Atoi(a.DefaultValue.Raw)
		if err != nil {
			t.Fatalf("Query.%s(%s) default %q: %v", field, a.Name, a.DefaultValue.Raw, err)
		}
		return n
	}

	firsts := 0
	for _, f := range query.Fields {
		a := f.Arguments.ForName("first")
		if a == nil {
			continue
		}
		firsts++
		if f.Arguments.ForName("last") != nil {
			// A Relay connection: a default first would cut a last
			// window short, so the page size applies only when neither is
			// given, and the description says so.
			if !strings.Contains(f.Description, fmt.Sprintf("first defaults to %d", DefaultPage)) {
				t.Errorf("Query.%s documents %q; without first or last it answers DefaultPage = %d", f.Name, f.Description, DefaultPage)
			}
			continue
		}
		if n := intDefault(f.Name, a); n < 1 || n > MaxFirst {
			t.Errorf("Query.%s(first) defaults to %d, outside 1..%d (MaxFirst)", f.Name, n, MaxFirst)
		}
	}
	if firsts < 3 {
		t.Errorf("%d fields with a first argument; the schema has at least commitments, entities and search", firsts)
	}
	if f, _ := arg("commitments", "first"); !strings.Contains(f.Description, fmt.Sprintf("first at most %d", MaxFirst)) {
		t.Errorf("Query.commitments documents %q; the limit is MaxFirst = %d", f.Description, MaxFirst)
	}
	if _, a := arg("commitments", "orderBy"); a.DefaultValue == nil || a.DefaultValue.Raw != string(cg.CommitmentOrder("").OrDefault()) {
		t.Errorf("Query.commitments(orderBy) defaults to %v; the stores' default is %s", a.DefaultValue, cg.CommitmentOrder("").OrDefault())
	}

	// The matrix pages its rows by the domain's sizes.
	if f, a := arg("matrix", "first"); intDefault("matrix", a) != cg.DefaultMatrixRows ||
		!strings.Contains(f.Description, fmt.Sprintf("first defaults to %d, first at most %d", cg.DefaultMatrixRows, cg.MaxMatrixRows)) {
		t.Errorf("Query.matrix(first) defaults to %v and documents %q; the domain pages by cg.DefaultMatrixRows = %d, at most cg.MaxMatrixRows = %d",
			a.DefaultValue, f.Description, cg.DefaultMatrixRows, cg.MaxMatrixRows)
	}
	if cg.MaxMatrixRows > MaxFirst || cg.DefaultMatrixRows > cg.MaxMatrixRows {
		t.Errorf("matrix pages of %d, at most %d: beyond the API's MaxFirst = %d", cg.DefaultMatrixRows, cg.MaxMatrixRows, MaxFirst)
	}

	for _, tc := range []struct {
		field, arg string
		min        int
	}{
		{"paths", "maxHops", 1},
		{"subgraph", "depth", 0},
	} {
		f, a := arg(tc.field, tc.arg)
		if n := intDefault(tc.field, a); n < tc.min || n > cg.MaxHops {
			t.Errorf("Query.%s(%s) defaults to %d, outside %d..%d (cg.MaxHops)", tc.field, tc.arg, n, tc.min, cg.MaxHops)
		}
		if bounds := fmt.Sprintf("(%d to %d)", tc.min, cg.MaxHops); !strings.Contains(f.Description, bounds) {
			t.Errorf("Query.%s documents %q; the stores accept %s %s", tc.field, f.Description, tc.arg, bounds)
		}
	}
}
