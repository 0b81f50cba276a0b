package coalitiongraph

import (
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
	// Key is the sort key (see SortKey) of the commitment the cursor was
	// made from: its date string for the date orders, "" for OrderID.
	Key string
	ID  string
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

// CompareKeys compares two positions in the order: by key, where unknown
// dates ("") sort last in both date directions, then by id ascending.
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

// CompareCommitments returns a comparison in the order, for slices.SortFunc.
func CompareCommitments(order CommitmentOrder) func(a, b *Commitment) int {
	order = order.OrDefault()
	return func(a, b *Commitment) int {
		return CompareKeys(order, SortKey(a, order), a.ID, SortKey(b, order), b.ID)
	}
}

// CommitmentLess reports whether a comes before b in the order.
func CommitmentLess(order CommitmentOrder) func(a, b *Commitment) bool {
	cmp := CompareCommitments(order)
	return func(a, b *Commitment) bool { return cmp(a, b) < 0 }
}

// Before reports whether the cursor position comes strictly before c, that
// is whether c belongs to the pages after the cursor.
func (k CursorKey) Before(c *Commitment) bool {
	return CompareKeys(k.Order, k.Key, k.ID, SortKey(c, k.Order), c.ID) < 0
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
	if key != "" {
		// Only canonical date strings: any other key would compare in a
		// way no commitment's key does.
		d, err := ParseDate(key)
		if err != nil || d.String() != key {
			return bad("not a cursor")
		}
	}
	return CursorKey{Order: order, Key: key, ID: parts[3]}, nil
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
