package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// startServer runs the built server binary as a real process and returns
// it with its address.
func startServer(t *testing.T, bin, dataDir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	cmd.Env = append(cmd.Environ(), "COALITIONGRAPH_API_KEYS=tester:"+httpapi.HashKey("test-key"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		var rec map[string]any
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec["msg"] == "listening" {
			go io.Copy(io.Discard, stdout)
			return cmd, rec["addr"].(string)
		}
	}
	t.Fatalf("server exited before listening")
	return nil, ""
}

func graphql(t *testing.T, addr, key, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestWritesSurviveKill9 writes through the API of a real server process,
// kills it with SIGKILL (no shutdown, no flush), restarts it on the same
// data directory and finds the write there.
func TestWritesSurviveKill9(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "server")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")

	cmd, addr := startServer(t, bin, data)
	got := graphql(t, addr, "test-key", `mutation { changeCommitmentStatus(input: {
		id: "c-swe-offers-surveillance", baseVersion: 1, status: PLEDGED, reason: "kill -9 test",
		evidence: [{source: "src-000", quote: "Stockholm offering potential naval and air surveillance assets"}]}) { version status } }`)
	if !strings.Contains(got, `"version":2`) {
		t.Fatalf("write answered %s", got)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()

	start := time.Now()
	_, addr = startServer(t, bin, data)
	t.Logf("restart after kill -9 took %v", time.Since(start))
	got = graphql(t, addr, "", `{ commitment(id: "c-swe-offers-surveillance") { version status reason recordedBy history { version } } }`)
	for _, want := range []string{`"version":2`, `"status":"PLEDGED"`, `"reason":"kill -9 test"`, `"recordedBy":"tester"`} {
		if !strings.Contains(got, want) {
			t.Errorf("after restart %s lacks %s", got, want)
		}
	}
}
