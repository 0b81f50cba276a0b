package coalitiongraph

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
)

// ChangeType says what a write did to a commitment.
type ChangeType string

const (
	ChangeRecorded      ChangeType = "RECORDED"
	ChangeStatusChanged ChangeType = "STATUS_CHANGED"
	ChangeRetracted     ChangeType = "RETRACTED"
)

// ChangeTypeOf is the change a commitment write makes; ok is false for the
// writes of entities and sources, which the feed does not carry.
func ChangeTypeOf(op Operation) (_ ChangeType, ok bool) {
	switch op {
	case OpRecordCommitment:
		return ChangeRecorded, true
	case OpChangeCommitment:
		return ChangeStatusChanged, true
	case OpRetractCommitment:
		return ChangeRetracted, true
	}
	return "", false
}

// ChangeEvent is one commitment write as the change feed carries it.
type ChangeEvent struct {
	// Cursor is the event's position in the feed. Cursors grow strictly in
	// the order the writes committed, so a subscriber that kept the last
	// one it saw resumes after it without a gap or a repeat.
	Cursor int64
	Type   ChangeType
	// Commitment is the version the write made.
	Commitment *Commitment
}

// ChangeFeed is the stream of commitment writes. Every store that writes
// provides one: the embedded store in process, Neo4j from an outbox that
// every instance on the database tails.
type ChangeFeed interface {
	// Changes returns the events after the cursor after (nil: from now
	// on), oldest first, then live ones as they commit, until ctx ends.
	// An event reaches a subscriber once, a commitment's versions in
	// order. A cursor older than the feed retains is refused with
	// CURSOR_EXPIRED; a subscriber whose backlog the feed no longer holds
	// has its channel closed, and resuming tells it so.
	Changes(ctx context.Context, after *int64) (<-chan ChangeEvent, error)
}

// CodeCursorExpired refuses to resume a feed from a cursor it no longer
// retains: the client reloads what it shows and subscribes afresh.
const CodeCursorExpired Code = "CURSOR_EXPIRED"

// CursorExpired is the error of resuming after a cursor the feed pruned.
func CursorExpired(after, oldest int64) *Error {
	return &Error{Code: CodeCursorExpired, Field: "after", Message: fmt.Sprintf(
		"cursor %d is older than the change feed retains (it resumes after %d at the earliest): read the current state and subscribe without after", after, oldest)}
}

// FormatCursor and ParseCursor are a cursor's text in the API.
func FormatCursor(c int64) string { return strconv.FormatInt(c, 10) }

// ParseCursor reads a cursor FormatCursor wrote; field names the argument
// in the error.
func ParseCursor(field, s string) (int64, error) {
	c, err := strconv.ParseInt(s, 10, 64)
	if err != nil || c < 0 {
		return 0, &Error{Code: CodeBadInput, Field: field, Message: fmt.Sprintf("%q is not a change feed cursor (the cursor of an event)", s)}
	}
	return c, nil
}

type consistencyKey struct{}

// WithConsistencyToken returns a context whose reads see at least the state
// that token, from an earlier write's report, stands for: a client reads
// its own writes through any instance. An empty token changes nothing.
func WithConsistencyToken(ctx context.Context, token string) context.Context {
	if token == "" {
		return ctx
	}
	return context.WithValue(ctx, consistencyKey{}, token)
}

// ConsistencyToken is the token WithConsistencyToken put on ctx, "" when none.
func ConsistencyToken(ctx context.Context) string {
	s, _ := ctx.Value(consistencyKey{}).(string)
	return s
}

type tokenReportKey struct{}

// WithTokenReport returns a context in which a Writer reports the
// consistency token of the state its write made; token may be called
// after the write returns, and is "" when the store has none to give (the
// embedded store is one instance: every read sees every write).
func WithTokenReport(ctx context.Context) (_ context.Context, token func() string) {
	p := new(atomic.Pointer[string])
	return context.WithValue(ctx, tokenReportKey{}, p), func() string {
		if s := p.Load(); s != nil {
			return *s
		}
		return ""
	}
}

// ReportToken is how a Writer gives the token of the state a write on ctx
// committed.
func ReportToken(ctx context.Context, token string) {
	if p, ok := ctx.Value(tokenReportKey{}).(*atomic.Pointer[string]); ok {
		p.Store(&token)
	}
}
