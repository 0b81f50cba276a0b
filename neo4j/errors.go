package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"syscall"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// What a driver error says about Neo4j. A deadline that passed while a
// reachable Neo4j was still working is the request's TIMEOUT, not the
// store's unavailability: only a sign that Neo4j cannot be reached (a
// refused or failed dial, a lost connection, a transient or security
// error, a stopped database) makes STORE_UNAVAILABLE.
type verdict int

const (
	other verdict = iota
	timedOut
	unreachable
)

// judge reads err and everything it wraps (anyCause).
func judge(err error) verdict {
	switch {
	case anyCause(err, unreachableCause):
		return unreachable
	case anyCause(err, timeoutCause):
		return timedOut
	case anyCause(err, isConnectivity):
		return unreachable
	}
	return other
}

// anyCause reports whether pred holds for err or for anything it wraps:
// through Unwrap, the driver's retry record (TransactionExecutionLimit.Errors)
// and its wrappers that carry their cause in an Inner or Err field without
// Unwrap (ConnectivityError, CommitFailedDeadError, PoolTimeout, the
// connection's read and write time-outs and cancellations).
func anyCause(err error, pred func(error) bool) bool {
	var walk func(e error, depth int) bool
	walk = func(e error, depth int) bool {
		if e == nil || depth > 16 {
			return false
		}
		if pred(e) {
			return true
		}
		for _, inner := range wrapped(e) {
			if walk(inner, depth+1) {
				return true
			}
		}
		return false
	}
	return walk(err, 0)
}

// wrapped is what e carries inside it.
func wrapped(e error) []error {
	switch v := e.(type) {
	case interface{ Unwrap() error }:
		return []error{v.Unwrap()}
	case interface{ Unwrap() []error }:
		return v.Unwrap()
	case *nd.TransactionExecutionLimit:
		return v.Errors
	}
	// The driver's internal wrappers are not importable: their cause is
	// found by field name.
	rv := reflect.ValueOf(e)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	var out []error
	for _, name := range []string{"Inner", "Err"} {
		if f := rv.Elem().FieldByName(name); f.IsValid() && f.CanInterface() {
			if inner, ok := f.Interface().(error); ok && inner != nil {
				out = append(out, inner)
			}
		}
	}
	return out
}

// driverType is the name of e's type when it is a pointer to a struct: how
// the driver's internal error types are recognised.
func driverType(e error) string {
	if t := reflect.TypeOf(e); t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		return t.Elem().Name()
	}
	return ""
}

// connectionFailed reports whether e says the connection to Neo4j failed
// or ended: a refused or failed dial, a socket reset, aborted, closed,
// ended or unreachable, a read or write on it that failed other than by a
// time-out, or a commit whose connection died (its outcome unknown).
func connectionFailed(e error) bool {
	if errors.Is(e, syscall.ECONNREFUSED) || errors.Is(e, syscall.ECONNRESET) || errors.Is(e, syscall.ECONNABORTED) ||
		errors.Is(e, syscall.EPIPE) || errors.Is(e, syscall.EHOSTUNREACH) ||
		errors.Is(e, syscall.ENETUNREACH) || errors.Is(e, net.ErrClosed) ||
		errors.Is(e, io.EOF) || errors.Is(e, io.ErrUnexpectedEOF) {
		return true
	}
	var op *net.OpError
	if errors.As(e, &op) && (op.Op == "dial" || !op.Timeout()) {
		return true
	}
	return driverType(e) == "CommitFailedDeadError"
}

// unreachableCause reports whether e means Neo4j cannot be reached: the
// connection failed (connectionFailed), Neo4j refused the credentials, is
// starting, stopping or has no such database, or the caller gave up (kept
// with the unavailable: nobody reads the answer).
func unreachableCause(e error) bool {
	if connectionFailed(e) || errors.Is(e, context.Canceled) || noBoltVersionOffered(e) {
		return true
	}
	switch v := e.(type) {
	case *nd.InvalidAuthenticationError, *nd.TokenExpiredError:
		return true
	case *nd.Neo4jError:
		return strings.HasPrefix(v.Code, "Neo.TransientError.") && !strings.Contains(v.Code, "TransactionTimedOut") ||
			strings.HasPrefix(v.Code, "Neo.ClientError.Security.") ||
			v.Code == "Neo.ClientError.Database.DatabaseNotFound" ||
			v.Code == "Neo.ClientError.Database.DatabaseUnavailable"
	}
	return false
}

// timeoutCause reports whether e says the deadline passed: the context's,
// a socket's, Neo4j's transaction time-out, the driver's retry time, or
// the pool's borrow and the connection's read and write time-outs.
func timeoutCause(e error) bool {
	if errors.Is(e, context.DeadlineExceeded) {
		return true
	}
	var op *net.OpError
	if errors.As(e, &op) && op.Op != "dial" && op.Timeout() {
		return true
	}
	switch v := e.(type) {
	case *nd.TransactionExecutionLimit:
		return strings.Contains(v.Cause, "timeout") || strings.Contains(v.Cause, "context")
	case *nd.Neo4jError:
		// A transaction that reached its time-out while waiting for a lock
		// is stopped with LockClientStopped, not TransactionTimedOut. Each
		// transaction carries its request's deadline as its time-out
		// (txTimeout), so that is what ended it; the code's other causes,
		// an operator's kill or a database shutting down, are rare, and a
		// request that answers TIMEOUT may be retried all the same.
		return strings.Contains(v.Code, "TransactionTimedOut") || v.Code == lockClientStopped
	}
	switch driverType(e) {
	case "PoolTimeout", "ConnectionReadTimeout", "ConnectionWriteTimeout":
		return true
	}
	return false
}

const lockClientStopped = "Neo.ClientError.Transaction.LockClientStopped"

// noBoltVersionOffered: the Bolt handshake got an empty list of versions,
// as from a Neo4j just restarted and not yet serving (seen in
// TestNeo4jKillDuringWrites, under load). The driver gives a plain error,
// known only by its text; a server that offers versions the driver does
// not speak is a misconfiguration and stays an internal error.
func noBoltVersionOffered(e error) bool {
	return e.Error() == "none of the server offered Bolt versions are supported (offered: []bolt.protocolVersion{})"
}

// isConnectivity: the driver's own word that the connection failed.
func isConnectivity(e error) bool {
	_, ok := e.(*nd.ConnectivityError)
	return ok
}

// unavailable is the error for a Neo4j that cannot be reached.
func unavailable(op string, err error) error {
	return &cg.Error{Code: cg.CodeStoreUnavailable, Message: "the graph store is unavailable",
		Err: fmt.Errorf("neo4j: %s: %w", op, err)}
}

// classify turns a driver error into STORE_UNAVAILABLE when Neo4j could not
// be reached, TIMEOUT when the deadline passed while it was answering, and
// anything else (a Cypher error is a bug here) into an internal error with
// context.
func classify(op string, err error) error {
	switch judge(err) {
	case unreachable:
		return unavailable(op, err)
	case timedOut:
		return &cg.Error{Code: cg.CodeTimeout, Message: "the request took too long",
			Err: fmt.Errorf("neo4j: %s: %w", op, errors.Join(err, context.DeadlineExceeded))}
	}
	return fmt.Errorf("neo4j: %s: %w", op, err)
}

// isUnavailable reports whether err means Neo4j cannot be reached.
func isUnavailable(err error) bool { return judge(err) == unreachable }

// acquisitionFailed reports whether err is a failure to get a connection
// from a Neo4j that did not refuse one: the pool's borrow time-out (every
// connection busy, or a new one slow to open) or a connect that timed out,
// with no refused connect, lost connection or server error beside it. Such
// a call never reached a transaction, so running it again is safe for
// writes too.
func acquisitionFailed(err error) bool {
	acquire := func(e error) bool {
		var op *net.OpError
		return driverType(e) == "PoolTimeout" || errors.As(e, &op) && op.Op == "dial" && op.Timeout()
	}
	failed := func(e error) bool {
		var op *net.OpError
		if errors.As(e, &op) && op.Op == "dial" && op.Timeout() {
			return false
		}
		_, server := e.(*nd.Neo4jError)
		return server || connectionFailed(e)
	}
	return anyCause(err, acquire) && !anyCause(err, failed)
}
