package neo4j

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/feed"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The change feed (cg.ChangeFeed) on any edition of Neo4j: an outbox.
// Every commitment write appends a (:ChangeEvent {seq}) in its own
// transaction (shared with the writes of its batch, batch.go), numbered
// from the one (:ChangeFeed) node, whose write lock the transaction holds
// to its commit (the counter, below); so numbers are handed out
// in commit order and a reader never sees seq n+1 before n. Each Store
// tails the outbox (poll with backoff, woken at once by its own writes)
// and publishes what it reads to its subscribers through a feed.Broker,
// which reads the outbox again for a subscriber that resumes or falls
// behind. Instances share nothing but the database.
//
// Retention: each tailer prunes events older than the newest
// FeedRetention, in batches, at most once a minute; pruned records the
// newest seq gone, so a cursor older than it is refused (CURSOR_EXPIRED)
// rather than resumed with a gap. Load, the bulk import, appends nothing.

const feedID = "changes"

// DefaultFeedRetention is how many events the outbox keeps.
const DefaultFeedRetention = 100000

// Tailing. The poll interval doubles from minPoll while the feed is quiet,
// up to maxPoll, which bounds the delay between a write through another
// instance and its delivery here; a write through this instance wakes its
// tailer at once.
const (
	minPoll    = 10 * time.Millisecond
	maxPoll    = 250 * time.Millisecond
	tailBatch  = 500
	pruneBatch = 1000
	pruneEvery = time.Minute
)

var feedSchemaStatements = []string{
	`CREATE CONSTRAINT change_feed_id IF NOT EXISTS FOR (n:ChangeFeed) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT change_event_seq IF NOT EXISTS FOR (n:ChangeEvent) REQUIRE n.seq IS UNIQUE`,
}

// The counter. A commitment write's last statement (finishWrites in
// batch.go) takes the next number for its event: `SET f.seq = f.seq + n`
// takes the (:ChangeFeed) node's write lock before it reads the property,
// so concurrent writers cannot draw the same number (and the constraint on
// seq would refuse one that did), and the lock, held to the commit, makes
// numbers follow commit order; a write refused or rolled back takes its
// numbers back with it. Taken as the last lock of the transaction, it is
// held for one statement and the commit, not for the whole write; writes
// that wait on it hold their graph locks meanwhile, and the
// DeadlockDetected Neo4j then reports now and then (mostly false
// positives on the counter node itself) rolls a batch back, and the batch
// runs again (deadlockRetry in batch.go).
//
// The same node holds the graph version (cg.Versioned), which that
// statement advances by the writes it finishes; a write that is not in
// the feed (a put) advances it alone in the same statement, and a batch
// of Load with advanceVersion. The version starts at the counter's
// creation instant in microseconds, as the embedded store's does, so a
// database cleared and loaded again never repeats a number an instance
// may have cached.

// advanceVersion advances the graph version of a batch of Load; see the
// counter above.
const advanceVersion = `MERGE (f:ChangeFeed {id: $feed})
SET f.version = coalesce(f.version, timestamp() * 1000) + 1`

// graphVersion reads the graph version: one node by its unique id. 0 before
// any write.
const graphVersion = `OPTIONAL MATCH (f:ChangeFeed {id: $feed}) RETURN coalesce(f.version, 0) AS version`

// changesAfter reads the outbox from a cursor. An index-backed range scan
// on seq, in order, with a limit.
const changesAfter = `OPTIONAL MATCH (f:ChangeFeed {id: $feed})
RETURN coalesce(f.pruned, 0) AS pruned, coalesce(f.seq, 0) AS head,
  COLLECT { MATCH (e:ChangeEvent) WHERE e.seq > $after WITH e ORDER BY e.seq LIMIT $limit
            RETURN e {.seq, .type, .payload} } AS events`

// pruneChanges deletes one batch of the events older than the newest
// $retain and says how far it got; no row when nothing is left to prune.
const pruneChanges = `MATCH (f:ChangeFeed {id: $feed})
WITH f, coalesce(f.pruned, 0) AS from, f.seq - $retain AS upto
WHERE upto > from
WITH f, from, CASE WHEN upto - from > $batch THEN from + $batch ELSE upto END AS to
CALL (from, to) { MATCH (e:ChangeEvent) WHERE e.seq > from AND e.seq <= to DETACH DELETE e }
SET f.pruned = to
RETURN to`

// bumpVersion advances the graph version in tx (advanceVersion).
func bumpVersion(ctx context.Context, tx nd.ManagedTransaction) error {
	return run(ctx, tx, advanceVersion, map[string]any{"feed": feedID})
}

// GraphVersion implements cg.Versioned: a read like every other (read
// routing, the request's consistency token), so it sees a write through
// any instance once the graph reads of the same request would.
func (s *Store) GraphVersion(ctx context.Context) (uint64, error) {
	recs, err := s.read(ctx, "graph version", graphVersion, map[string]any{"feed": feedID})
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("neo4j: graph version: %d records", len(recs))
	}
	return uint64(toInt(recs[0].AsMap()["version"])), nil
}

// ChangesAfter reads up to limit events after the cursor after, oldest
// first (feed.Backlog).
func (s *Store) ChangesAfter(ctx context.Context, after int64, limit int) ([]cg.ChangeEvent, error) {
	recs, err := s.read(ctx, "change feed", changesAfter, map[string]any{"feed": feedID, "after": after, "limit": int64(limit)})
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: change feed: %d records", len(recs))
	}
	m := recs[0].AsMap()
	if pruned := int64(toInt(m["pruned"])); after < pruned {
		return nil, cg.CursorExpired(after, pruned)
	}
	var out []cg.ChangeEvent
	for _, e := range asList(m["events"]) {
		em := asMap(e)
		ev := cg.ChangeEvent{Cursor: int64(toInt(em["seq"])), Type: cg.ChangeType(toString(em["type"])), Commitment: new(cg.Commitment)}
		if err := json.Unmarshal([]byte(toString(em["payload"])), ev.Commitment); err != nil {
			return nil, fmt.Errorf("neo4j: change event %d: %w", ev.Cursor, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// feedHead is the newest seq handed out.
func (s *Store) feedHead(ctx context.Context) (int64, error) {
	recs, err := s.read(ctx, "change feed", changesAfter, map[string]any{"feed": feedID, "after": int64(1) << 62, "limit": int64(1)})
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("neo4j: change feed: %d records", len(recs))
	}
	return int64(toInt(recs[0].AsMap()["head"])), nil
}

// Changes implements cg.ChangeFeed. The first call starts this Store's
// tailer at the feed's head, so it needs Neo4j to answer.
func (s *Store) Changes(ctx context.Context, after *int64) (<-chan cg.ChangeEvent, error) {
	b, err := s.startFeed(ctx)
	if err != nil {
		return nil, err
	}
	return b.Changes(ctx, after)
}

func (s *Store) startFeed(ctx context.Context) (*feed.Broker, error) {
	s.feedMu.Lock()
	defer s.feedMu.Unlock()
	if s.changes != nil {
		return s.changes, nil
	}
	head, err := s.feedHead(ctx)
	if err != nil {
		return nil, err
	}
	b := feed.New(feed.Options{Backlog: s, Start: head})
	tctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.changes, s.stopFeed = b, func() { cancel(); <-done }
	go func() {
		defer close(done)
		s.tail(tctx, b)
	}()
	return b, nil
}

// stopTail stops the tailer, if one runs; the next Changes starts another.
func (s *Store) stopTail() {
	s.feedMu.Lock()
	stop := s.stopFeed
	s.changes, s.stopFeed = nil, nil
	s.feedMu.Unlock()
	if stop != nil {
		stop()
	}
}

// wakeTail tells this Store's tailer that a write committed.
func (s *Store) wakeTail() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// tail publishes the outbox's new events to b until ctx ends. A failure
// (Neo4j down) backs off like a quiet feed and tries again.
func (s *Store) tail(ctx context.Context, b *feed.Broker) {
	delay := minPoll
	var lastPrune time.Time
	for {
		n, err := s.tailOnce(ctx, b)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			slog.Debug("change feed: tail", "err", err)
			delay = min(2*delay, maxPoll)
		case n == tailBatch:
			continue
		case n > 0:
			delay = minPoll
		default:
			delay = min(2*delay, maxPoll)
		}
		if time.Since(lastPrune) > pruneEvery {
			lastPrune = time.Now()
			if err := s.prune(ctx); err != nil {
				slog.Debug("change feed: prune", "err", err)
			}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
			delay = minPoll
		case <-t.C:
		}
		t.Stop()
	}
}

func (s *Store) tailOnce(ctx context.Context, b *feed.Broker) (int, error) {
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	evs, err := s.ChangesAfter(rctx, b.Last(), tailBatch)
	if err != nil {
		return 0, err
	}
	for _, ev := range evs {
		b.Publish(ev)
	}
	return len(evs), nil
}

// prune deletes events past the retention, a batch a transaction.
func (s *Store) prune(ctx context.Context) error {
	retain := s.feedRetention
	if retain <= 0 {
		retain = DefaultFeedRetention
	}
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	for {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		more, err := nd.ExecuteWrite(rctx, sess, func(tx nd.ManagedTransaction) (bool, error) {
			res, err := tx.Run(rctx, pruneChanges, map[string]any{"feed": feedID, "retain": int64(retain), "batch": int64(pruneBatch)})
			if err != nil {
				return false, err
			}
			recs, err := res.Collect(rctx)
			return len(recs) > 0, err
		}, txTimeout(rctx)...)
		cancel()
		if err != nil {
			return classify("prune the change feed", err)
		}
		if !more {
			return nil
		}
	}
}

// A consistency token is the bookmarks of a write's session, opaque to
// clients: base64url of their JSON list.
func encodeToken(bms nd.Bookmarks) string {
	if len(bms) == 0 {
		return ""
	}
	b, _ := json.Marshal(bms) // a list of strings
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(token string) (nd.Bookmarks, error) {
	var bms nd.Bookmarks
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		err = json.Unmarshal(b, &bms)
	}
	if err != nil {
		return nil, &cg.Error{Code: cg.CodeBadInput, Field: "Consistency-Token",
			Message: "the Consistency-Token header is not a token this service gave (send extensions.consistencyToken of a mutation's answer as it is)"}
	}
	return bms, nil
}

var (
	_ cg.ChangeFeed = (*Store)(nil)
	_ cg.Versioned  = (*Store)(nil)
	_ feed.Backlog  = (*Store)(nil)
)
