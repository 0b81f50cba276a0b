package coalitiongraph

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// Keyset pagination of commitment listings. A cursor names the position of
// the last commitment of a page (its sort key and id), not an offset, so that
// a page stays correct when commitments are added or removed before it.
// Every backend orders and compares through the functions below so that a
// cursor issued by one backend means the same position in another.

// cursorVersion prefixes every cursor so that the format can change without
// old cursors being misread.
const cursorVersion = "v1"

// CursorKey is the position a cursor points at.
type CursorKey struct {
	Order CommitmentOrder
	// Date is the date of the commitment the cursor was made from; it is
	// zero for OrderID, where the id alone orders.
	Date Date
	ID   string
	// Name is the actor's folded name (OrderActorName), Count the
	// evidence or source count (the count orders); zero otherwise.
	Name  string
	Count int
}

// Key is the cursor's date as SortKey gives it, for backends that compare
// in their own query language: the primary key of the date orders, the
// tie-break of the name and count orders.
func (k CursorKey) Key() string {
	if k.Order.OrDefault() == OrderID {
		return ""
	}
	return k.Date.String()
}

// Valid reports whether o is one of the orders, the empty default included.
func (o CommitmentOrder) Valid() bool {
	return o == "" || slices.Contains(CommitmentOrders, o)
}

// OrDefault gives the order a listing uses when the request leaves it empty.
func (o CommitmentOrder) OrDefault() CommitmentOrder {
	if o == "" {
		return OrderDateAsc
	}
	return o
}

// NeedsActorName reports whether the order sorts by something a
// commitment does not hold: its actor's name.
func (o CommitmentOrder) NeedsActorName() bool { return o == OrderActorName }

// SourceCount is the number of distinct sources c's evidence cites.
func SourceCount(c *Commitment) int {
	ids := make([]string, 0, len(c.Evidence))
	for _, e := range c.Evidence {
		ids = append(ids, e.SourceID)
	}
	slices.Sort(ids)
	return len(slices.Compact(ids))
}

// PositionOf is where c stands in the order; actorName is the folded name
// of c's actor (FoldName of its name), read only by OrderActorName.
func PositionOf(c *Commitment, order CommitmentOrder, actorName string) CursorKey {
	order = order.OrDefault()
	k := CursorKey{Order: order, ID: c.ID}
	if order != OrderID {
		k.Date = c.Date
	}
	switch order {
	case OrderActorName:
		k.Name = actorName
	case OrderEvidenceCountDesc:
		k.Count = len(c.Evidence)
	case OrderSourceCountDesc:
		k.Count = SourceCount(c)
	}
	return k
}

// SortKey is the primary sort key of c in a date order: Date.String()
// ("" when unknown), and "" for OrderID, where the id alone orders.
func SortKey(c *Commitment, order CommitmentOrder) string {
	if order.OrDefault() == OrderID {
		return ""
	}
	return c.Date.String()
}

// CompareKeys compares two positions of a date order or OrderID given by
// sort keys: by key, where unknown dates ("") sort last in both date
// directions, then by id ascending. compareDates follows it.
func CompareKeys(order CommitmentOrder, aKey, aID, bKey, bID string) int {
	if order.OrDefault() != OrderID && aKey != bKey {
		switch {
		case aKey == "":
			return 1
		case bKey == "":
			return -1
		}
		c := strings.Compare(aKey, bKey)
		if order == OrderDateDesc {
			c = -c
		}
		return c
	}
	return strings.Compare(aID, bID)
}

// compareDates orders dates as CompareKeys orders their strings, without
// formatting them: a missing month or day is 0, so "2025" < "2025-01" <
// "2025-01-01", and unknown dates come last either way.
func compareDates(order CommitmentOrder, a, b Date) int {
	if a == b {
		return 0
	}
	switch {
	case !a.Known():
		return 1
	case !b.Known():
		return -1
	}
	c := cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Month, b.Month), cmp.Compare(a.Day, b.Day))
	if order == OrderDateDesc {
		c = -c
	}
	return c
}

// comparePositions is the definition of every order: the name ascending or
// the count descending first, then the date (descending only in
// OrderDateDesc, unknown last), then the id.
func comparePositions(a, b CursorKey) int {
	order := a.Order
	switch order {
	case OrderID:
		return strings.Compare(a.ID, b.ID)
	case OrderActorName:
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
	case OrderEvidenceCountDesc, OrderSourceCountDesc:
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
	}
	if c := compareDates(order, a.Date, b.Date); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// CompareCommitments returns a comparison in the order, for slices.SortFunc.
// It cannot see actor names: for OrderActorName use SortCommitments.
func CompareCommitments(order CommitmentOrder) func(a, b *Commitment) int {
	order = order.OrDefault()
	return func(a, b *Commitment) int {
		return comparePositions(PositionOf(a, order, ""), PositionOf(b, order, ""))
	}
}

// SortCommitments sorts cs in the order, each position computed once;
// actorName gives an actor's folded name (nil when the order needs none).
func SortCommitments(cs []*Commitment, order CommitmentOrder, actorName func(id string) string) {
	order = order.OrDefault()
	pos := make([]CursorKey, len(cs))
	for i, c := range cs {
		name := ""
		if order.NeedsActorName() && actorName != nil {
			name = actorName(c.ActorID)
		}
		pos[i] = PositionOf(c, order, name)
	}
	// The positions stay put and numbers are sorted: moving the positions
	// themselves (strings inside) ran a write barrier per move whenever a
	// collection was under way, and on a 1M store's heap one nearly
	// always is (a 200,000-commitment sort took 0.5-3.8 s, now a fraction).
	idx := make([]int32, len(cs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return comparePositions(pos[a], pos[b]) })
	sorted := make([]*Commitment, len(cs))
	for i, j := range idx {
		sorted[i] = cs[j]
	}
	copy(cs, sorted)
}

// CommitmentLess reports whether a comes before b in the order.
func CommitmentLess(order CommitmentOrder) func(a, b *Commitment) bool {
	compare := CompareCommitments(order)
	return func(a, b *Commitment) bool { return compare(a, b) < 0 }
}

// Before reports whether the cursor position comes strictly before c, that
// is whether c belongs to the pages after the cursor.
func (k CursorKey) Before(c *Commitment) bool {
	return k.BeforeNamed(c, "")
}

// BeforeNamed is Before for a commitment whose actor's folded name is
// actorName (read by OrderActorName only).
func (k CursorKey) BeforeNamed(c *Commitment, actorName string) bool {
	k.Order = k.Order.OrDefault()
	return comparePositions(k, PositionOf(c, k.Order, actorName)) < 0
}

// EncodeCursor makes the opaque cursor that points at c in the order. For
// OrderActorName use EncodeCursorNamed.
func EncodeCursor(c *Commitment, order CommitmentOrder) string {
	return EncodeCursorNamed(c, order, "")
}

// EncodeCursorNamed makes the cursor that points at c, whose actor's
// folded name is actorName, in the order.
func EncodeCursorNamed(c *Commitment, order CommitmentOrder, actorName string) string {
	return EncodeKey(PositionOf(c, order, actorName))
}

// EncodeKey makes the opaque cursor of a position. The key field is the
// date for the date orders, "" for OrderID, and for the others the name
// (base64, so that any character may appear in it) or the count, then "~"
// and the date.
func EncodeKey(k CursorKey) string {
	order := k.Order.OrDefault()
	key := ""
	switch order {
	case OrderID:
	case OrderDateAsc, OrderDateDesc:
		key = k.Date.String()
	case OrderActorName:
		key = base64.RawURLEncoding.EncodeToString([]byte(k.Name)) + "~" + k.Date.String()
	default:
		key = strconv.Itoa(k.Count) + "~" + k.Date.String()
	}
	raw := cursorVersion + "|" + string(order) + "|" + key + "|" + k.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeCursor reads a cursor made by EncodeCursor for the same order. A
// cursor that is malformed or was made for another order is a bad input of
// the field "after": resuming it would silently skip or repeat commitments.
func DecodeCursor(s string, order CommitmentOrder) (CursorKey, error) {
	order = order.OrDefault()
	bad := func(why string) (CursorKey, error) {
		return CursorKey{}, &Error{Code: CodeBadInput, Field: "after", Message: "invalid cursor: " + why}
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return bad("not a cursor")
	}
	parts := strings.SplitN(string(raw), "|", 4)
	if len(parts) != 4 || parts[0] != cursorVersion || parts[3] == "" {
		return bad("not a cursor")
	}
	if CommitmentOrder(parts[1]) != order {
		return bad("made for order " + parts[1] + ", not " + string(order))
	}
	k := CursorKey{Order: order, ID: parts[3]}
	key := parts[2]
	switch order {
	case OrderID:
		if key != "" {
			return bad("not a cursor")
		}
		return k, nil
	case OrderActorName, OrderEvidenceCountDesc, OrderSourceCountDesc:
		first, date, ok := strings.Cut(key, "~")
		if !ok {
			return bad("not a cursor")
		}
		if order == OrderActorName {
			name, err := base64.RawURLEncoding.Strict().DecodeString(first)
			if err != nil {
				return bad("not a cursor")
			}
			k.Name = string(name)
		} else {
			n, err := strconv.Atoi(first)
			if err != nil || n < 0 || strconv.Itoa(n) != first {
				return bad("not a cursor")
			}
			k.Count = n
		}
		key = date
	}
	// Only canonical date strings: any other key would compare in a way
	// no commitment's key does.
	d, err := ParseDate(key)
	if err != nil || d.String() != key {
		return bad("not a cursor")
	}
	k.Date = d
	return k, nil
}

// ParsePage checks a page request and reads its cursor: First must not be
// negative, Order must be one of the orders ("" is DATE_ASC) and After ""
// or a cursor of that order. after is nil when the listing starts at the top.
func ParsePage(p Page) (order CommitmentOrder, after *CursorKey, err error) {
	if p.First < 0 {
		return "", nil, &Error{Code: CodeBadInput, Field: "first", Message: "first must not be negative"}
	}
	if !p.Order.Valid() {
		return "", nil, &Error{Code: CodeBadInput, Field: "order", Message: "unknown order " + string(p.Order)}
	}
	order = p.Order.OrDefault()
	if p.After == "" {
		return order, nil, nil
	}
	k, err := DecodeCursor(p.After, order)
	if err != nil {
		return "", nil, err
	}
	return order, &k, nil
}
