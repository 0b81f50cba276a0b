package inmem

import (
	"slices"
	"strings"
)

// index maps a key (an actor id, a kind, a source id …) to the items that
// have it. Every list is kept sorted by id so that adding or removing one
// item touches only the lists of its own keys (a binary search each) and
// lists can be merged and deduplicated cheaply.
type index[T any] map[string][]T

// size is how many items the keys select, counting an item once per key.
func (ix index[T]) size(keys []string) int {
	n := 0
	for _, k := range keys {
		n += len(ix[k])
	}
	return n
}

// gather returns the items of all keys, possibly with repeats.
func (ix index[T]) gather(keys []string) []T {
	var out []T
	for _, k := range keys {
		out = append(out, ix[k]...)
	}
	return out
}

// insert puts v into the list of key at its place by id, replacing an item
// with the same id.
func (ix index[T]) insert(key string, v T, id func(T) string) {
	list := ix[key]
	i, found := slices.BinarySearchFunc(list, id(v), func(x T, target string) int {
		return strings.Compare(id(x), target)
	})
	if found {
		list[i] = v
		return
	}
	ix[key] = slices.Insert(list, i, v)
}

// remove takes the item with the id out of the list of key.
func (ix index[T]) remove(key string, itemID string, id func(T) string) {
	list := ix[key]
	i, found := slices.BinarySearchFunc(list, itemID, func(x T, target string) int {
		return strings.Compare(id(x), target)
	})
	if !found {
		return
	}
	list = slices.Delete(list, i, i+1)
	if len(list) == 0 {
		delete(ix, key)
		return
	}
	ix[key] = list
}

// choice is one way of narrowing a search: the candidates one filter field
// selects, and how many there are, counted before they are gathered.
type choice[T any] struct {
	n      int
	gather func() []T
}

// narrowest gathers the candidates of the most selective choice, or returns
// all when no filter field is set. The caller still checks each candidate
// against every field: this only avoids scanning everything.
func narrowest[T any](all []T, choices ...choice[T]) []T {
	best := -1
	for i, c := range choices {
		if best < 0 || c.n < choices[best].n {
			best = i
		}
	}
	if best < 0 {
		return all
	}
	return choices[best].gather()
}

// set is a membership test for a filter list; a nil set matches everything.
type set map[string]struct{}

func newSet[T ~string](values []T) set {
	if len(values) == 0 {
		return nil
	}
	s := make(set, len(values))
	for _, v := range values {
		s[string(v)] = struct{}{}
	}
	return s
}

func (s set) has(v string) bool {
	if s == nil {
		return true
	}
	_, ok := s[v]
	return ok
}

func strs[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// sortByID sorts items by id and drops repeats (an item gathered under
// several keys).
func sortByID[T any](items []T, id func(T) string) []T {
	slices.SortFunc(items, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	return slices.CompactFunc(items, func(a, b T) bool { return id(a) == id(b) })
}
