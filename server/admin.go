package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// dbFile is the embedded store's file in a data directory.
func dbFile(dataDir string) string { return filepath.Join(dataDir, "coalitiongraph.db") }

// adminFlags parses the flags of the check and backup subcommands: the data
// directory as the server takes it, or the file itself with --file.
func adminFlags(name string, args []string, getenv func(string) string) (string, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dataDir := getenv("COALITIONGRAPH_DATA_DIR")
	if dataDir == "" {
		dataDir = "data"
	}
	fs.StringVar(&dataDir, "data-dir", dataDir, "the server's data directory")
	file := fs.String("file", "", "the database file (instead of DIR/coalitiongraph.db)")
	if err := fs.Parse(args); err != nil {
		return "", nil, fmt.Errorf("%s: %w", name, err)
	}
	if *file != "" {
		return *file, fs.Args(), nil
	}
	return dbFile(dataDir), fs.Args(), nil
}

// checkCmd is `server check`: bbolt's page-level consistency check and the
// dataset's integrity rules, on a file no server has open.
func checkCmd(args []string, getenv func(string) string, stdout io.Writer) error {
	path, rest, err := adminFlags("check", args, getenv)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return errors.New("usage: server check [--data-dir DIR | --file FILE]")
	}
	if err := bbolt.Check(path); err != nil {
		if errors.Is(err, bbolt.ErrLocked) {
			return fmt.Errorf("%w: stop the server to check the file, or check a hot backup (GET /admin/backup)", err)
		}
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s: ok\n", path)
	return err
}

// backupCmd is `server backup DEST`: a consistent copy of a file no server
// has open. A running server is backed up through GET /admin/backup.
func backupCmd(args []string, getenv func(string) string, stdout io.Writer) error {
	path, rest, err := adminFlags("backup", args, getenv)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: server backup [--data-dir DIR | --file FILE] DEST")
	}
	if err := bbolt.BackupFile(path, rest[0]); err != nil {
		if errors.Is(err, bbolt.ErrLocked) {
			return fmt.Errorf("%w: a running server is backed up hot with GET /admin/backup and an API key", err)
		}
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s: copied to %s\n", path, rest[0])
	return err
}

// backupHandler serves GET /admin/backup: a hot, consistent copy of the
// embedded store's file from one read transaction, for any configured API
// key (a backup holds what writers wrote, so it is not public even when
// reads are). Without keys it answers 404: there is no one to give it to.
func backupHandler(s *bbolt.Store, keys []httpapi.APIKey, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(keys) == 0 {
			http.NotFound(w, r)
			return
		}
		name, ok := keyOf(keys, r.Header.Get("Authorization"))
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="coalitiongraph"`)
			http.Error(w, "an API key is needed for a backup", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="coalitiongraph.db"`)
		n, err := s.Backup(w)
		if err != nil {
			// The body has begun: the client sees a short copy, which
			// bbolt refuses to open and `server check` reports.
			log.Error("backup", "key", name, "bytes", n, "err", err)
			return
		}
		log.Info("backup", "key", name, "bytes", strconv.FormatInt(n, 10))
	})
}

// keyOf names the configured key whose secret the Authorization header
// carries as a bearer token.
func keyOf(keys []httpapi.APIKey, authorization string) (string, bool) {
	secret, ok := strings.CutPrefix(authorization, "Bearer ")
	secret = strings.TrimSpace(secret)
	if !ok || secret == "" {
		return "", false
	}
	h := sha256.Sum256([]byte(secret))
	for _, k := range keys {
		if subtle.ConstantTimeCompare(h[:], k.Hash[:]) == 1 {
			return k.Name, true
		}
	}
	return "", false
}
