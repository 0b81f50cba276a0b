package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// serve runs the server on a free port until the test ends and returns its
// address.
func serve(t *testing.T, args []string, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		var rec map[string]any
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec["msg"] == "listening" {
			go io.Copy(io.Discard, pr)
			return rec["addr"].(string)
		}
	}
	t.Fatal("the server never logged its address")
	return ""
}

// A damaged file stops start-up with one line naming it, and is left as is.
func TestDamagedFileStopsStartUp(t *testing.T) {
	for _, content := range [][]byte{{}, []byte("not a database at all, just text"), bytes.Repeat([]byte{0}, 64<<10)} {
		dir := t.TempDir()
		path := dbFile(dir)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--data-dir", dir}, func(string) string { return "" }, io.Discard)
		if !errors.Is(err, bbolt.ErrDamaged) || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%d bytes: run: %v; want one line, ErrDamaged, naming %s", len(content), err, path)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
			t.Errorf("%d bytes: the file was changed to %d bytes", len(content), len(got))
		}
	}
}

func TestCheckAndBackupCommands(t *testing.T) {
	dir := t.TempDir()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, err := bbolt.Open(dbFile(dir), ds)
	if err != nil {
		t.Fatal(err)
	}
	env := func(string) string { return "" }
	dest := filepath.Join(t.TempDir(), "copy.db")
	// While a server has the file: both refuse, pointing to the hot route.
	for _, args := range [][]string{{"check", "--data-dir", dir}, {"backup", "--data-dir", dir, dest}} {
		if err := run(t.Context(), args, env, io.Discard); !errors.Is(err, bbolt.ErrLocked) || !strings.Contains(err.Error(), "/admin/backup") {
			t.Errorf("%v while open: %v; want ErrLocked and the hot route", args, err)
		}
	}
	s.Close()
	var out bytes.Buffer
	if err := run(t.Context(), []string{"check", "--data-dir", dir}, env, &out); err != nil || !strings.Contains(out.String(), "ok") {
		t.Fatalf("check: %v, %q", err, out.String())
	}
	if err := run(t.Context(), []string{"backup", "--data-dir", dir, dest}, env, io.Discard); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err := run(t.Context(), []string{"check", "--file", dest}, env, io.Discard); err != nil {
		t.Errorf("check of the backup: %v", err)
	}
	if err := run(t.Context(), []string{"backup", "--data-dir", dir, dest}, env, io.Discard); err == nil {
		t.Error("backup over an existing file: no error")
	}
	if err := os.WriteFile(dbFile(dir), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), []string{"check", "--data-dir", dir}, env, io.Discard); !errors.Is(err, bbolt.ErrDamaged) {
		t.Errorf("check of an empty file: %v; want ErrDamaged", err)
	}
}

// GET /admin/backup streams a copy that opens to the running server's data,
// to a configured key only.
func TestHotBackupRoute(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"COALITIONGRAPH_API_KEYS": "ops:" + httpapi.HashKey("s3cret")}
	addr := serve(t, []string{"--data-dir", dir}, env)
	get := func(auth string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", "http://"+addr+"/admin/backup", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	for _, auth := range []string{"", "Bearer wrong", "s3cret"} {
		if resp, _ := get(auth); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d, want 401", auth, resp.StatusCode)
		}
	}
	resp, body := get("Bearer s3cret")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("backup: %d %s", resp.StatusCode, body)
	}
	copyPath := filepath.Join(t.TempDir(), "hot.db")
	if err := os.WriteFile(copyPath, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := bbolt.Check(copyPath); err != nil {
		t.Fatalf("the hot backup does not check: %v", err)
	}
	c, err := bbolt.Open(copyPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ds, _ := dataset.Default()
	if got, _ := c.Export(); len(got.Commitments) != len(ds.Commitments) {
		t.Errorf("the backup has %d commitment versions, want %d", len(got.Commitments), len(ds.Commitments))
	}
	if resp, _ := get("Bearer s3cret"); resp.StatusCode != http.StatusOK {
		t.Errorf("second backup: %d", resp.StatusCode)
	}
	r, err := http.Get("http://" + addr + "/healthz")
	if err != nil || r.StatusCode != http.StatusOK {
		t.Errorf("healthz after backups: %v %v", r, err)
	}
}

// A second server on the data directory of a running one refuses to start,
// saying that the embedded store serves one process and how to run several.
func TestSecondServerOnOneDataDir(t *testing.T) {
	dir := t.TempDir()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, err := bbolt.Open(dbFile(dir), ds)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = run(t.Context(), []string{"--addr", "127.0.0.1:0", "--data-dir", dir}, func(string) string { return "" }, io.Discard)
	if !errors.Is(err, bbolt.ErrLocked) {
		t.Fatalf("second server: %v, want ErrLocked", err)
	}
	for _, want := range []string{"one server process", "--data-dir", "NEO4J_URI"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %q", err, want)
		}
	}
}
