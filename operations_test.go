package coalitiongraph

import (
	"reflect"
	"testing"
)

func TestClonesShareNoSlices(t *testing.T) {
	c := &Commitment{ID: "c", Conditions: []string{"a"}, Evidence: []Evidence{{SourceID: "s", Quote: "q"}}}
	cc := c.Clone()
	if !reflect.DeepEqual(c, cc) {
		t.Fatalf("clone %+v differs from %+v", cc, c)
	}
	cc.Conditions[0], cc.Evidence[0].Quote = "changed", "changed"
	if c.Conditions[0] != "a" || c.Evidence[0].Quote != "q" {
		t.Errorf("changing the commitment's clone changed it: %+v", c)
	}

	e := &Entity{ID: "e", Aliases: []string{"a"}, Evidence: []Evidence{{SourceID: "s", Quote: "q"}}}
	ec := e.Clone()
	if !reflect.DeepEqual(e, ec) {
		t.Fatalf("clone %+v differs from %+v", ec, e)
	}
	ec.Aliases[0], ec.Evidence[0].Quote = "changed", "changed"
	if e.Aliases[0] != "a" || e.Evidence[0].Quote != "q" {
		t.Errorf("changing the entity's clone changed it: %+v", e)
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
