package coalitiongraph

import (
	"reflect"
	"testing"
)

func TestClonesShareNoSlices(t *testing.T) {
	c := &Commitment{ID: "c", Conditions: []string{"a"}, Evidence: []Evidence{{SourceID: "s", Quote: "q"}}}
	e := &Entity{ID: "e", Aliases: []string{"a"}, Evidence: []Evidence{{SourceID: "s", Quote: "q"}}}
	cc, ec := c.Clone(), e.Clone()
	if !reflect.DeepEqual(c, cc) || !reflect.DeepEqual(e, ec) {
		t.Fatalf("clones %+v, %+v differ from %+v, %+v", cc, ec, c, e)
	}
	cc.Conditions[0], cc.Evidence[0].Quote = "changed", "changed"
	ec.Aliases[0], ec.Evidence[0].Quote = "changed", "changed"
	if c.Conditions[0] != "a" || c.Evidence[0].Quote != "q" || e.Aliases[0] != "a" || e.Evidence[0].Quote != "q" {
		t.Errorf("changing a clone changed its original: %+v, %+v", c, e)
	}
}

// The names are persisted in request logs: they must stay distinct.
func TestOperationNamesDistinct(t *testing.T) {
	seen := map[Operation]bool{}
	for _, op := range Operations {
		if op == "" || seen[op] {
			t.Errorf("operation %q empty or listed twice", op)
		}
		seen[op] = true
	}
}
