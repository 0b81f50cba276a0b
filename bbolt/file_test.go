package bbolt_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	bolt "go.etcd.io/bbolt"
)

// seeded makes a closed store file with the fixture and some writes, and
// returns its path and the bytes its pages use.
func seeded(t *testing.T) (string, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "graph.db")
	s := open(t, path, storetest.Fixture())
	writeSome(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var used int64
	if err := db.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil }); err != nil {
		t.Fatal(err)
	}
	return path, used
}

// Every damaged file stops Open with one line naming the file, and is left
// as it was: never seeded over, never a crash.
func TestDamagedFileStopsOpen(t *testing.T) {
	zero := func(b []byte, from, to int64) {
		for i := from; i < to && i < int64(len(b)); i++ {
			b[i] = 0
		}
	}
	cases := []struct {
		name   string
		damage func(b []byte, used int64) []byte
		want   string
	}{
		{"empty", func(b []byte, _ int64) []byte { return nil }, "empty"},
		{"a few bytes", func(b []byte, _ int64) []byte { return b[:100] }, "too short"},
		{"truncated to half its pages", func(b []byte, used int64) []byte { return b[:used/2] }, "truncated"},
		{"truncated by one page", func(b []byte, used int64) []byte { return b[:used-4096] }, "truncated"},
		{"both meta pages zeroed", func(b []byte, _ int64) []byte { zero(b, 0, 8192); return b }, "no valid meta page"},
		{"data pages zeroed", func(b []byte, used int64) []byte { zero(b, 16384, used); return b }, ""},
		{"leaf pages zeroed", func(b []byte, _ int64) []byte { zero(b, 4*4096, 12*4096); return b }, ""},
		{"data pages garbage", func(b []byte, used int64) []byte {
			for i := int64(16384); i < used; i++ {
				b[i] = byte(i * 7)
			}
			return b
		}, ""},
		{"not a database", func(b []byte, _ int64) []byte { return bytes.Repeat([]byte("coalition\n"), 1000) }, "bad magic"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, used := seeded(t)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b = tc.damage(b, used)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct {
				name string
				run  func() error
			}{
				{"Open", func() error {
					s, err := bbolt.Open(path, storetest.Fixture())
					if err == nil {
						s.Close()
					}
					return err
				}},
				{"Check", func() error { return bbolt.Check(path) }},
				{"BackupFile", func() error { return bbolt.BackupFile(path, filepath.Join(t.TempDir(), "copy.db")) }},
			} {
				err := step.run()
				t.Logf("%s: %v", step.name, err)
				if !errors.Is(err, bbolt.ErrDamaged) {
					t.Fatalf("%s: %v; want ErrDamaged", step.name, err)
				}
				msg := err.Error()
				if !strings.Contains(msg, path) || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || !strings.Contains(msg, "backup") {
					t.Errorf("%s: %q; want one line naming %s, %q and what to do", step.name, msg, path, tc.want)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, b) {
				t.Error("the damaged file was changed")
			}
		})
	}
}

// A valid bbolt file that is not the store's is not seeded over either.
func TestForeignBoltFileStopsOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := bbolt.Open(path, storetest.Fixture()); !errors.Is(err, bbolt.ErrDamaged) || !strings.Contains(err.Error(), "no meta bucket") {
		t.Fatalf("Open: %v; want ErrDamaged, no meta bucket", err)
	}
}

// A first start interrupted before its rename leaves path.new, which the
// next first start replaces.
func TestFirstStartReplacesLeftover(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	if err := os.WriteFile(path+".new", []byte("half a seed"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, path, storetest.Fixture())
	defer s.Close()
	if p, _ := s.Commitments(t.Context(), cg.CommitmentFilter{}, cg.Page{}); p.TotalCount != 21 {
		t.Errorf("%d commitments, want the fixture's 21", p.TotalCount)
	}
	if _, err := os.Stat(path + ".new"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover still there: %v", err)
	}
}

// Check passes a good file; a backup, hot or cold, opens to the same data.
func TestCheckAndBackup(t *testing.T) {
	path, _ := seeded(t)
	if err := bbolt.Check(path); err != nil {
		t.Fatalf("Check of a good file: %v", err)
	}
	cold := filepath.Join(t.TempDir(), "cold.db")
	if err := bbolt.BackupFile(path, cold); err != nil {
		t.Fatal(err)
	}
	if err := bbolt.BackupFile(path, cold); err == nil {
		t.Error("BackupFile over an existing file: no error")
	}
	s := open(t, path, nil)
	defer s.Close()
	var hot bytes.Buffer
	if _, err := s.Backup(&hot); err != nil {
		t.Fatal(err)
	}
	hotPath := filepath.Join(t.TempDir(), "hot.db")
	if err := os.WriteFile(hotPath, hot.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	want, wantLog := s.Export()
	for _, p := range []string{cold, hotPath} {
		if err := bbolt.Check(p); err != nil {
			t.Fatalf("Check %s: %v", p, err)
		}
		c := open(t, p, nil)
		got, gotLog := c.Export()
		c.Close()
		if len(got.Commitments) != len(want.Commitments) || len(gotLog) != len(wantLog) || len(got.Sources) != len(want.Sources) {
			t.Errorf("%s: %d versions, %d requests, %d sources; want %d, %d, %d", p,
				len(got.Commitments), len(gotLog), len(got.Sources), len(want.Commitments), len(wantLog), len(want.Sources))
		}
	}
	if err := bbolt.Check(path); !errors.Is(err, bbolt.ErrLocked) {
		t.Errorf("Check while open: %v; want ErrLocked", err)
	}
}
