package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The server binary as the tests run it: built once per test binary,
// started as a child process on a free port.

var serverBin struct {
	once sync.Once
	path string
	err  error
}

// buildServer builds the server command once per test binary.
func buildServer(t *testing.T) string {
	t.Helper()
	serverBin.once.Do(func() {
		serverBin.path = filepath.Join(binDir, "server")
		out, err := exec.Command("go", "build", "-o", serverBin.path, "github.com/coalitiongraph/coalitiongraph/server").CombinedOutput()
		if err != nil {
			serverBin.err = fmt.Errorf("go build ./server: %w\n%s", err, out)
		}
	})
	if serverBin.err != nil {
		t.Fatal(serverBin.err)
	}
	return serverBin.path
}

// runServer starts the server binary on uri's Neo4j (NEO4J_URI, no
// credentials, the default database) on a free port, with the request
// timeout and extra environment (NAME=value) given, and returns once it
// logs that it listens, with the command and the address it listens on.
// Its standard output is drained from then on; t's cleanup kills it.
func runServer(t *testing.T, uri string, requestTimeout time.Duration, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(buildServer(t), "--addr", "127.0.0.1:0", "--request-timeout", requestTimeout.String())
	cmd.Env = append(append(cmd.Environ(), "NEO4J_URI="+uri, "NEO4J_USER=", "NEO4J_PASSWORD=", "NEO4J_DATABASE="), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		var rec map[string]any
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec["msg"] == "listening" {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			addr, _ := rec["addr"].(string)
			t.Logf("server process listening at %s after %v", addr, time.Since(start).Round(time.Millisecond))
			return cmd, addr
		}
	}
	_ = cmd.Wait()
	t.Fatalf("server exited before listening (%v): %s", cmd.ProcessState, stderr.String())
	return nil, ""
}
