package coalitiongraph

import (
	"cmp"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Relay-style windows over a listing that is already in its order: the
// lists a dataloader brings whole (an entity's commitments, a source's
// facts, a history) are paged here, once, for every store. The cursors are
// those of cursor.go: a cursor names a position (sort key and id), so a
// page stays right when items are added before it.

// Window asks for part of a listing the Relay way: the items after After
// and before Before, then the first First of them or the last Last.
// Zero First and Last mean no bound; cursors "" mean the ends.
type Window struct {
	First, Last   int
	After, Before string
}

// WindowPage is one window of a listing.
type WindowPage[T any] struct {
	Items []T
	// HasPrevious and HasNext say whether the listing has items before the
	// first and after the last item of the window (the whole listing, not
	// only the part between the cursors).
	HasPrevious, HasNext bool
	// Total is the length of the whole listing.
	Total int
}

// Check refuses negative bounds, naming the argument.
func (w Window) Check() error {
	switch {
	case w.First < 0:
		return &Error{Code: CodeBadInput, Field: "first", Message: "first must not be negative"}
	case w.Last < 0:
		return &Error{Code: CodeBadInput, Field: "last", Message: "last must not be negative"}
	}
	return nil
}

// Apply cuts the window out of items, which are sorted by their position;
// at decodes a cursor (its field name is "after" or "before") into a
// function giving an item's place relative to the cursor's position:
// negative before it, 0 at it, positive after it.
func Apply[T any](items []T, w Window, at func(cursor, field string) (func(T) int, error)) (*WindowPage[T], error) {
	if err := w.Check(); err != nil {
		return nil, err
	}
	lo, hi := 0, len(items)
	if w.After != "" {
		rel, err := at(w.After, "after")
		if err != nil {
			return nil, err
		}
		lo = sort.Search(len(items), func(i int) bool { return rel(items[i]) > 0 })
	}
	if w.Before != "" {
		rel, err := at(w.Before, "before")
		if err != nil {
			return nil, err
		}
		hi = sort.Search(len(items), func(i int) bool { return rel(items[i]) >= 0 })
	}
	hi = max(hi, lo)
	if w.First > 0 && hi-lo > w.First {
		hi = lo + w.First
	}
	if w.Last > 0 && hi-lo > w.Last {
		lo = hi - w.Last
	}
	return &WindowPage[T]{Items: items[lo:hi:hi], HasPrevious: lo > 0, HasNext: hi < len(items), Total: len(items)}, nil
}

// CommitmentCursors decodes commitment cursors of the order for Apply;
// actorName gives a commitment's actor's folded name (nil when the order
// needs none, see NeedsActorName).
func CommitmentCursors(order CommitmentOrder, actorName func(*Commitment) string) func(cursor, field string) (func(*Commitment) int, error) {
	order = order.OrDefault()
	return func(cursor, field string) (func(*Commitment) int, error) {
		k, err := DecodeCursor(cursor, order)
		if err != nil {
			return nil, withField(err, field)
		}
		return func(c *Commitment) int {
			name := ""
			if actorName != nil && order.NeedsActorName() {
				name = actorName(c)
			}
			return comparePositions(PositionOf(c, order, name), k)
		}, nil
	}
}

func withField(err error, field string) error {
	if e, ok := err.(*Error); ok {
		e.Field = field
	}
	return err
}

// IDCursor is the cursor of a listing ordered by id alone (entities, a
// source's facts): the commitment cursor of the ID order, so that one
// format serves every listing.
func IDCursor(id string) string { return EncodeCursor(&Commitment{ID: id}, OrderID) }

// IDCursors decodes IDCursor cursors for Apply over a listing ordered by
// the ids id gives.
func IDCursors[T any](id func(T) string) func(cursor, field string) (func(T) int, error) {
	return func(cursor, field string) (func(T) int, error) {
		k, err := DecodeCursor(cursor, OrderID)
		if err != nil {
			return nil, withField(err, field)
		}
		return func(it T) int { return strings.Compare(id(it), k.ID) }, nil
	}
}

// VersionCursor is the cursor of the version v in a history, which is
// ordered by version.
func VersionCursor(v int) string { return IDCursor(fmt.Sprintf("%010d", v)) }

// VersionCursors decodes VersionCursor cursors for Apply.
func VersionCursors[T any](version func(T) int) func(cursor, field string) (func(T) int, error) {
	return func(cursor, field string) (func(T) int, error) {
		k, err := DecodeCursor(cursor, OrderID)
		v, convErr := strconv.Atoi(k.ID)
		if err != nil || convErr != nil || len(k.ID) != 10 {
			return nil, &Error{Code: CodeBadInput, Field: field, Message: "invalid cursor: not a cursor"}
		}
		return func(it T) int { return cmp.Compare(version(it), v) }, nil
	}
}
