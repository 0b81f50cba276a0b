package inmem

import (
	"slices"
	"sync"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// datedMin is the number of commitments on one side of an entity from
// which its pages in a date order are cut from a list kept in that order
// (datedLists) rather than chosen from its id-ordered list by CutPage: at
// 1M the top actor's 200,000 commitments cost CutPage 24 ms a page, and a
// few hundred cost microseconds. A variable for the tests.
var datedMin = 512

// datedLists holds, for the entities with at least datedMin commitments on
// a side, those commitments in OrderDateAsc and OrderDateDesc: each list
// made on the first page read that needs it (a sort of the entity's
// commitments, once) and kept in order by every write after it, so that a
// store that never reads a giant's pages pays nothing for them.
type datedLists struct {
	mu    sync.Mutex
	lists map[datedKey][]*cg.Commitment
}

type datedKey struct {
	side   cg.Side
	order  cg.CommitmentOrder
	entity string
}

// datedOrders are the orders datedLists keeps; OrderID is the indexes' own.
var datedOrders = []cg.CommitmentOrder{cg.OrderDateAsc, cg.OrderDateDesc}

// get returns the entity's commitments on the side in the order, from
// byID (that side's id-ordered list), making the list the first time. The
// caller holds s.mu for reading; the list is not to be changed.
func (d *datedLists) get(side cg.Side, order cg.CommitmentOrder, entity string, byID []*cg.Commitment) []*cg.Commitment {
	k := datedKey{side, order, entity}
	d.mu.Lock()
	defer d.mu.Unlock()
	if l, ok := d.lists[k]; ok {
		return l
	}
	l := slices.Clone(byID)
	cg.SortCommitments(l, order, nil)
	if d.lists == nil {
		d.lists = map[datedKey][]*cg.Commitment{}
	}
	d.lists[k] = l
	return l
}

// change puts c into (d = 1) or takes it out of (d = -1) the lists made for
// its actor and its target. The caller holds s.mu for writing, so no
// reader holds a list (a read copies its page out under s.mu).
func (d *datedLists) change(c *cg.Commitment, delta int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.lists) == 0 {
		return
	}
	for _, end := range []struct {
		side   cg.Side
		entity string
	}{{cg.SideMade, c.ActorID}, {cg.SideReceived, c.TargetID}} {
		for _, o := range datedOrders {
			k := datedKey{end.side, o, end.entity}
			l, ok := d.lists[k]
			if !ok {
				continue
			}
			i, found := slices.BinarySearchFunc(l, c, cg.CompareCommitments(o))
			switch {
			case delta > 0 && !found:
				l = slices.Insert(l, i, c)
			case delta < 0 && found:
				l = slices.Delete(l, i, i+1)
			}
			d.lists[k] = l
		}
	}
}
