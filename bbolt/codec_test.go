package bbolt

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// Every field of a commitment version comes back from both formats'
// encodings as it went in.
func TestCommitmentCodecsRoundTrip(t *testing.T) {
	at := time.Date(2025, 8, 26, 12, 0, 0, 123456789, time.UTC)
	cases := map[string]*cg.Commitment{
		"zero": {},
		"every field": {ID: "c01-fra-troops", Kind: cg.OffersTroops, ActorID: "FRA", TargetID: "UKR", Status: cg.StatusPledged,
			Date: cg.MustDate("2025-08-20"), DateReasoning: "src-004 says only 'after the meeting'", StatedByID: "macron",
			Conditions: []string{"within 24 hours", "no ground forces"}, Summary: "France offers a brigade",
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "a brigade", AttributedTo: "Bloomberg", Line: 12}, {SourceID: "src-b", Quote: "q", Line: 1}},
			Version:  7, RecordedAt: at, RecordedBy: "editor-key", Reason: "corrected", ValidFrom: at.Add(-time.Hour), Retracted: true},
		"unicode": {ID: "c-ünï", ActorID: "Łódź", TargetID: "Україна", Summary: "«guarantees» — 安全 🛡️", Conditions: []string{"ß", ""},
			Evidence: []cg.Evidence{{SourceID: "src-é", Quote: "“quoted”\n\ttab", AttributedTo: "Le Monde"}}, Date: cg.MustDate("2025-08")},
		"empty evidence and conditions": {ID: "c02", Evidence: []cg.Evidence{}, Conditions: []string{}, Version: 1, Date: cg.MustDate("2025")},
		"history version":               {ID: "c03", Version: 2, RecordedAt: at, ValidFrom: at, Status: cg.StatusWithdrawn, Reason: "withdrawn"},
	}
	for name, want := range cases {
		for codecName, codec := range map[string]commitmentCodec{"json": jsonCodec, "binary": binaryCodec} {
			t.Run(name+"/"+codecName, func(t *testing.T) {
				b, err := codec.encode(want)
				if err != nil {
					t.Fatal(err)
				}
				var got cg.Commitment
				if err := codec.decoder()(b, &got); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(&got, want) {
					t.Errorf("got  %#v\nwant %#v", &got, want)
				}
			})
		}
	}
}

// toFormat1 rewrites a file as format 1 had it: commitment versions as
// JSON, format "1" in the meta bucket.
func toFormat1(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCommitments)
		decode := binaryCodec.decoder()
		rewritten := map[string][]byte{}
		if err := b.ForEach(func(k, v []byte) error {
			var c cg.Commitment
			if err := decode(v, &c); err != nil {
				return err
			}
			j, err := json.Marshal(&c)
			rewritten[string(k)] = j
			return err
		}); err != nil {
			return err
		}
		for k, v := range rewritten {
			if err := b.Put([]byte(k), v); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyFormat, []byte(formatJSON))
	}); err != nil {
		t.Fatal(err)
	}
}

func commitmentValue(t *testing.T, path, key string) []byte {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v []byte
	db.View(func(tx *bolt.Tx) error {
		v = bytes.Clone(tx.Bucket(bucketCommitments).Get([]byte(key)))
		return nil
	})
	return v
}

// A file of format 1 opens with the same answers, passes Check, and goes
// on being written in JSON, which the build before format 2 can read.
func TestFormat1FileOpens(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "graph.db")
	s, err := Open(path, storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 8, 26, 12, 0, 0, 5, time.UTC)
	arrived := []cg.Evidence{{SourceID: "src-a", Quote: "arrived"}}
	if _, err := s.ChangeCommitment(t.Context(), cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 1, Status: cg.StatusPledged, Evidence: arrived},
		cg.WriteMeta{By: "k", At: at, Reason: "r", RequestID: "req-1"}); err != nil {
		t.Fatal(err)
	}
	wantDS, wantLog := s.Export()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if v := commitmentValue(t, path, "c01-fra-troops\x000000000002"); len(v) == 0 || v[0] == '{' {
		t.Fatalf("a new file's commitment is not in the binary encoding: %q", v)
	}
	toFormat1(t, path)
	if v := commitmentValue(t, path, "c01-fra-troops\x000000000002"); len(v) == 0 || v[0] != '{' {
		t.Fatalf("the rewritten file's commitment is not JSON: %q", v)
	}
	if err := Check(path); err != nil {
		t.Fatalf("Check of a format 1 file: %v", err)
	}
	s, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	gotDS, gotLog := s.Export()
	if !reflect.DeepEqual(gotDS, wantDS) || !reflect.DeepEqual(gotLog, wantLog) {
		t.Fatalf("a format 1 file gives other answers:\ngot  %+v\nwant %+v", gotDS.Commitments, wantDS.Commitments)
	}
	if _, err := s.ChangeCommitment(t.Context(), cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 2, Status: cg.StatusDelivered, Evidence: arrived},
		cg.WriteMeta{By: "k", At: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantDS, _ = s.Export()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	v := commitmentValue(t, path, "c01-fra-troops\x000000000003")
	var c cg.Commitment
	if err := json.Unmarshal(v, &c); err != nil || c.Status != cg.StatusDelivered {
		t.Fatalf("a write to a format 1 file is not JSON: %q (%v)", v, err)
	}
	if err := BackupFile(path, filepath.Join(dir, "backup.db")); err != nil {
		t.Fatal(err)
	}
	s, err = Open(filepath.Join(dir, "backup.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if gotDS, _ := s.Export(); !reflect.DeepEqual(gotDS, wantDS) {
		t.Fatal("the backup of a format 1 file gives other answers")
	}
}

// A damaged commitment value, and a format this build does not know, stop
// Open with an error naming them.
func TestDamagedCommitmentValueIsNamed(t *testing.T) {
	for name, tc := range map[string]struct {
		key, value, format, want string
	}{
		"truncated value": {key: "c01-fra-troops\x000000000001", value: "\x8f\xa2ID", want: `commitments "c01-fra-troops\x000000000001"`},
		"unknown format":  {format: "9", want: `file format "9"`},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "graph.db")
			s, err := Open(path, storetest.Fixture())
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(tx *bolt.Tx) error {
				if tc.format != "" {
					return tx.Bucket(bucketMeta).Put(keyFormat, []byte(tc.format))
				}
				return tx.Bucket(bucketCommitments).Put([]byte(tc.key), []byte(tc.value))
			}); err != nil {
				t.Fatal(err)
			}
			db.Close()
			_, err = Open(path, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: %v, want an error naming %s", err, tc.want)
			}
		})
	}
}
