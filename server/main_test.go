package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// TestRunServesAndShutsDown starts the real server on a free port, queries
// it, and stops it the way a SIGTERM would.
func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	env := map[string]string{"INTROSPECTION": "false"}
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}, func(k string) string { return env[k] }, pw)
		pw.Close()
	}()

	addr := ""
	lines := bufio.NewScanner(pr)
	for addr == "" && lines.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(lines.Bytes(), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", lines.Text())
		}
		if rec["msg"] == "listening" {
			addr, _ = rec["addr"].(string)
		}
	}
	go io.Copy(io.Discard, pr)
	if addr == "" {
		t.Fatalf("server never logged its address: %v", <-done)
	}

	query := func(q string) (data map[string]any, errs []map[string]any) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"query": q})
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Data   map[string]any   `json:"data"`
			Errors []map[string]any `json:"errors"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("%s: status %d, body not JSON: %v", q, resp.StatusCode, err)
		}
		return out.Data, out.Errors
	}
	data, errs := query(`{ entity(id: "POL") { name } }`)
	if ent, _ := data["entity"].(map[string]any); len(errs) > 0 || ent["name"] != "Poland" {
		t.Errorf("entity query: data %v, errors %v; want Poland and no errors", data, errs)
	}
	if _, errs := query(`{ __schema { queryType { name } } }`); len(errs) == 0 || !strings.Contains(fmt.Sprint(errs), "introspection") {
		t.Errorf("INTROSPECTION=false still allowed __schema (errors %v)", errs)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after shutdown", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down")
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		addr  string
		intro bool
		keys  int
		// requests and cost are the rate limits per second (0: off).
		requests, cost float64
		wantErr        string
	}{
		{name: "defaults", addr: ":8080", intro: true},
		{name: "PORT", env: map[string]string{"PORT": "9000"}, addr: ":9000", intro: true},
		{name: "flag beats PORT", args: []string{"--addr", "127.0.0.1:7000"}, env: map[string]string{"PORT": "9000"}, addr: "127.0.0.1:7000", intro: true},
		{name: "introspection off", env: map[string]string{"INTROSPECTION": "false"}, addr: ":8080", intro: false},
		{name: "bad switch", env: map[string]string{"INTROSPECTION": "maybe"}, wantErr: "INTROSPECTION"},
		{name: "unknown flag", args: []string{"--colour"}, wantErr: "colour"},
		{name: "api keys", env: map[string]string{"COALITIONGRAPH_API_KEYS": "alice:sha256:" + strings.Repeat("ab", 32)}, addr: ":8080", intro: true, keys: 1},
		{name: "plaintext key refused", env: map[string]string{"COALITIONGRAPH_API_KEYS": "alice:hunter2"}, wantErr: "COALITIONGRAPH_API_KEYS: entry 1"},
		{name: "missing keys file", args: []string{"--api-keys-file", "/nonexistent/keys"}, wantErr: "read API keys"},
		{name: "rate limits from env", env: map[string]string{"COALITIONGRAPH_RATE_REQUESTS": "5", "COALITIONGRAPH_RATE_COMPLEXITY": "1000"}, addr: ":8080", intro: true, requests: 5, cost: 1000},
		{name: "rate flag beats env", args: []string{"--rate-requests", "2"}, env: map[string]string{"COALITIONGRAPH_RATE_REQUESTS": "5"}, addr: ":8080", intro: true, requests: 2},
		{name: "bad rate env", env: map[string]string{"COALITIONGRAPH_RATE_COMPLEXITY": "lots"}, wantErr: "COALITIONGRAPH_RATE_COMPLEXITY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.addr != tt.addr || c.introspection != tt.intro || len(c.apiKeys) != tt.keys {
				t.Errorf("got addr %q introspection %v", c.addr, c.introspection)
			}
			if c.rateLimit.RequestsPerSecond != tt.requests || c.rateLimit.ComplexityPerSecond != tt.cost {
				t.Errorf("got rate limits %+v", c.rateLimit)
			}
		})
	}
}

func TestReadConcurrencyConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    int
		wantErr string
	}{
		{name: "default: two a processor", want: httpapi.DefaultReadConcurrency()},
		{name: "env", env: map[string]string{"COALITIONGRAPH_READ_CONCURRENCY": "8"}, want: 8},
		{name: "flag beats env", args: []string{"--read-concurrency", "0"}, env: map[string]string{"COALITIONGRAPH_READ_CONCURRENCY": "8"}, want: 0},
		{name: "bad env", env: map[string]string{"COALITIONGRAPH_READ_CONCURRENCY": "many"}, wantErr: "COALITIONGRAPH_READ_CONCURRENCY"},
		{name: "negative flag", args: []string{"--read-concurrency", "-2"}, wantErr: "read-concurrency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.readConcurrency != tt.want {
				t.Errorf("read concurrency %d, want %d", c.readConcurrency, tt.want)
			}
		})
	}
}

func TestReadCacheConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    int64
		wantErr string
	}{
		{name: "default", want: httpapi.DefaultReadCacheBytes},
		{name: "env", env: map[string]string{"COALITIONGRAPH_READ_CACHE_BYTES": "1048576"}, want: 1 << 20},
		{name: "flag beats env: off", args: []string{"--read-cache-bytes", "0"}, env: map[string]string{"COALITIONGRAPH_READ_CACHE_BYTES": "1048576"}, want: 0},
		{name: "bad env", env: map[string]string{"COALITIONGRAPH_READ_CACHE_BYTES": "64MB"}, wantErr: "COALITIONGRAPH_READ_CACHE_BYTES"},
		{name: "negative flag", args: []string{"--read-cache-bytes", "-1"}, wantErr: "read-cache-bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.readCacheBytes != tt.want {
				t.Errorf("read cache bytes %d, want %d", c.readCacheBytes, tt.want)
			}
		})
	}
}

func TestHashKeyPrintsAConfigLine(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"hash-key", "alice", "s3cret"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(out.String())
	if strings.Contains(line, "s3cret") || !strings.HasPrefix(line, "alice:sha256:") || len(line) != len("alice:sha256:")+64 {
		t.Errorf("hash-key printed %q", line)
	}
}
func TestReadsBesideWritesConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    int
		wantErr string
	}{
		{name: "default on the embedded store: every processor but one", want: httpapi.DefaultReadsBesideWrites()},
		{name: "default on Neo4j: no priority", env: map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1"}, want: 0},
		{name: "env", env: map[string]string{"COALITIONGRAPH_READS_BESIDE_WRITES": "3"}, want: 3},
		{name: "env on Neo4j", env: map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1", "COALITIONGRAPH_READS_BESIDE_WRITES": "2"}, want: 2},
		{name: "flag beats env", args: []string{"--reads-beside-writes", "0"}, env: map[string]string{"COALITIONGRAPH_READS_BESIDE_WRITES": "3"}, want: 0},
		{name: "bad env", env: map[string]string{"COALITIONGRAPH_READS_BESIDE_WRITES": "some"}, wantErr: "COALITIONGRAPH_READS_BESIDE_WRITES"},
		{name: "negative flag", args: []string{"--reads-beside-writes", "-1"}, wantErr: "reads-beside-writes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.readsBesideWrites != tt.want {
				t.Errorf("reads beside writes %d, want %d", c.readsBesideWrites, tt.want)
			}
		})
	}
}
