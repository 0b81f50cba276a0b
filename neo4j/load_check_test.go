package neo4j

import (
	"errors"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// planLoad refuses, without a server, what the domain's Check refuses
// (with its error) and what Load does not import; the fixture plans.
func TestPlanLoadChecks(t *testing.T) {
	if p, err := planLoad(storetest.Fixture(), 0); err != nil || p.stats.Commitments != 21 {
		t.Fatalf("the fixture: %+v, %v", p, err)
	}
	broken := storetest.Fixture()
	broken.Commitments[0].TargetID = "nope"
	if _, err := planLoad(broken, 0); err == nil || err.Error() != broken.Check().Error() {
		t.Errorf("planLoad = %v; want the domain's %v", err, broken.Check())
	}
	twice := storetest.Fixture()
	v2 := *twice.Commitments[0]
	v2.Version = 2
	twice.Commitments = append(twice.Commitments, &v2)
	retracted := storetest.Fixture()
	retracted.Commitments[0].Retracted = true
	for ds, want := range map[*cg.Dataset]string{twice: "one version of each commitment", retracted: "a retracted version cannot be loaded"} {
		_, err := planLoad(ds, 0)
		if cg.ErrorCode(err) != cg.CodeBadInput || !errors.Is(err, cg.ErrInvalidDataset) || !strings.Contains(err.Error(), want) {
			t.Errorf("planLoad = %v; want BAD_USER_INPUT wrapping cg.ErrInvalidDataset, naming %q", err, want)
		}
	}
}
