package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
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
		// The driver's handshake error, as a restarting Neo4j gave it in
		// TestNeo4jKillDuringWrites; offered versions it does not speak
		// are a misconfiguration.
		{"handshake with a Neo4j that offered no Bolt version", fmt.Errorf("neo4j: record_commitment c-1: %w",
			errors.New("none of the server offered Bolt versions are supported (offered: []bolt.protocolVersion{})")), cg.CodeStoreUnavailable},
		{"handshake with a Neo4j of Bolt versions the driver does not speak", errors.New(
			"none of the server offered Bolt versions are supported (offered: []bolt.protocolVersion{bolt.protocolVersion{major:0x3, minor:0x0, back:0x0}})"), cg.CodeInternal},
		// Seen in TestNeo4jKillDuringWrites: a write waiting for a lock on a
		// cold, loaded Neo4j reached its transaction time-out (the
		// request's deadline) and was stopped.
		{"transaction stopped at its time-out while waiting for a lock", fmt.Errorf("neo4j: record_commitment c-1: %w",
			&nd.Neo4jError{Code: "Neo.ClientError.Transaction.LockClientStopped", Msg: "The transaction has been terminated. Retry your operation in a new transaction"}), cg.CodeTimeout},
		{"a write outlived by its deadline while waiting for a lock", &nd.TransactionExecutionLimit{Cause: "context deadline exceeded",
			Errors: []error{&nd.Neo4jError{Code: "Neo.ClientError.Transaction.LockClientStopped"}}}, cg.CodeTimeout},
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
	rctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	testsupport.WaitReady(t, rctx, s, 10*time.Second, 200*time.Millisecond)
	t.Logf("ready again %v after the slow query began", time.Since(start).Round(time.Millisecond))
}

// connectionLosses are the forms a lost connection to Neo4j takes, made
// from real sockets: the errors a read or write on a Bolt connection
// returns when the server is killed (FIN or RST), when the driver itself
// closed it, and when nothing listens any more.
func connectionLosses(t *testing.T) map[string]error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	// pair connects a client to the listener and hands the server side
	// to end.
	pair := func(end func(c *net.TCPConn)) net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		end(sc.(*net.TCPConn))
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	buf := make([]byte, 16)
	losses := map[string]error{}

	eof := pair(func(c *net.TCPConn) { _ = c.Close() })
	_, losses["peer closed (FIN): read"] = eof.Read(buf)

	reset := pair(func(c *net.TCPConn) { _ = c.SetLinger(0); _ = c.Close() })
	_, losses["peer killed (RST): read"] = reset.Read(buf)

	pipe := pair(func(c *net.TCPConn) { _ = c.SetLinger(0); _ = c.Close() })
	_, _ = pipe.Read(buf) // takes the RST
	_, losses["peer killed (RST): write"] = pipe.Write([]byte("PULL"))

	closed := pair(func(c *net.TCPConn) {})
	_ = closed.Close()
	_, losses["closed by the driver: read"] = closed.Read(buf)

	partial := pair(func(c *net.TCPConn) { _, _ = c.Write([]byte{0, 8, 1}); _ = c.Close() })
	_, losses["killed within a chunk"] = io.ReadFull(partial, buf)

	gone, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	goneAddr := gone.Addr().String()
	_ = gone.Close()
	_, losses["restarting: dial refused"] = net.Dial("tcp", goneAddr)

	for name, err := range losses {
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
	}
	return losses
}

// CommitFailedDeadError is named like the driver's internal type (which
// cannot be imported): a commit whose connection died, its outcome
// unknown. The store recognises the driver's wrappers by name.
type CommitFailedDeadError struct{ Inner error }

func (e *CommitFailedDeadError) Error() string {
	return "Connection lost during commit: " + e.Inner.Error()
}

// Every form a lost connection takes, however the driver wraps it, is
// STORE_UNAVAILABLE: raw as the Bolt connection keeps it, as the
// driver's ConnectivityError, as a commit that failed on a dead
// connection, in the retry record, and under the store's own context.
func TestConnectionLossIsUnavailable(t *testing.T) {
	for name, loss := range connectionLosses(t) {
		forms := map[string]error{
			"raw":                   loss,
			"connectivity":          &nd.ConnectivityError{Inner: loss},
			"commit on a dead link": &nd.ConnectivityError{Inner: &CommitFailedDeadError{Inner: loss}},
			"retries ran out":       &nd.TransactionExecutionLimit{Cause: "too many failed connection attempts (allowed max 100)", Errors: []error{&nd.ConnectivityError{Inner: loss}}},
			"retry time ran out":    &nd.TransactionExecutionLimit{Cause: "timeout (exceeded max retry time: 2s)", Errors: []error{loss}},
			"wrapped by the store":  fmt.Errorf("neo4j: logged outcome of request %q: %w", "r-1", loss),
		}
		for form, err := range forms {
			t.Run(name+"/"+form, func(t *testing.T) {
				got := classify("op", err)
				if code := cg.ErrorCode(got); code != cg.CodeStoreUnavailable {
					t.Errorf("classify(%v) = %s (%v), want STORE_UNAVAILABLE", err, code, got)
				}
				if !isUnavailable(err) {
					t.Errorf("isUnavailable(%v) = false", err)
				}
				if acquisitionFailed(err) {
					t.Errorf("acquisitionFailed(%v): a lost connection is not a slow pool", err)
				}
			})
		}
	}
}
