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

// judge walks err and everything it wraps, including the driver's retry
// record (TransactionExecutionLimit.Errors) and its internal wrappers,
// which carry their cause in an Inner or Err field without Unwrap.
func judge(err error) verdict {
	var timeout, down, conn bool
	var visit func(e error, depth int)
	visit = func(e error, depth int) {
		if e == nil || depth > 16 {
			return
		}
		switch {
		case errors.Is(e, context.DeadlineExceeded):
			timeout = true
		case errors.Is(e, context.Canceled):
			// The caller gave up; the connection it dropped says nothing
			// about Neo4j. Kept with the unavailable (as before): nobody
			// reads the answer.
			down = true
		}
		var op *net.OpError
		if errors.As(e, &op) && op.Op == "dial" {
			down = true
		}
		if errors.Is(e, syscall.ECONNREFUSED) || errors.Is(e, syscall.ECONNRESET) || errors.Is(e, syscall.EPIPE) ||
			errors.Is(e, io.EOF) || errors.Is(e, io.ErrUnexpectedEOF) {
			down = true
		}
		switch v := e.(type) {
		case *nd.ConnectivityError:
			conn = true
			visit(v.Inner, depth+1)
		case *nd.InvalidAuthenticationError, *nd.TokenExpiredError:
			down = true
		case *nd.TransactionExecutionLimit:
			if strings.Contains(v.Cause, "timeout") || strings.Contains(v.Cause, "context") {
				timeout = true
			}
			for _, inner := range v.Errors {
				visit(inner, depth+1)
			}
		case *nd.Neo4jError:
			switch {
			case strings.Contains(v.Code, "TransactionTimedOut"):
				timeout = true
			case strings.HasPrefix(v.Code, "Neo.TransientError."),
				strings.HasPrefix(v.Code, "Neo.ClientError.Security."),
				v.Code == "Neo.ClientError.Database.DatabaseNotFound",
				v.Code == "Neo.ClientError.Database.DatabaseUnavailable":
				down = true
			}
		}
		// The pool's borrow time-out and the connection's read and write
		// time-outs are internal types: recognised by name, followed
		// through their Err field.
		t := reflect.TypeOf(e)
		if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
			switch t.Elem().Name() {
			case "PoolTimeout", "ConnectionReadTimeout", "ConnectionWriteTimeout":
				timeout = true
			}
			if f := reflect.ValueOf(e).Elem().FieldByName("Err"); f.IsValid() && f.CanInterface() {
				if inner, ok := f.Interface().(error); ok {
					visit(inner, depth+1)
				}
			}
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			visit(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				visit(inner, depth+1)
			}
		}
	}
	visit(err, 0)
	switch {
	case down:
		return unreachable
	case timeout:
		return timedOut
	case conn:
		return unreachable
	}
	return other
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
	var acquire, other bool
	var visit func(e error, depth int)
	visit = func(e error, depth int) {
		if e == nil || depth > 16 {
			return
		}
		var op *net.OpError
		switch {
		case errors.Is(e, syscall.ECONNREFUSED), errors.Is(e, syscall.ECONNRESET), errors.Is(e, syscall.EPIPE),
			errors.Is(e, io.EOF), errors.Is(e, io.ErrUnexpectedEOF):
			other = true
			return
		case errors.As(e, &op) && op.Op == "dial" && op.Timeout():
			acquire = true
			return
		}
		switch v := e.(type) {
		case *nd.Neo4jError:
			other = true
			return
		case *nd.ConnectivityError:
			visit(v.Inner, depth+1)
			return
		case *nd.TransactionExecutionLimit:
			for _, inner := range v.Errors {
				visit(inner, depth+1)
			}
			return
		}
		if t := reflect.TypeOf(e); t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
			if t.Elem().Name() == "PoolTimeout" {
				acquire = true
				return
			}
			if t.Elem().Name() == "CommitFailedDeadError" {
				other = true
				return
			}
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			visit(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				visit(inner, depth+1)
			}
		}
	}
	visit(err, 0)
	return acquire && !other
}
