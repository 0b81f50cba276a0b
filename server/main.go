// Command server serves the coalitiongraph API.
//
//	go run ./server                      # embedded store, seeded from the curated dataset, on :8080
//	PORT=9000 go run ./server            # another port (or --addr 127.0.0.1:9000)
//	NEO4J_URI=bolt://localhost:7687 go run ./server   # Neo4j as the store
//
// Without Neo4j, writes are kept in a bbolt file under --data-dir (./data),
// seeded from the curated dataset on first start.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

type config struct {
	addr           string
	introspection  bool
	apiKeys        []httpapi.APIKey
	readsNeedKey   bool
	dataDir        string
	memory         bool
	neo4j          neo4j.Config
	requestTimeout time.Duration
	shutdownGrace  time.Duration
	rateLimit      httpapi.RateLimit
	// readConcurrency is how many queries execute at once, 0 for no bound.
	readConcurrency int
	// readCacheBytes bounds the read cache, 0 for none.
	readCacheBytes int64
	// readsBesideWrites is how many queries may start while writes are
	// active, 0 for no priority for writes.
	readsBesideWrites int
	// trustedDocuments is the allow-list file, empty for none.
	trustedDocuments string
}

func parseConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := ":8080"
	if p := getenv("PORT"); p != "" {
		addr = ":" + p
	}
	introspection := true
	if v := getenv("INTROSPECTION"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return config{}, fmt.Errorf("INTROSPECTION=%q: want true or false", v)
		}
		introspection = b
	}
	var c config
	fs.StringVar(&c.addr, "addr", addr, "listen address (env PORT sets the port)")
	fs.BoolVar(&c.introspection, "introspection", introspection, "allow schema introspection (env INTROSPECTION)")
	requestTimeout, err := envDuration(getenv, "COALITIONGRAPH_REQUEST_TIMEOUT", 10*time.Second)
	if err != nil {
		return config{}, err
	}
	shutdownGrace, err := envDuration(getenv, "COALITIONGRAPH_SHUTDOWN_GRACE", 10*time.Second)
	if err != nil {
		return config{}, err
	}
	fs.DurationVar(&c.requestTimeout, "request-timeout", requestTimeout, "deadline of each request, passed down to the store (env COALITIONGRAPH_REQUEST_TIMEOUT)")
	fs.DurationVar(&c.shutdownGrace, "shutdown-grace", shutdownGrace, "how long in-flight requests get to finish on shutdown (env COALITIONGRAPH_SHUTDOWN_GRACE)")
	dataDir := getenv("COALITIONGRAPH_DATA_DIR")
	if dataDir == "" {
		dataDir = "data"
	}
	fs.StringVar(&c.dataDir, "data-dir", dataDir, "where the embedded store keeps its database (env COALITIONGRAPH_DATA_DIR)")
	fs.BoolVar(&c.memory, "memory", getenv("COALITIONGRAPH_MEMORY") == "true", "keep the embedded store in memory only: writes are lost on exit (env COALITIONGRAPH_MEMORY=true)")
	c.neo4j = neo4j.Config{URI: getenv("NEO4J_URI"), User: getenv("NEO4J_USER"), Password: getenv("NEO4J_PASSWORD"), Database: getenv("NEO4J_DATABASE")}
	feedRetention := neo4j.DefaultFeedRetention
	if v := getenv("COALITIONGRAPH_FEED_RETENTION"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return config{}, fmt.Errorf("COALITIONGRAPH_FEED_RETENTION=%q: want a number of events, at least 1", v)
		}
		feedRetention = n
	}
	fs.IntVar(&c.neo4j.FeedRetention, "feed-retention", feedRetention, "with Neo4j: how many change events the outbox keeps for subscribers that resume (env COALITIONGRAPH_FEED_RETENTION)")
	keysFile := fs.String("api-keys-file", getenv("COALITIONGRAPH_API_KEYS_FILE"), "file of API keys, one name:sha256:<hex> a line (env COALITIONGRAPH_API_KEYS_FILE)")
	fs.StringVar(&c.trustedDocuments, "trusted-documents", getenv("COALITIONGRAPH_TRUSTED_DOCUMENTS"), "run only the documents of this JSON file of sha256 id to document; without it, automatic persisted queries are on (env COALITIONGRAPH_TRUSTED_DOCUMENTS)")
	fs.BoolVar(&c.readsNeedKey, "reads-need-key", getenv("COALITIONGRAPH_READS_NEED_KEY") == "true", "require an API key for queries too (env COALITIONGRAPH_READS_NEED_KEY=true)")
	rates := map[string]*float64{"COALITIONGRAPH_RATE_REQUESTS": &c.rateLimit.RequestsPerSecond, "COALITIONGRAPH_RATE_COMPLEXITY": &c.rateLimit.ComplexityPerSecond}
	for env, dst := range rates {
		if v := getenv(env); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				return config{}, fmt.Errorf("%s=%q: want a rate a second, 0 for none", env, v)
			}
			*dst = f
		}
	}
	fs.Float64Var(&c.rateLimit.RequestsPerSecond, "rate-requests", c.rateLimit.RequestsPerSecond, "GraphQL requests a second per API key or client address, 0 for no limit (env COALITIONGRAPH_RATE_REQUESTS)")
	fs.Float64Var(&c.rateLimit.ComplexityPerSecond, "rate-complexity", c.rateLimit.ComplexityPerSecond, "query complexity a second per API key or client address, 0 for no limit (env COALITIONGRAPH_RATE_COMPLEXITY)")
	reads := httpapi.DefaultReadConcurrency()
	if v := getenv("COALITIONGRAPH_READ_CONCURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return config{}, fmt.Errorf("COALITIONGRAPH_READ_CONCURRENCY=%q: want a number of queries, 0 for no bound", v)
		}
		reads = n
	}
	fs.IntVar(&c.readConcurrency, "read-concurrency", reads, "queries executing at once; more wait in line within their deadline or are refused with OVERLOADED (503); mutations never wait; 0 for no bound (env COALITIONGRAPH_READ_CONCURRENCY; default 2 a processor)")
	cacheBytes := int64(httpapi.DefaultReadCacheBytes)
	if v := getenv("COALITIONGRAPH_READ_CACHE_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return config{}, fmt.Errorf("COALITIONGRAPH_READ_CACHE_BYTES=%q: want a number of bytes, 0 to turn the read cache off", v)
		}
		cacheBytes = n
	}
	fs.Int64Var(&c.readCacheBytes, "read-cache-bytes", cacheBytes, "bytes of query answers the read cache keeps; an answer is served again only while the graph version it was computed at is current (docs/cache.md); 0 turns the cache off (env COALITIONGRAPH_READ_CACHE_BYTES; default 64 MiB)")
	// On Neo4j a query mostly waits on the network and a write on Neo4j:
	// holding queries back would not make the server's processors free for
	// writes, only cost reads.
	beside := httpapi.DefaultReadsBesideWrites()
	if c.neo4j.URI != "" {
		beside = 0
	}
	if v := getenv("COALITIONGRAPH_READS_BESIDE_WRITES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return config{}, fmt.Errorf("COALITIONGRAPH_READS_BESIDE_WRITES=%q: want a number of queries, 0 for no priority for writes", v)
		}
		beside = n
	}
	fs.IntVar(&c.readsBesideWrites, "reads-beside-writes", beside, "queries that may start while writes are active (a mutation executing or one within 100 ms): writes go first for the processors; 0 for no priority for writes (env COALITIONGRAPH_READS_BESIDE_WRITES; default every processor but one on the embedded store, 0 on Neo4j)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, helpRequested{usage(fs)}
		}
		return config{}, fmt.Errorf("parse flags: %w", err)
	}
	if c.readCacheBytes < 0 {
		return config{}, fmt.Errorf("--read-cache-bytes %d: want a number of bytes, 0 to turn the read cache off", c.readCacheBytes)
	}
	if c.readsBesideWrites < 0 {
		return config{}, fmt.Errorf("--reads-beside-writes %d: want a number of queries, 0 for no priority for writes", c.readsBesideWrites)
	}
	if c.readConcurrency < 0 {
		return config{}, fmt.Errorf("--read-concurrency %d: want a number of queries, 0 for no bound", c.readConcurrency)
	}
	if c.rateLimit.ComplexityPerSecond > 0 {
		// One operation of the largest admitted complexity must fit.
		c.rateLimit.ComplexityBurst = max(int(c.rateLimit.ComplexityPerSecond), httpapi.Defaults().MaxComplexity)
	}
	keys, err := httpapi.ParseAPIKeys(getenv("COALITIONGRAPH_API_KEYS"), "COALITIONGRAPH_API_KEYS")
	if err != nil {
		return config{}, err
	}
	if *keysFile != "" {
		b, err := os.ReadFile(*keysFile)
		if err != nil {
			return config{}, fmt.Errorf("read API keys: %w", err)
		}
		more, err := httpapi.ParseAPIKeys(string(b), *keysFile)
		if err != nil {
			return config{}, err
		}
		keys = append(keys, more...)
	}
	c.apiKeys = keys
	return c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "hash-key" {
		return hashKey(args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "check" {
		return checkCmd(args[1:], getenv, stdout)
	}
	if len(args) > 0 && args[0] == "backup" {
		return backupCmd(args[1:], getenv, stdout)
	}
	cfg, err := parseConfig(args, getenv)
	if h := (helpRequested{}); errors.As(err, &h) {
		_, err := io.WriteString(stdout, h.text)
		return err
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stdout, nil))

	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()

	hcfg := httpapi.Defaults()
	hcfg.Logger = log
	hcfg.Introspection = cfg.introspection
	hcfg.RequestTimeout = cfg.requestTimeout
	hcfg.APIKeys = cfg.apiKeys
	hcfg.ReadsNeedKey = cfg.readsNeedKey
	hcfg.RateLimit = cfg.rateLimit
	hcfg.ReadConcurrency = cfg.readConcurrency
	if cfg.readConcurrency == 0 {
		hcfg.ReadConcurrency = -1 // the handler's "no bound"; its 0 is the default
	}
	hcfg.ReadCacheBytes = cfg.readCacheBytes
	if cfg.readCacheBytes == 0 {
		hcfg.ReadCacheBytes = -1 // the handler's "off"; its 0 is the default
	}
	hcfg.ReadsBesideWrites = cfg.readsBesideWrites
	if cfg.readsBesideWrites == 0 {
		hcfg.ReadsBesideWrites = -1 // the handler's "no priority"
	}
	if cfg.trustedDocuments != "" {
		b, err := os.ReadFile(cfg.trustedDocuments)
		if err != nil {
			return fmt.Errorf("read trusted documents: %w", err)
		}
		if hcfg.TrustedDocuments, err = httpapi.ParseTrustedDocuments(b, cfg.trustedDocuments); err != nil {
			return err
		}
	}
	var handler http.Handler = httpapi.NewHandler(store, hcfg)
	if b, ok := store.(*bbolt.Store); ok {
		mux := http.NewServeMux()
		mux.Handle("/", handler)
		mux.Handle("GET /admin/backup", backupHandler(b, cfg.apiKeys, log))
		handler = mux
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      cfg.requestTimeout + 5*time.Second,
		IdleTimeout:       60 * time.Second,
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "api_keys", len(cfg.apiKeys))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// warmUpLimit bounds the Neo4j plan warm-up, the wait for Neo4j included:
// a server whose Neo4j comes up later plans on first use, as before.
const warmUpLimit = 2 * time.Minute

// openStore picks the store: Neo4j when NEO4J_URI is set; otherwise the
// embedded store, durable in the data directory unless --memory.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (cg.Store, error) {
	if cfg.neo4j.URI != "" {
		s, err := neo4j.Open(ctx, cfg.neo4j)
		if err != nil {
			return nil, fmt.Errorf("open Neo4j: %w", err)
		}
		// An unreachable Neo4j is not fatal: /readyz says why until it returns.
		log.Info("store", "kind", "neo4j", "database", cfg.neo4j.Database)
		// Plans the common reads in the background; /readyz does not
		// wait for it (neo4j/warmup.go).
		s.StartWarmUp(warmUpLimit, func(st neo4j.WarmUpStats, err error) {
			if err != nil {
				log.Warn("neo4j plan warm-up stopped", "planned", st.Planned, "took", st.Duration.Round(time.Millisecond), "err", err)
				return
			}
			log.Info("neo4j plan warm-up", "planned", st.Planned, "took", st.Duration.Round(time.Millisecond))
		})
		return s, nil
	}
	ds, err := dataset.Default()
	if err != nil {
		return nil, fmt.Errorf("load the curated dataset: %w", err)
	}
	if cfg.memory {
		s, err := inmem.New(ds)
		if err != nil {
			return nil, fmt.Errorf("open the in-memory store: %w", err)
		}
		log.Info("store", "kind", "memory", "commitments", len(ds.Commitments))
		startEmbeddedWarmUp(ctx, s.WarmUp, log)
		return s, nil
	}
	path := filepath.Join(cfg.dataDir, "coalitiongraph.db")
	s, err := bbolt.Open(path, ds)
	if errors.Is(err, bbolt.ErrLocked) {
		// Most likely a second server started on the same directory: say
		// how to run several.
		return nil, fmt.Errorf("open the embedded store: %w; the embedded store serves one server process: "+
			"give this one its own --data-dir, or run every instance on one Neo4j (NEO4J_URI; README: several instances)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("open the embedded store: %w", err)
	}
	log.Info("store", "kind", "embedded", "path", path)
	startEmbeddedWarmUp(ctx, s.WarmUp, log)
	return s, nil
}

// startEmbeddedWarmUp builds what the embedded store otherwise builds on
// first use (its text index, matrix rows and busy entities' date lists) in
// the background (inmem/warmup.go); /readyz does not wait for it.
func startEmbeddedWarmUp(ctx context.Context, warm func(context.Context) (time.Duration, error), log *slog.Logger) {
	go func() {
		took, err := warm(ctx)
		if err != nil {
			log.Warn("embedded warm-up stopped", "err", err)
			return
		}
		log.Info("embedded warm-up", "took", took.Round(time.Millisecond))
	}()
}

// hashKey prints the configuration line for an API key: the secret itself
// is never stored, only its hash.
func hashKey(args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return errors.New("usage: server hash-key NAME SECRET")
	}
	_, err := fmt.Fprintf(stdout, "%s:%s\n", args[0], httpapi.HashKey(args[1]))
	return err
}

// helpRequested carries the usage text of --help, which is an answer, not
// a failure: run prints it and exits 0.
type helpRequested struct{ text string }

func (h helpRequested) Error() string { return "help requested" }

// usage lists every flag with its default and environment variable, and the
// variables that have no flag.
func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("Usage: server [flags]\n       server hash-key NAME SECRET\n\nFlags (each also set by the environment variable named in its description):\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	b.WriteString(`
Environment without a flag:
  NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE
        serve from Neo4j instead of the embedded store when NEO4J_URI is set
  COALITIONGRAPH_API_KEYS
        API keys inline, name:sha256:<hex> separated by commas or newlines
`)
	return b.String()
}

// envDuration reads a duration from the environment, def when unset.
func envDuration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: want a duration such as 10s: %w", name, v, err)
	}
	return d, nil
}
