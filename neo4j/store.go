// Package neo4j is the coalitiongraph.Store backed by Neo4j 5. Commitments
// and relations are real relationships typed by their kind, so the graph
// reads naturally in Neo4j Browser; docs/neo4j.md describes the shape.
//
// Open never fails because Neo4j is down: a service must start and report
// not-ready. Every call talks to Neo4j under the caller's context, and any
// failure to reach it comes back as a STORE_UNAVAILABLE coalitiongraph.Error.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/feed"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Driver limits. Without them an unreachable server holds a request for the
// driver's default 30 s of retries (or a blocked pool forever); with them a
// call fails within seconds, and sooner when the caller's context says so:
// the driver stops retrying when the context is done.
const (
	connectionAcquisitionTimeout = 5 * time.Second
	socketConnectTimeout         = 3 * time.Second
	maxTransactionRetryTime      = 2 * time.Second
)

// defaultBatchSize is how many rows one UNWIND statement of Load carries:
// large enough that round trips do not dominate, small enough that one
// statement's parameters stay a few megabytes.
const defaultBatchSize = 5000

// Config says where Neo4j is.
type Config struct {
	// URI is a bolt:// (single server) or neo4j:// (routing) URI.
	URI string
	// User and Password authenticate; an empty User means no auth.
	User, Password string
	// Database is the database name; "" uses the server's default.
	Database string
	// FeedRetention is how many change events the outbox keeps for
	// subscribers that resume (DefaultFeedRetention when 0).
	FeedRetention int
}

// Store is a coalitiongraph.Store over Neo4j. It is safe for concurrent use.
type Store struct {
	driver nd.DriverWithContext
	db     string

	schemaMu   sync.Mutex
	schemaDone bool

	batchSize int
	// atomicRows overrides the package's atomicRows (tests).
	atomicRows int
	// sendUnchanged makes a batched Load send every row, as before it
	// skipped unchanged ones (benchmarks, side by side).
	sendUnchanged bool

	feedRetention int
	// wake tells the tailer of a write through this Store.
	wake chan struct{}
	// feedMu guards the tailer: changes is its broker, stopFeed stops it;
	// both nil until the first Changes.
	feedMu   sync.Mutex
	changes  *feed.Broker
	stopFeed func()
	// matrixStop ends the background build of the matrix counts
	// (buildMatrixInBackground), under schemaMu; matrixBuild waits for it.
	matrixStop  context.CancelFunc
	matrixBuild sync.WaitGroup
	// warmMu guards stopWarmUp, the cancels of running warm-ups
	// (StartWarmUp); warming counts them.
	warmMu     sync.Mutex
	stopWarmUp []context.CancelFunc
	warming    sync.WaitGroup
	// cold runs the first run of each read statement beyond its
	// request's deadline (coldplan.go).
	cold *coldPlans
	// noOutbox leaves change events out of writes (benchmarks: the
	// outbox's cost).
	noOutbox bool

	// Test hooks for the retry behaviour of writes: run each write's
	// transaction again after it committed, as the driver would after
	// losing the commit's answer; run its body twice in one transaction.
	replayAfterCommit, repeatInTransaction bool
	// trace, when set, is told how long each phase of a write took
	// (benchmarks: where a write's time goes).
	trace func(phase string, d time.Duration)

	// The group commit of writes (batch.go): writes waiting to run, and
	// how many leaders run batches of them. writeBatch is the most
	// writes a batch holds (1: each write alone), writeLeaders the most
	// batches at once.
	batchMu                  sync.Mutex
	queue                    []*pendingWrite
	leaders                  int
	writeBatch, writeLeaders int
	// forming is held by the batch running its statements before
	// finishWrites (lead).
	forming chan struct{}
}

// Open creates the driver. It does not contact Neo4j, so an unreachable
// server is not an error (Ready reports it); a malformed URI is. The schema
// is created by the first Ready or Load that reaches the server.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	return open(ctx, cfg, nil)
}

// open is Open with the driver's configuration adjusted by tune (tests).
func open(_ context.Context, cfg Config, tune func(*config.Config)) (*Store, error) {
	auth := nd.NoAuth()
	if cfg.User != "" {
		auth = nd.BasicAuth(cfg.User, cfg.Password, "")
	}
	d, err := nd.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.ConnectionAcquisitionTimeout = connectionAcquisitionTimeout
		c.SocketConnectTimeout = socketConnectTimeout
		c.MaxTransactionRetryTime = maxTransactionRetryTime
		if tune != nil {
			tune(c)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j: open %q: %w", redact(cfg.URI), err)
	}
	return &Store{driver: d, db: cfg.Database, batchSize: defaultBatchSize, feedRetention: cfg.FeedRetention,
		wake: make(chan struct{}, 1), writeBatch: defaultWriteBatch, writeLeaders: defaultWriteLeaders,
		forming: make(chan struct{}, 1), cold: newColdPlans(coldRunSlots, coldRunLimit)}, nil
}

// redact drops credentials a URI may carry before it goes into a message.
func redact(uri string) string {
	if at := strings.LastIndexByte(uri, '@'); at >= 0 {
		if scheme := strings.Index(uri, "://"); scheme >= 0 && scheme < at {
			return uri[:scheme+3] + "…@" + uri[at+1:]
		}
	}
	return uri
}

// Close closes the driver and its connections.
func (s *Store) Close() error {
	s.endWarmUp()
	s.cold.close()
	s.endMatrixBuild()
	s.stopTail()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.driver.Close(ctx); err != nil {
		return fmt.Errorf("neo4j: close: %w", err)
	}
	return nil
}

// readyProbe is the transaction Ready runs: a write that leaves nothing
// behind but commits like any other. A connection check alone passed while
// the database was still starting, and a read answered within 0.3 s of a
// restart while writes still hung for seconds; a committed write is what
// the service needs to work.
// It borrows the label of the write locks (lockID), whose nodes never
// outlive their transaction, so the graph gains no label of its own.
const readyProbe = `CREATE (p:IdLock) WITH p DELETE p RETURN 1 AS ok`

// Ready reports whether a write transaction on the database commits within
// ctx and the schema is in place, creating the schema the first time it
// can. Any failure, a slow answer included, is STORE_UNAVAILABLE: the store
// is not ready.
func (s *Store) Ready(ctx context.Context) error {
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (*nd.Record, error) {
		res, err := tx.Run(ctx, readyProbe, nil)
		if err != nil {
			return nil, err
		}
		return res.Single(ctx)
	}, txTimeout(ctx)...)
	s.cold.saw(err)
	if err != nil {
		return unavailable("ready", err)
	}
	if err := s.ensureSchema(ctx); err != nil {
		if cg.ErrorCode(err) == cg.CodeTimeout {
			return unavailable("ready", err)
		}
		return err
	}
	return nil
}

// txTimeoutMargin is how much sooner than its caller's deadline a
// transaction times out on the server, so that Neo4j ends it (and says so)
// before the caller stops waiting.
const txTimeoutMargin = 100 * time.Millisecond

// txTimeout gives a transaction the time its caller has left, less a
// margin: Neo4j does not know the caller gave up, so without it a query
// past the deadline keeps a core busy to its end and a write waiting on a
// lock waits on. No deadline, no time-out (the server's default).
func txTimeout(ctx context.Context) []func(*nd.TransactionConfig) {
	d, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	left := time.Until(d)
	left -= min(left/10, txTimeoutMargin)
	// Zero would mean no time-out at all: a spent deadline gets the
	// shortest one the server keeps.
	return []func(*nd.TransactionConfig){nd.WithTxTimeout(max(left, time.Millisecond))}
}

// retryAcquisition runs call again while its failures are failures to get
// a connection from a Neo4j that accepts them (a cold pool on a busy
// machine: the pool's borrow time-out, a connect that timed out) and the
// caller's deadline leaves time: the driver's own retries stop after
// maxTransactionRetryTime, which would turn a slow first connection into
// STORE_UNAVAILABLE while Neo4j is up. A refused connect is a Neo4j that is
// down, and comes back at once.
func retryAcquisition[T any](ctx context.Context, call func() (T, error)) (T, error) {
	pause := 50 * time.Millisecond
	for {
		out, err := call()
		if err == nil || !acquisitionFailed(err) {
			return out, err
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < 2*pause {
			return out, err
		}
		select {
		case <-ctx.Done():
			return out, err
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

// ensureSchema creates the constraints and indexes once; after a failure
// the next call tries again.
func (s *Store) ensureSchema(ctx context.Context) error {
	s.schemaMu.Lock()
	defer s.schemaMu.Unlock()
	if s.schemaDone {
		return nil
	}
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	// One transaction per schema command: when a command's transaction
	// outlives its caller (a deadline on a busy server) and a later call
	// creates the same index, Neo4j answers "already exists" in spite of
	// IF NOT EXISTS. That answer means the schema is there: go on.
	for _, stmt := range schemaStatements {
		_, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (nd.ResultSummary, error) {
			res, err := tx.Run(ctx, stmt, nil)
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		}, txTimeout(ctx)...)
		if err != nil && !schemaExists(err) {
			return classify("create schema", err)
		}
	}
	// A full-text index made over an existing graph fills in the
	// background, and queries fail until it is online.
	for _, name := range []string{textNodesIndex, textEdgesIndex} {
		_, err := nd.ExecuteRead(ctx, sess, func(tx nd.ManagedTransaction) (nd.ResultSummary, error) {
			res, err := tx.Run(ctx, `CALL db.awaitIndex($name, 300)`, map[string]any{"name": name})
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		if err != nil {
			return classify("await text index", err)
		}
	}
	if err := s.ensureMatrix(ctx); err != nil {
		// Building a large graph's counts can outlast the caller (a
		// readiness probe has 2 s): the build goes on in the background,
		// and the matrix is aggregated until it is done.
		s.buildMatrixInBackground()
	}
	s.schemaDone = true
	return nil
}

func (s *Store) session(ctx context.Context, mode nd.AccessMode) nd.SessionWithContext {
	return s.driver.NewSession(ctx, nd.SessionConfig{
		AccessMode:   mode,
		DatabaseName: s.db,
		// Share ExecuteQuery's bookmarks so that reads through a routing
		// driver see what Load wrote.
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
}

// read runs one read query as a managed transaction, routed to readers.
func (s *Store) read(ctx context.Context, op, cypher string, params map[string]any) ([]*nd.Record, error) {
	opts := s.readOptions()
	if token := cg.ConsistencyToken(ctx); token != "" {
		// The client's state, from a write through any instance: the
		// query waits until the server it runs on has caught up with it.
		bms, err := decodeToken(token)
		if err != nil {
			return nil, err
		}
		opts = append(opts, nd.ExecuteQueryWithBookmarkManager(nd.NewBookmarkManager(nd.BookmarkManagerConfig{InitialBookmarks: bms})))
	}
	res, err := coldRun(s.cold, ctx, cypher, func(ctx context.Context) (*nd.EagerResult, error) {
		return s.execute(ctx, cypher, params, opts)
	})
	if err != nil {
		return nil, classify(op, err)
	}
	return res.Records, nil
}

// readOptions route a read to readers of the store's database.
func (s *Store) readOptions() []nd.ExecuteQueryConfigurationOption {
	opts := []nd.ExecuteQueryConfigurationOption{nd.ExecuteQueryWithReadersRouting()}
	if s.db != "" {
		opts = append(opts, nd.ExecuteQueryWithDatabase(s.db))
	}
	return opts
}

// execute runs a read with the driver's options, retrying a busy pool
// within ctx's deadline.
func (s *Store) execute(ctx context.Context, cypher string, params map[string]any, opts []nd.ExecuteQueryConfigurationOption) (*nd.EagerResult, error) {
	return retryAcquisition(ctx, func() (*nd.EagerResult, error) {
		opts := append(opts[:len(opts):len(opts)], nd.ExecuteQueryWithTransactionConfig(txTimeout(ctx)...))
		return nd.ExecuteQuery(ctx, s.driver, cypher, params, nd.EagerResultTransformer, opts...)
	})
}

// planAhead has Neo4j plan a full statement (expandsOnly) in the
// background, with a page limit of 0, once requests of its shape have run
// the light one aheadAfter times: a shape that only small entities ask
// would otherwise never run the full statement, and every request of it
// would pay the degree statement's round trip (12.7 against 17.4 ms for a
// small entity's warm page, docs/benchmarks.md, session 15). Once it has
// answered, expandsOnly answers from memory. params is read later, by
// the run: the caller must not change it.
func (s *Store) planAhead(cypher string, params map[string]any) {
	s.cold.ahead(cypher, func(ctx context.Context) error {
		// Built only for the run: most calls count a request and return.
		p := maps.Clone(params)
		p["limit"] = int64(0)
		_, err := s.execute(ctx, cypher, p, s.readOptions())
		return err
	})
}

// readOne runs a read that answers one record and returns its values.
func (s *Store) readOne(ctx context.Context, op, cypher string, params map[string]any) (map[string]any, error) {
	recs, err := s.read(ctx, op, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: %s: %d records, want 1", op, len(recs))
	}
	return recs[0].AsMap(), nil
}

// Stats counts the nodes and relationships in the database, but not the
// matrix stripes (matrixrows.go): they are sums kept for reads, and how
// many exist depends on the stripes the actors drew, not on the data.
func (s *Store) Stats(ctx context.Context) (nodes, rels int, err error) {
	m, err := s.readOne(ctx, "stats", statsQuery, nil)
	if err != nil {
		return 0, 0, err
	}
	return toInt(m["nodes"]), toInt(m["rels"]), nil
}

// clear deletes everything in the database, in batches so that a large
// graph does not need one huge transaction. Tests and benchmarks use it.
func (s *Store) clear(ctx context.Context) error {
	// The feed starts again from nothing: a tailer past its old head
	// would wait for numbers already seen.
	s.stopTail()
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	// CALL … IN TRANSACTIONS needs an auto-commit transaction (Run).
	res, err := sess.Run(ctx, clearAll, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return classify("clear", err)
	}
	// The empty graph's counts are all zero: maintained from here on.
	return s.buildMatrix(ctx)
}

// schemaExists tells an error that says a schema rule of that name or shape
// exists already (Neo.ClientError.Schema.*AlreadyExists).
func schemaExists(err error) bool {
	var ne *nd.Neo4jError
	return errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.Schema.") && strings.HasSuffix(ne.Code, "AlreadyExists")
}
