package coalitiongraph

import (
	"cmp"
	"encoding/base64"
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
}

// Key is the cursor's sort key as SortKey gives it, for backends that
// compare in their own query language.
func (k CursorKey) Key() string {
	if k.Order.OrDefault() == OrderID {
		return ""
	}
	return k.Date.String()
}

// Valid reports whether o is one of the orders, the empty default included.
func (o CommitmentOrder) Valid() bool {
	switch o {
	case "", OrderDateAsc, OrderDateDesc, OrderID:
		return true
	}
	return false
}

// OrDefault gives the order a listing uses when the request leaves it empty.
func (o CommitmentOrder) OrDefault() CommitmentOrder {
	if o == "" {
		return OrderDateAsc
	}
	return o
}

// SortKey is the primary sort key of c in the order: Date.String() for the
// date orders ("" when unknown) and "" for OrderID, where the id alone orders.
func SortKey(c *Commitment, order CommitmentOrder) string {
	if order.OrDefault() == OrderID {
		return ""
	}
	return c.Date.String()
}

// CompareKeys compares two positions given by sort keys: by key, where
// unknown dates ("") sort last in both date directions, then by id
// ascending. It is the definition the faster comparisons below follow.
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

func comparePositions(order CommitmentOrder, aDate Date, aID string, bDate Date, bID string) int {
	if order != OrderID {
		if c := compareDates(order, aDate, bDate); c != 0 {
			return c
		}
	}
	return strings.Compare(aID, bID)
}

// CompareCommitments returns a comparison in the order, for slices.SortFunc.
func CompareCommitments(order CommitmentOrder) func(a, b *Commitment) int {
	order = order.OrDefault()
	return func(a, b *Commitment) int {
		return comparePositions(order, a.Date, a.ID, b.Date, b.ID)
	}
}

// CommitmentLess reports whether a comes before b in the order.
func CommitmentLess(order CommitmentOrder) func(a, b *Commitment) bool {
	compare := CompareCommitments(order)
	return func(a, b *Commitment) bool { return compare(a, b) < 0 }
}

// Before reports whether the cursor position comes strictly before c, that
// is whether c belongs to the pages after the cursor.
func (k CursorKey) Before(c *Commitment) bool {
	return comparePositions(k.Order.OrDefault(), k.Date, k.ID, c.Date, c.ID) < 0
}

// EncodeCursor makes the opaque cursor that points at c in the order.
func EncodeCursor(c *Commitment, order CommitmentOrder) string {
	order = order.OrDefault()
	raw := cursorVersion + "|" + string(order) + "|" + SortKey(c, order) + "|" + c.ID
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
	key := parts[2]
	if order == OrderID && key != "" {
		return bad("not a cursor")
	}
	// Only canonical date strings: any other key would compare in a way
	// no commitment's key does.
	d, err := ParseDate(key)
	if err != nil || d.String() != key {
		return bad("not a cursor")
	}
	return CursorKey{Order: order, Date: d, ID: parts[3]}, nil
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
