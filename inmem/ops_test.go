package inmem

import (
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The request log's operation names are the domain's (cg.Operations), so
// that a log moves between stores; until write.go takes them from cg, this
// keeps the copies equal.
func TestOperationNamesAreTheDomains(t *testing.T) {
	for op, want := range map[Op]cg.Operation{
		OpRecord: cg.OpRecordCommitment, OpChange: cg.OpChangeCommitment, OpRetract: cg.OpRetractCommitment,
		OpPutEntity: cg.OpPutEntity, OpPutSource: cg.OpPutSource,
	} {
		if string(op) != string(want) {
			t.Errorf("inmem %s, the domain %s", op, want)
		}
	}
}
