// Package testsupport starts a real Neo4j 5.26 Community server for integration
// tests, without Docker: the Neo4j test harness jars are resolved by Maven
// (scripts/neo4j-deps.sh) and run in a JVM by neo4j/Launcher.java.
//
// Most tests share one lazily started instance through Neo4jURI; tests that
// need to take the database down use a dedicated one from StartNeo4j.
package testsupport

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// startTimeout covers a cold JVM plus store creation on a busy 2-core
	// machine (seen: over 3 minutes with several suites starting at once);
	// a normal start takes a few seconds.
	startTimeout = 8 * time.Minute
	// stopTimeout is how long a graceful shutdown (stdin EOF, then SIGTERM)
	// may take before the JVM is killed.
	stopTimeout = 30 * time.Second

	uriPrefix = "BOLT_URI "
)

// PageCacheEnv, when set, is the page cache in MiB of the Neo4j the
// harness starts (Launcher.java reads it; 128 otherwise, as several run at
// once on a small machine). For a benchmark that serves a large graph.
const PageCacheEnv = "COALITIONGRAPH_NEO4J_PAGECACHE_MB"

// ReplanEnv says whether the harness's Neo4j plans a cached statement
// again when the graph's statistics drift: "keep" never does, "stats"
// does as Neo4j's default does. Unset, tests keep their plans and
// benchmarks (a process run with -test.bench) replan (replanMode).
const ReplanEnv = "COALITIONGRAPH_NEO4J_REPLAN"

// LogsEnv, when set, is a directory where the harness's Neo4j writes its
// logs (debug.log, which records each replan), kept after the run.
const LogsEnv = "COALITIONGRAPH_NEO4J_LOGS"

// replanMode is ReplanEnv's value for the server JVM. Tests empty and
// fill graphs of very different sizes: with Neo4j's default, one run of
// the neo4j package planned 476 statements again (1-3 s each for the
// listings' and entity pages'), 719 s against 570 s kept. Tests of a
// plan force their own replan (CYPHER replan=force). A benchmark keeps
// Neo4j's default, so that its plans are those production would have.
func replanMode() string {
	if v := os.Getenv(ReplanEnv); v != "" {
		return v
	}
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		return "stats"
	}
	return "keep"
}

// jvmFlags are the server JVM's: a heap and a collector for a small
// shared machine, and jvmOpens.
var jvmFlags = append([]string{
	"-Xmx1g",
	"-XX:+UseSerialGC", // fewer GC threads on a small shared machine
}, jvmOpens...)

// jvmOpens open the JDK internals that Neo4j and Netty reach into on Java 17+;
// without them startup logs illegal-access failures or falls back to slower paths.
var jvmOpens = []string{
	"--add-opens=java.base/java.nio=ALL-UNNAMED",
	"--add-opens=java.base/java.io=ALL-UNNAMED",
	"--add-opens=java.base/java.lang=ALL-UNNAMED",
	"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
	"-Dio.netty.tryReflectionSetAccessible=true",
}

// errMissingTool marks failures caused by the machine lacking java or mvn, which
// outside CI skip the tests instead of failing them.
var errMissingTool = errors.New("missing tool")

func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, errMissingTool) && os.Getenv("CI") != "true" {
		t.Skipf("Neo4j integration test skipped: %v. To run it, install a JDK (17 or 21) and Maven "+
			"and run scripts/neo4j-deps.sh, or set NEO4J_URI to a Neo4j 5 server with auth disabled", err)
	}
	t.Fatalf("Neo4j for tests: %v", err)
}

// shared is the per-process instance behind Neo4jURI.
var shared struct {
	once sync.Once
	srv  *Neo4jServer
	err  error
}

// Neo4jURI returns the Bolt URI of a Neo4j server shared by all tests of the
// process, starting it on first use. If NEO4J_URI is set, that server is used
// instead and nothing is started. Use Main in TestMain so the shared server is
// stopped when the tests end.
func Neo4jURI(t testing.TB) string {
	t.Helper()
	if uri := os.Getenv("NEO4J_URI"); uri != "" {
		return uri
	}
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "coalitiongraph-neo4j-")
		if err != nil {
			shared.err = fmt.Errorf("create instance dir: %w", err)
			return
		}
		srv := &Neo4jServer{dir: dir}
		start := time.Now()
		if err := srv.start(); err != nil {
			shared.err = err
			_ = os.RemoveAll(dir) // Main only cleans up a server that started
			return
		}
		shared.srv = srv
		t.Logf("shared Neo4j at %s started in %v (log %s)", srv.uri, time.Since(start).Round(time.Millisecond), srv.logPath)
	})
	if shared.err != nil {
		skipOrFail(t, shared.err)
	}
	return shared.srv.URI()
}

// Main runs the tests and then stops the shared server, returning the exit
// code: use `os.Exit(testsupport.Main(m))` in TestMain. The server's directory
// is removed; its log is kept, and its path printed, when a test failed.
func Main(m *testing.M) int {
	code := m.Run()
	if srv := shared.srv; srv != nil {
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testsupport: stopping shared Neo4j: %v\n", err)
		}
		if err := os.RemoveAll(srv.dir); err != nil {
			fmt.Fprintf(os.Stderr, "testsupport: removing %s: %v\n", srv.dir, err)
		}
		if code == 0 {
			_ = os.Remove(srv.logPath)
		} else {
			fmt.Fprintf(os.Stderr, "testsupport: shared Neo4j log kept at %s\n", srv.logPath)
		}
	}
	return code
}

// Neo4jServer is a Neo4j server running in a child JVM. A dedicated one, from
// StartNeo4j, can be stopped and restarted to test behaviour during outages.
type Neo4jServer struct {
	tb      testing.TB // nil for the shared server, which outlives any one test
	dir     string     // instance dir; the store is in dir/data
	port    int        // 0 until the first start picked one
	uri     string
	logPath string

	mu   sync.Mutex
	cmd  *exec.Cmd
	in   io.WriteCloser
	done chan struct{} // closed when the JVM has exited
}

// StartNeo4j starts a Neo4j server for this test alone, stopped by t.Cleanup.
// It ignores NEO4J_URI: stopping a server the test did not start is not an option.
func StartNeo4j(t testing.TB) *Neo4jServer {
	t.Helper()
	return StartNeo4jIn(t, t.TempDir())
}

// URI is the Bolt URI; it stays the same across Stop and Start.
func (s *Neo4jServer) URI() string { return s.uri }

// Stop shuts the server down gracefully and waits for the JVM to exit.
func (s *Neo4jServer) Stop() {
	s.tb.Helper()
	start := time.Now()
	if err := s.stop(); err != nil {
		s.tb.Fatalf("stop Neo4j: %v", err)
	}
	s.tb.Logf("Neo4j at %s stopped in %v", s.uri, time.Since(start).Round(time.Millisecond))
}

// Start restarts a stopped server on the same port with the same data. Like
// Stop, call it from the test's goroutine.
func (s *Neo4jServer) Start() {
	s.tb.Helper()
	start := time.Now()
	if err := s.start(); err != nil {
		s.tb.Fatalf("restart Neo4j: %v", err)
	}
	s.tb.Logf("Neo4j at %s restarted in %v", s.uri, time.Since(start).Round(time.Millisecond))
}

func (s *Neo4jServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("already running")
	}
	if _, err := exec.LookPath("java"); err != nil {
		return fmt.Errorf("java not found: %w", errMissingTool)
	}
	dir, err := supportDir()
	if err != nil {
		return err
	}
	cp, err := classpath(dir)
	if err != nil {
		return err
	}
	if s.logPath == "" {
		// Outside the instance dir so that it survives the dir's removal and
		// can be read after a failed run.
		f, err := os.CreateTemp("", "coalitiongraph-neo4j-*.log")
		if err != nil {
			return fmt.Errorf("create Neo4j log: %w", err)
		}
		s.logPath = f.Name()
		f.Close()
	}
	logf, err := os.OpenFile(s.logPath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("open Neo4j log: %w", err)
	}
	defer logf.Close() // the child has its own copy of the descriptor

	args := append(append(append([]string{}, jvmFlags...), launcherArgs(dir, cp)...), strconv.Itoa(s.port), s.dir)
	cmd := exec.Command("java", args...)
	cmd.Env = append(os.Environ(), ReplanEnv+"="+replanMode())
	cmd.Stderr = logf
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("stdin pipe: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("stdout pipe: %w", err)
	}
	fmt.Fprintf(logf, "=== %s: java %s\n", time.Now().Format(time.RFC3339), strings.Join(args, " "))
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start java: %w (log %s)", err, s.logPath)
	}

	// The reader below outlives this call, so it gets its own descriptor.
	outLog, err := os.OpenFile(s.logPath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		kill(cmd, in, nil)
		return fmt.Errorf("open Neo4j log: %w", err)
	}
	uris := make(chan string, 1)
	done := make(chan struct{})
	copied := make(chan struct{})
	go func() {
		// Keep draining stdout for the JVM's whole life so it never blocks on
		// a full pipe; everything goes to the log.
		defer close(copied)
		defer outLog.Close()
		found := false
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(outLog, line)
			if !found && strings.HasPrefix(line, uriPrefix) {
				found = true
				uris <- strings.TrimSpace(strings.TrimPrefix(line, uriPrefix))
			}
		}
	}()
	go func() {
		<-copied // Wait must not close stdout before the reader is done
		_ = cmd.Wait()
		close(done)
	}()

	select {
	case uri := <-uris:
		port, err := portOf(uri)
		if err != nil {
			kill(cmd, in, done)
			return fmt.Errorf("%w (log %s)", err, s.logPath)
		}
		s.cmd, s.in, s.done, s.uri, s.port = cmd, in, done, uri, port
		return nil
	case <-done:
		return fmt.Errorf("Neo4j exited before it was ready (%v); log %s:\n%s", cmd.ProcessState, s.logPath, tail(s.logPath))
	case <-time.After(startTimeout):
		kill(cmd, in, done)
		return fmt.Errorf("Neo4j not ready after %v; log %s:\n%s", startTimeout, s.logPath, tail(s.logPath))
	}
}

func (s *Neo4jServer) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	err := shutdown(s.cmd, s.in, s.done)
	s.cmd, s.in, s.done = nil, nil, nil
	return err
}

// shutdown asks for a clean stop by closing stdin, then escalates to SIGTERM
// (Launcher's shutdown hook still closes the store cleanly) and finally SIGKILL.
func shutdown(cmd *exec.Cmd, in io.Closer, done <-chan struct{}) error {
	_ = in.Close()
	select {
	case <-done:
		return nil
	case <-time.After(stopTimeout):
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		return fmt.Errorf("Neo4j ignored stdin EOF for %v, stopped by SIGTERM", stopTimeout)
	case <-time.After(stopTimeout):
	}
	kill(cmd, in, done)
	return fmt.Errorf("Neo4j did not stop within %v, killed", 2*stopTimeout)
}

// kill ends the JVM at once; done, if not nil, is waited for.
func kill(cmd *exec.Cmd, in io.Closer, done <-chan struct{}) {
	_ = in.Close()
	_ = cmd.Process.Kill()
	if done != nil {
		<-done
	} else {
		_ = cmd.Wait()
	}
}

func portOf(uri string) (int, error) {
	i := strings.LastIndexByte(uri, ':')
	if i < 0 {
		return 0, fmt.Errorf("no port in Bolt URI %q", uri)
	}
	port, err := strconv.Atoi(strings.TrimSuffix(uri[i+1:], "/"))
	if err != nil {
		return 0, fmt.Errorf("bad port in Bolt URI %q: %w", uri, err)
	}
	return port, nil
}

// tail returns the end of the log, enough to show a Java stack trace in the
// test output without the reader having to open the file.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	const max = 4000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}

// supportDir finds internal/testsupport/neo4j (pom and Launcher). The source
// path recorded at compile time works for ordinary `go test`; walking up from
// the working directory covers builds with -trimpath.
func supportDir() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Join(filepath.Dir(file), "neo4j")
		if _, err := os.Stat(filepath.Join(dir, "Launcher.java")); err == nil {
			return dir, nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		dir := filepath.Join(d, "internal", "testsupport", "neo4j")
		if _, err := os.Stat(filepath.Join(dir, "Launcher.java")); err == nil {
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("internal/testsupport/neo4j not found above %s", wd)
		}
	}
}

// launcherArgs are the java arguments that run supportDir's Launcher.java
// on cp: its class, compiled once (compiledLauncher), or else the source
// file. Source-file mode compiled it at every start and restart, 2-3 s of
// CPU each against 241 jars, and a CI run starts Neo4j about 20 times.
func launcherArgs(supportDir, cp string) []string {
	src := filepath.Join(supportDir, "Launcher.java")
	classes, err := compiledLauncher(src, cp)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testsupport: running Launcher.java in source-file mode: %v\n", err)
		return []string{"-cp", cp, src}
	}
	return []string{"-cp", classes + string(os.PathListSeparator) + cp, "Launcher"}
}

var launcherCache struct {
	mu  sync.Mutex
	dir string
}

// compiledLauncher returns a directory holding Launcher.class compiled
// from src against cp, in the user's cache beside the classpath's (keyed
// by the source and the classpath, so an edit or another pom compiles
// afresh), compiling it the first time. Test processes that compile at
// once each rename their own output into place; the first wins.
func compiledLauncher(src, cp string) (string, error) {
	launcherCache.mu.Lock()
	defer launcherCache.mu.Unlock()
	if launcherCache.dir != "" {
		return launcherCache.dir, nil
	}
	code, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("read the launcher: %w", err)
	}
	javac, err := exec.LookPath("javac")
	if err != nil {
		return "", fmt.Errorf("javac not found: %w", err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("user cache: %w", err)
	}
	cache = filepath.Join(cache, "coalitiongraph")
	sum := sha256.Sum256(append(append(code, 0), cp...))
	dir := filepath.Join(cache, "launcher-"+hex.EncodeToString(sum[:8]))
	compiled := func() bool { _, err := os.Stat(filepath.Join(dir, "Launcher.class")); return err == nil }
	if !compiled() {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return "", fmt.Errorf("create the launcher cache: %w", err)
		}
		tmp, err := os.MkdirTemp(cache, "launcher-tmp-")
		if err != nil {
			return "", fmt.Errorf("create the launcher cache: %w", err)
		}
		if out, err := exec.Command(javac, "-d", tmp, "-cp", cp, src).CombinedOutput(); err != nil {
			_ = os.RemoveAll(tmp)
			return "", fmt.Errorf("javac %s: %w\n%s", src, err, out)
		}
		if err := os.Rename(tmp, dir); err != nil {
			_ = os.RemoveAll(tmp)
			if !compiled() {
				return "", fmt.Errorf("put the compiled launcher in place: %w", err)
			}
		}
	}
	launcherCache.dir = dir
	return dir, nil
}

var cpCache struct {
	mu sync.Mutex
	cp string
}

// classpath runs scripts/neo4j-deps.sh, the single owner of the cache layout,
// which returns at once when the classpath is already resolved.
func classpath(supportDir string) (string, error) {
	cpCache.mu.Lock()
	defer cpCache.mu.Unlock()
	if cpCache.cp != "" {
		return cpCache.cp, nil
	}
	script := filepath.Join(supportDir, "..", "..", "..", "scripts", "neo4j-deps.sh")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 3 {
			return "", fmt.Errorf("%s: %w", strings.TrimSpace(stderr.String()), errMissingTool)
		}
		return "", fmt.Errorf("resolve Neo4j classpath (%s): %w\n%s", script, err, stderr.String())
	}
	if d := time.Since(start); d > 5*time.Second {
		fmt.Fprintf(os.Stderr, "testsupport: resolved Neo4j classpath in %v\n", d.Round(time.Second))
	}
	path := strings.TrimSpace(string(out))
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read Neo4j classpath: %w", err)
	}
	cpCache.cp = strings.TrimSpace(string(b))
	return cpCache.cp, nil
}
