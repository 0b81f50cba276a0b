package testsupport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func newDriver(t *testing.T, uri string) neo4j.DriverWithContext {
	t.Helper()
	// Short retry and acquisition windows so that a query against a stopped
	// server fails in seconds instead of the driver's default 30 s of retries.
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth(), func(c *config.Config) {
		c.MaxTransactionRetryTime = 2 * time.Second
		c.ConnectionAcquisitionTimeout = 5 * time.Second
		c.SocketConnectTimeout = 2 * time.Second
	})
	if err != nil {
		t.Fatalf("create driver for %s: %v", uri, err)
	}
	t.Cleanup(func() { _ = d.Close(context.Background()) })
	return d
}

func query(ctx context.Context, d neo4j.DriverWithContext, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := neo4j.ExecuteQuery(ctx, d, cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		return nil, err
	}
	return res.Records, nil
}

func singleInt(t *testing.T, recs []*neo4j.Record) int64 {
	t.Helper()
	if len(recs) != 1 || len(recs[0].Values) != 1 {
		t.Fatalf("want one record with one value, got %v", recs)
	}
	n, ok := recs[0].Values[0].(int64)
	if !ok {
		t.Fatalf("want an integer, got %T %v", recs[0].Values[0], recs[0].Values[0])
	}
	return n
}

func TestSharedNeo4j(t *testing.T) {
	uri := Neo4jURI(t)
	if again := Neo4jURI(t); again != uri {
		t.Fatalf("second call gave %q, first %q: the instance must be shared", again, uri)
	}
	d := newDriver(t, uri)
	ctx := context.Background()

	tests := []struct {
		name   string
		cypher string
		params map[string]any
		want   int64
	}{
		{"literal", "RETURN 1", nil, 1},
		{"parameter", "RETURN $x + 1", map[string]any{"x": 41}, 42},
		{"write then read", "CREATE (n:SupportProbe {v: $v}) WITH n MATCH (m:SupportProbe {v: $v}) RETURN count(m)", map[string]any{"v": "shared"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := query(ctx, d, tc.cypher, tc.params)
			if err != nil {
				t.Fatalf("%s: %v", tc.cypher, err)
			}
			if got := singleInt(t, recs); got != tc.want {
				t.Fatalf("%s = %d, want %d", tc.cypher, got, tc.want)
			}
		})
	}
}

func TestDedicatedNeo4jStopStart(t *testing.T) {
	srv := StartNeo4j(t)
	uri := srv.URI()
	d := newDriver(t, uri)
	ctx := context.Background()

	if _, err := query(ctx, d, "CREATE (:Survivor {name: 'kept'})", nil); err != nil {
		t.Fatalf("write before stop: %v", err)
	}

	srv.Stop()
	if _, err := query(ctx, d, "RETURN 1", nil); err == nil {
		t.Fatal("query succeeded while Neo4j was stopped")
	} else {
		t.Logf("while stopped, as expected: %v", err)
	}

	srv.Start()
	if srv.URI() != uri {
		t.Fatalf("restart moved the server from %s to %s", uri, srv.URI())
	}
	// The same driver must recover: outage tests rely on reconnection, not
	// on building a fresh driver.
	recs, err := query(ctx, d, "MATCH (s:Survivor {name: 'kept'}) RETURN count(s)", nil)
	if err != nil {
		t.Fatalf("query after restart: %v", err)
	}
	if got := singleInt(t, recs); got != 1 {
		t.Fatalf("after restart found %d Survivor nodes, want 1: data dir not kept", got)
	}
}

// A start that cannot succeed must fail promptly with the JVM's reason, not
// hang until the start timeout.
func TestStartFailsWhenPortTaken(t *testing.T) {
	if os.Getenv("NEO4J_URI") != "" {
		t.Skip("NEO4J_URI set: this machine is not expected to start Neo4j itself")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	srv := &Neo4jServer{dir: t.TempDir(), port: port}
	t.Cleanup(func() {
		_ = srv.stop()
		_ = os.Remove(srv.logPath)
	})
	start := time.Now()
	err = srv.start()
	if errors.Is(err, errMissingTool) {
		skipOrFail(t, err)
	}
	if err == nil {
		t.Fatalf("Neo4j started on port %d although it was taken", port)
	}
	if !strings.Contains(err.Error(), "exited before it was ready") || !strings.Contains(err.Error(), srv.logPath) {
		t.Fatalf("error should say the JVM exited and name the log: %v", err)
	}
	msg := err.Error()
	t.Logf("failed after %v: ...%s", time.Since(start).Round(time.Millisecond), msg[max(0, len(msg)-800):])
}

// The launcher compiled into the cache is the class java runs: it loads
// from the cached directory on the Neo4j classpath and gets as far as its
// argument check (no Neo4j is started), and a second call reuses it.
func TestCompiledLauncherRuns(t *testing.T) {
	if _, err := exec.LookPath("javac"); err != nil {
		t.Skipf("no javac: the launcher runs in source-file mode (%v)", err)
	}
	dir, err := supportDir()
	if err != nil {
		t.Fatal(err)
	}
	cp, err := classpath(dir)
	if err != nil {
		skipOrFail(t, err)
	}
	args := launcherArgs(dir, cp)
	if args[len(args)-1] != "Launcher" {
		t.Fatalf("java arguments %q: not the compiled class", args)
	}
	again, err := compiledLauncher(filepath.Join(dir, "Launcher.java"), cp)
	if err != nil || !strings.HasPrefix(args[1], again+string(os.PathListSeparator)) {
		t.Fatalf("second compiledLauncher: %q, %v; the first put %q on the classpath", again, err, args[1])
	}
	out, err := exec.Command("java", args...).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "usage: Launcher.java") {
		t.Fatalf("java %s with no arguments: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// Tests keep their plans when the graph's statistics drift, and a server
// started with ReplanEnv=stats replans as Neo4j's default does (replanMode).
func TestReplanSetting(t *testing.T) {
	for _, tc := range []struct {
		name, env, want string
	}{
		{"tests keep their plans", "", "1d"},
		{"stats replans as by default", "stats", "10s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(ReplanEnv, tc.env)
			d := newDriver(t, StartNeo4j(t).URI())
			recs, err := query(context.Background(), d, "SHOW SETTINGS YIELD name, value WHERE name = 'dbms.cypher.min_replan_interval' RETURN value", nil)
			if err != nil {
				t.Fatalf("show settings: %v", err)
			}
			if len(recs) != 1 {
				t.Fatalf("show settings: %d records, want 1", len(recs))
			}
			if got := fmt.Sprint(recs[0].Values[0]); got != tc.want {
				t.Fatalf("dbms.cypher.min_replan_interval = %q, want %q", got, tc.want)
			}
		})
	}
}
