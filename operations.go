package coalitiongraph

import "slices"

// Operation names a kind of write, as every store's request log keeps it:
// a request id replayed for another operation is refused (RequestReused),
// so the stores must agree on the names. The durable stores persist them;
// changing one orphans the logged requests.
type Operation string

const (
	OpRecordCommitment  Operation = "RECORD_COMMITMENT"
	OpChangeCommitment  Operation = "CHANGE_COMMITMENT"
	OpRetractCommitment Operation = "RETRACT_COMMITMENT"
	OpPutEntity         Operation = "PUT_ENTITY"
	OpPutSource         Operation = "PUT_SOURCE"
)

// Operations lists every write operation.
var Operations = []Operation{OpRecordCommitment, OpChangeCommitment, OpRetractCommitment, OpPutEntity, OpPutSource}

// Clone copies c deeply enough that changing the copy's slices leaves c
// as it was: a store keeps a clone of what a caller hands it.
func (c *Commitment) Clone() *Commitment {
	out := *c
	out.Conditions, out.Evidence = slices.Clone(c.Conditions), slices.Clone(c.Evidence)
	return &out
}

// Clone copies e deeply enough that changing the copy's slices leaves e
// as it was.
func (e *Entity) Clone() *Entity {
	out := *e
	out.Aliases, out.Evidence = slices.Clone(e.Aliases), slices.Clone(e.Evidence)
	return &out
}
