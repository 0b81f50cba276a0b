package graph

import (
	"fmt"
	"runtime/debug"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// recoverInto, deferred at the top of a goroutine a resolver starts, turns
// a panic into an INTERNAL error in *err: gqlgen recovers panics only in
// the goroutines it runs itself, and one anywhere else ends the process.
func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = &cg.Error{Code: cg.CodeInternal, Message: "internal error", Err: fmt.Errorf("panic: %v\n%s", r, debug.Stack())}
	}
}
