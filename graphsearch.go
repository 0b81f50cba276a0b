package coalitiongraph

import "fmt"

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
