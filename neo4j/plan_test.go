package neo4j

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// explain returns every operator of the plan Neo4j runs cypher with, each
// as "Operator: details". It reads a PROFILE, not an EXPLAIN: driver
// v5.28.4's Plan.Children returns the last child in every place (it takes
// the address of its loop variable under Go 1.18 semantics), which hides
// the left branch of every Apply; ProfiledPlan.Children copies each child.
func explain(t *testing.T, s *Store, cypher string, params map[string]any) []string {
	t.Helper()
	ctx := context.Background()
	sess := s.session(ctx, nd.AccessModeRead)
	defer sess.Close(ctx)
	plan, err := sess.ExecuteRead(ctx, func(tx nd.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "PROFILE "+cypher, params)
		if err != nil {
			return nil, err
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return nil, err
		}
		return sum.Profile(), nil
	})
	if err != nil {
		t.Fatalf("PROFILE: %v\n%s", err, cypher)
	}
	var ops []string
	var walk func(p nd.ProfiledPlan)
	walk = func(p nd.ProfiledPlan) {
		ops = append(ops, fmt.Sprintf("%s: %v", p.Operator(), p.Arguments()["Details"]))
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(plan.(nd.ProfiledPlan))
	return ops
}

// The aggregates' plans read only what a kind, actor or target filter
// selects: no expansion over commitment types the filter left out, and no
// scan of every entity or relationship when an end is named.
func TestPlansUseTheFilters(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Synthetic(2000, 40, 3))
	kind := cg.OffersTroops
	for _, tc := range []struct {
		name string
		f    cg.CommitmentFilter
		// noScan: an end is named, so nothing may scan a label or type.
		noScan bool
	}{
		{"kind", cg.CommitmentFilter{Kinds: []cg.EdgeKind{kind}}, false},
		{"kind and actor", cg.CommitmentFilter{Kinds: []cg.EdgeKind{kind}, ActorIDs: []string{"e00001"}}, true},
		{"actor", cg.CommitmentFilter{ActorIDs: []string{"e00001"}}, true},
		{"target", cg.CommitmentFilter{TargetIDs: []string{"e00002"}}, true},
	} {
		for _, q := range []struct{ name, current, asOf string }{
			{"counts", countsTemplate, asOfCountsTemplate},
			{"matrix", matrixTemplate + matrixReturn, asOfMatrixTemplate + matrixReturn},
		} {
			t.Run(q.name+" by "+tc.name, func(t *testing.T) {
				cypher, params := aggregateQuery(tc.f, q.current, q.asOf)
				ops := explain(t, s, cypher, params)
				plan := strings.Join(ops, "\n")
				for _, op := range ops {
					if len(tc.f.Kinds) > 0 {
						for _, k := range cg.CommitmentKinds {
							if k != kind && (strings.Contains(op, ":"+string(k)) || strings.Contains(op, "|"+string(k))) {
								t.Fatalf("plan reads %s, which the kind filter leaves out:\n%s", k, plan)
							}
						}
					}
					if tc.noScan && (strings.HasPrefix(op, "NodeByLabelScan") || strings.HasPrefix(op, "AllNodesScan") ||
						strings.Contains(strings.SplitN(op, ":", 2)[0], "RelationshipTypeScan") ||
						strings.HasPrefix(op, "DirectedAllRelationshipsScan") || strings.HasPrefix(op, "UndirectedAllRelationshipsScan")) {
						t.Fatalf("plan scans although an end is named (%s):\n%s", op, plan)
					}
				}
			})
		}
	}
}
