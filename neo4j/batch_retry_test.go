package neo4j

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestGroupCommitRetryOnlyAfterLastDeadlock: a batch is run again only
// when its last try ended in the deadlock verdict, wherever the driver
// and the store wrapped it; not when the deadlock was an earlier try's.
func TestGroupCommitRetryOnlyAfterLastDeadlock(t *testing.T) {
	deadlock := &nd.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "can't acquire ExclusiveLock"}
	other := &nd.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed", Msg: "already exists"}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"the verdict", deadlock, true},
		{"wrapped", fmt.Errorf("run: %w", deadlock), true},
		{"the driver's limit, one try", &nd.TransactionExecutionLimit{Errors: []error{deadlock}}, true},
		{"the driver's limit, deadlock last", &nd.TransactionExecutionLimit{Errors: []error{other, fmt.Errorf("x: %w", deadlock)}}, true},
		{"the driver's limit, deadlock earlier", &nd.TransactionExecutionLimit{Errors: []error{deadlock, other}}, false},
		{"the driver's limit, deadlock before a cancellation", &nd.TransactionExecutionLimit{Errors: []error{deadlock, context.Canceled}}, false},
		{"a coded error around the limit", &cg.Error{Code: cg.CodeStoreUnavailable, Err: &nd.TransactionExecutionLimit{Errors: []error{deadlock}}}, true},
		{"another server error", other, false},
	} {
		if got := lastDeadlocked(c.err); got != c.want {
			t.Errorf("%s: lastDeadlocked(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// TestGroupCommitRetryBackoff: the delays between a batch's tries double
// within ±20%, and their sum never runs past the caller's deadline less a
// try's minimum time; a caller with no deadline gets writeRetryTime; a
// caller gone during a delay ends the retries.
func TestGroupCommitRetryBackoff(t *testing.T) {
	start := time.Now()
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(minTryTime+3*time.Second))
	defer cancel()
	r := newDeadlockRetry(ctx, start)
	var delays []time.Duration
	for {
		if !r.wait(ctx) {
			break
		}
		delays = append(delays, r.throttle)
		if len(delays) > 20 {
			t.Fatalf("delays %v: not bounded by the deadline", delays)
		}
	}
	if len(delays) == 0 {
		t.Fatalf("no retry within three seconds")
	}
	if r.attempts != len(delays)+1 {
		t.Errorf("attempts %d after %d delays", r.attempts, len(delays))
	}
	var sum time.Duration
	prev := deadlockBackoff
	for i, d := range delays {
		if d < prev*8/5 || d > prev*12/5 {
			t.Errorf("delay %d is %v after %v: not doubled within 20%%", i, d, prev)
		}
		prev = d
		sum += d
	}
	if want, _ := ctx.Deadline(); start.Add(sum).After(want.Add(-minTryTime)) {
		t.Errorf("delays %v (%v) run past the deadline less %v", delays, sum, minTryTime)
	}

	if r := newDeadlockRetry(context.Background(), start); !r.until.Equal(start.Add(writeRetryTime)) {
		t.Errorf("no deadline: retries until %v, want %v after the start", r.until.Sub(start), writeRetryTime)
	}

	gone, stop := context.WithCancel(context.Background())
	r = newDeadlockRetry(gone, time.Now())
	r.throttle = time.Hour
	r.until = time.Now().Add(24 * time.Hour)
	stop()
	if r.wait(gone) {
		t.Errorf("a cancelled caller's write was tried again")
	}
}

// TestGroupCommitRetryRefusal: a write refused as deadlocked on every try
// is STORE_UNAVAILABLE, saying nothing was written and how many tries.
func TestGroupCommitRetryRefusal(t *testing.T) {
	err := deadlocked(4, &nd.TransactionExecutionLimit{Errors: []error{&nd.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}}})
	if cg.ErrorCode(err) != cg.CodeStoreUnavailable {
		t.Fatalf("code %q, want %q: %v", cg.ErrorCode(err), cg.CodeStoreUnavailable, err)
	}
	if msg := err.(*cg.Error).Message; !strings.Contains(msg, "nothing was written") || !strings.Contains(msg, "4 tries") {
		t.Errorf("message %q does not say that nothing was written after 4 tries", msg)
	}
}
