package coalitiongraph

import (
	"fmt"
	"slices"
	"strings"
)

// The rules of the graph questions (Store.Paths and Store.Neighbourhood)
// that do not depend on a backend: every store checks its arguments with
// these and caps its answers alike.

// MaxPaths caps Paths: between well-connected entities the shortest paths
// multiply (every parallel commitment doubles them) and a client can show
// only a few.
const MaxPaths = 25

// CheckHops refuses a path search of other than 1…MaxHops edges.
func CheckHops(maxHops int) error {
	if maxHops < 1 || maxHops > MaxHops {
		return &Error{Code: CodeBadInput, Field: "maxHops", Message: fmt.Sprintf("maxHops must be between 1 and %d", MaxHops)}
	}
	return nil
}

// CheckDepth refuses a neighbourhood of other than 0…MaxHops edges.
func CheckDepth(depth int) error {
	if depth < 0 || depth > MaxHops {
		return &Error{Code: CodeBadInput, Field: "depth", Message: fmt.Sprintf("depth must be between 0 and %d", MaxHops)}
	}
	return nil
}

// UnknownEnd is the NOT_FOUND error for an entity a graph question
// starts or ends at; field names the argument.
func UnknownEnd(field, id string) *Error {
	return &Error{Code: CodeNotFound, Field: field, Message: fmt.Sprintf("no entity %q", id)}
}

// FirstPaths walks the shortest paths from fromID to toID depth first,
// taking the edges at each entity in id order, so that the paths come in
// the order of their edge-id sequences (all have one length) and the cap
// keeps the first MaxPaths: the order every store answers Paths in. next
// lists the edges from an entity k steps from fromID one step along a
// shortest path, in any order and never a self-loop; a store finds them its own way. It is asked
// once per entity however many paths pass it, since a hub's edges are
// thousands.
func FirstPaths(fromID, toID string, next func(id string, k int) []EdgeRef) []Path {
	memo := map[string][]EdgeRef{}
	paths := []Path{}
	entities := []string{fromID}
	edges := []EdgeRef{}
	var walk func(u string)
	walk = func(u string) {
		if u == toID {
			paths = append(paths, Path{EntityIDs: slices.Clone(entities), Edges: slices.Clone(edges)})
			return
		}
		out, ok := memo[u]
		if !ok {
			out = slices.Clone(next(u, len(edges)))
			slices.SortFunc(out, func(a, b EdgeRef) int { return strings.Compare(a.ID, b.ID) })
			out = slices.CompactFunc(out, func(a, b EdgeRef) bool { return a.ID == b.ID })
			memo[u] = out
		}
		for _, e := range out {
			if len(paths) >= MaxPaths {
				return
			}
			v := e.FromID
			if v == u {
				v = e.ToID
			}
			entities, edges = append(entities, v), append(edges, e)
			walk(v)
			entities, edges = entities[:len(entities)-1], edges[:len(edges)-1]
		}
	}
	walk(fromID)
	return paths
}
