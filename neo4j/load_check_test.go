package neo4j

import (
	"errors"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// planLoad refuses, without a server, what the domain's Check refuses and
// what Load does not import; the fixture plans.
func TestPlanLoadChecks(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(ds *cg.Dataset)
		want []string
	}{
		{"the fixture", func(*cg.Dataset) {}, nil},
		{"the domain's rules", func(ds *cg.Dataset) {
			ds.Commitments[0].TargetID = "nope"
			ds.Relations[0].Kind = cg.OffersTroops
		}, []string{`unknown target "nope"`, "is not a relation kind"}},
		{"a second version", func(ds *cg.Dataset) {
			v2 := *ds.Commitments[0]
			v2.Version = 2
			ds.Commitments = append(ds.Commitments, &v2)
		}, []string{`duplicate id "c01-fra-troops"`, "one version of each commitment"}},
		{"a retracted version", func(ds *cg.Dataset) { ds.Commitments[0].Retracted = true }, []string{"a retracted version cannot be loaded"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := storetest.Fixture()
			tc.edit(ds)
			p, err := planLoad(ds, 0)
			if tc.want == nil {
				if err != nil || p.stats.Commitments != len(ds.Commitments) {
					t.Fatalf("planLoad = %+v, %v", p, err)
				}
				return
			}
			if cg.ErrorCode(err) != cg.CodeBadInput || !errors.Is(err, cg.ErrInvalidDataset) {
				t.Fatalf("planLoad = %v; want BAD_USER_INPUT wrapping cg.ErrInvalidDataset", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("planLoad = %v\nwant it to name %q", err, w)
				}
			}
		})
	}
}

// The request log's operation names are the domain's (cg.Operations);
// until write.go takes them from cg, this keeps the copies equal.
func TestOperationNamesAreTheDomains(t *testing.T) {
	for op, want := range map[string]cg.Operation{
		opRecord: cg.OpRecordCommitment, opChange: cg.OpChangeCommitment, opRetract: cg.OpRetractCommitment,
		opPutEntity: cg.OpPutEntity, opPutSource: cg.OpPutSource,
	} {
		if op != string(want) {
			t.Errorf("neo4j %s, the domain %s", op, want)
		}
	}
}
