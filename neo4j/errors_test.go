package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestClassify pins which driver errors mean an unreachable store and which
// a deadline that passed while Neo4j was answering.
func TestClassify(t *testing.T) {
	refused := &nd.ConnectivityError{Inner: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	tests := []struct {
		name string
		err  error
		want cg.Code
	}{
		{"deadline", fmt.Errorf("running: %w", context.DeadlineExceeded), cg.CodeTimeout},
		{"deadline while reading a large result", &nd.ConnectivityError{Inner: fmt.Errorf("read: %w", context.DeadlineExceeded)}, cg.CodeTimeout},
		{"retries ended by the deadline, Neo4j up", &nd.TransactionExecutionLimit{Cause: "timeout (exceeded max retry time: 2s)", Errors: []error{&nd.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"}}}, cg.CodeTimeout},
		{"server-side transaction time-out", &nd.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOut"}, cg.CodeTimeout},
		{"refused", refused, cg.CodeStoreUnavailable},
		{"retries ended by the deadline, refused each time", &nd.TransactionExecutionLimit{Cause: "context deadline exceeded", Errors: []error{refused, refused}}, cg.CodeStoreUnavailable},
		{"connection lost", &nd.ConnectivityError{Inner: fmt.Errorf("reading: %w", syscall.ECONNRESET)}, cg.CodeStoreUnavailable},
		{"database starting", &nd.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, cg.CodeStoreUnavailable},
		{"database stopped", &nd.Neo4jError{Code: "Neo.ClientError.Database.DatabaseNotFound"}, cg.CodeStoreUnavailable},
		{"wrong password", &nd.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}, cg.CodeStoreUnavailable},
		{"cancelled", context.Canceled, cg.CodeStoreUnavailable},
		{"a Cypher bug", &nd.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, cg.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify("op", tt.err)
			if got := cg.ErrorCode(err); got != tt.want {
				t.Errorf("classify(%v) = %s (%v), want %s", tt.err, got, err, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap the driver's error", err)
			}
		})
	}
}

// A healthy Neo4j still working on a query when the deadline passes gives
// TIMEOUT, not STORE_UNAVAILABLE; the store is still ready afterwards.
func TestSlowQueryIsTimeout(t *testing.T) {
	s := openEmpty(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.read(ctx, "slow", `UNWIND range(1, 2000000000) AS x RETURN count(x) AS n`, nil)
	if cg.ErrorCode(err) != cg.CodeTimeout {
		t.Fatalf("slow query: %v (%s); want TIMEOUT", err, cg.ErrorCode(err))
	}
	t.Logf("TIMEOUT after %v: %v", time.Since(start), err)
	// The transaction carried the deadline as its time-out, so Neo4j
	// stops it too: the store is ready again soon after, not once a
	// two-billion-row count is done.
	deadline := time.Now().Add(time.Minute)
	for {
		rctx, rcancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := s.Ready(rctx)
		rcancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready a minute after the slow query: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("ready again %v after the slow query began", time.Since(start).Round(time.Millisecond))
}
