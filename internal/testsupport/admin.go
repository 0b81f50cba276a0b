package testsupport

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// adminMain is neo4j-admin's entry point, in neo4j-command-line; the
// commands it runs (database import among them, from neo4j-import-tool)
// are found on the classpath as services.
const adminMain = "org.neo4j.cli.AdminTool"

// Neo4jAdmin runs `neo4j-admin args…` from the harness's jars against an
// instance directory as StartNeo4jIn uses it (the store in dir/data), as
// the operator's neo4j-admin would on a server's home: NEO4J_HOME and
// NEO4J_CONF point at dir/admin, whose neo4j.conf names dir/data. jvm are
// the JVM's options; none means the JVM's and the tool's defaults. It
// returns what the tool printed, and an error if it failed.
func Neo4jAdmin(ctx context.Context, dir string, jvm []string, args ...string) (string, error) {
	if _, err := exec.LookPath("java"); err != nil {
		return "", fmt.Errorf("java not found: %w", errMissingTool)
	}
	sup, err := supportDir()
	if err != nil {
		return "", err
	}
	cp, err := classpath(sup)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("neo4j-admin: %w", err)
	}
	home := filepath.Join(abs, "admin")
	if err := os.MkdirAll(filepath.Join(abs, "data"), 0o755); err != nil {
		return "", fmt.Errorf("neo4j-admin: %w", err)
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		return "", fmt.Errorf("neo4j-admin: %w", err)
	}
	conf := "server.directories.data=" + filepath.Join(abs, "data") + "\n"
	if err := os.WriteFile(filepath.Join(home, "neo4j.conf"), []byte(conf), 0o644); err != nil {
		return "", fmt.Errorf("neo4j-admin: %w", err)
	}
	cmdArgs := append(append(append([]string{}, jvm...), jvmOpens...), "-cp", cp, adminMain)
	cmd := exec.CommandContext(ctx, "java", append(cmdArgs, args...)...)
	cmd.Dir = home // the import tool writes its report into the working directory
	cmd.Env = append(os.Environ(), "NEO4J_HOME="+home, "NEO4J_CONF="+home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("neo4j-admin %s: %w\n%s", strings.Join(args[:min(3, len(args))], " "), err, tailString(string(out)))
	}
	return string(out), nil
}

// StartNeo4jIn is StartNeo4j on an instance directory that may already
// hold a store in dir/data (one neo4j-admin made, for instance); the
// directory is the caller's to remove.
func StartNeo4jIn(t testing.TB, dir string) *Neo4jServer {
	t.Helper()
	srv := &Neo4jServer{tb: t, dir: dir}
	start := time.Now()
	err := srv.start()
	t.Cleanup(func() {
		if err := srv.stop(); err != nil {
			t.Errorf("stop Neo4j: %v", err)
		}
		if srv.logPath == "" {
			return
		}
		if t.Failed() {
			t.Logf("Neo4j log kept at %s", srv.logPath)
		} else {
			_ = os.Remove(srv.logPath)
		}
	})
	if err != nil {
		skipOrFail(t, err)
	}
	t.Logf("dedicated Neo4j on %s at %s started in %v (log %s)", dir, srv.uri, time.Since(start).Round(time.Millisecond), srv.logPath)
	return srv
}

func tailString(s string) string {
	const max = 4000
	if len(s) > max {
		return s[len(s)-max:]
	}
	return s
}
