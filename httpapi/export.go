package httpapi

// The HTTP side of the bulk exports (package export writes the formats):
// query parameters into a cg.CommitmentFilter, the API key check, streaming
// headers, and errors in the GraphQL error shape, or a cut connection once
// bytes have gone out.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/export"
)

type exporter struct {
	*export.Exporter
	log *slog.Logger
	// keys and readsNeedKey guard the exports as they guard GraphQL
	// queries: an export is a read of everything.
	keys         []APIKey
	readsNeedKey bool
}

func newExporter(store cg.Store, cfg Config) *exporter {
	return &exporter{Exporter: &export.Exporter{Store: store, CallTimeout: cfg.RequestTimeout},
		log: cfg.Logger, keys: cfg.APIKeys, readsNeedKey: cfg.ReadsNeedKey}
}

// exportParams are the query parameters an export accepts; anything else is
// rejected so that a misspelt filter does not silently export everything.
var exportParams = map[string]bool{
	"id": true, "kind": true, "status": true, "actor": true, "target": true,
	"source": true, "statedBy": true, "from": true, "to": true, "asOf": true,
}

// exportParamNames lists exportParams for /export/.
var exportParamNames = []string{"id", "kind", "status", "actor", "target", "source", "statedBy", "from", "to", "asOf"}

// parseExportFilter reads the commitment filter from query parameters. List
// parameters may repeat (kind=A&kind=B) or hold comma-separated values
// (kind=A,B), or both.
func parseExportFilter(q url.Values) (cg.CommitmentFilter, error) {
	var f cg.CommitmentFilter
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	// Sorted so that a request with several bad parameters always gets the
	// same error.
	slices.Sort(names)
	for _, name := range names {
		if !exportParams[name] {
			return f, badParam(name, fmt.Sprintf("unknown parameter %q; the filters are id, kind, status, actor, target, source, statedBy, from, to and asOf", name))
		}
	}
	if vs := q["asOf"]; len(vs) > 0 {
		t, err := parseAsOf(vs)
		if err != nil {
			return f, err
		}
		f.AsOf = &t
	}
	for _, k := range listParam(q, "kind") {
		kind := cg.EdgeKind(k)
		if !kind.IsCommitment() {
			return f, badParam("kind", fmt.Sprintf("unknown commitment kind %q", k))
		}
		f.Kinds = append(f.Kinds, kind)
	}
	for _, s := range listParam(q, "status") {
		status := cg.Status(s)
		if !status.Valid() {
			return f, badParam("status", fmt.Sprintf("unknown status %q", s))
		}
		f.Statuses = append(f.Statuses, status)
	}
	f.IDs = listParam(q, "id")
	f.ActorIDs = listParam(q, "actor")
	f.TargetIDs = listParam(q, "target")
	f.SourceIDs = listParam(q, "source")
	f.StatedByIDs = listParam(q, "statedBy")
	var err error
	if f.From, err = dateParam(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = dateParam(q, "to"); err != nil {
		return f, err
	}
	return f, nil
}

func listParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

func dateParam(q url.Values, name string) (cg.Date, error) {
	vs := q[name]
	if len(vs) == 0 {
		return cg.Date{}, nil
	}
	if len(vs) > 1 {
		return cg.Date{}, badParam(name, name+" may be given once")
	}
	d, err := cg.ParseDate(vs[0])
	if err != nil {
		return cg.Date{}, badParam(name, err.Error())
	}
	return d, nil
}

// parseAsOf reads an instant (RFC 3339) or a day, which means the end of
// that day: "as of 2025-08-19" includes what happened on the 19th.
func parseAsOf(vs []string) (time.Time, error) {
	if len(vs) > 1 {
		return time.Time{}, badParam("asOf", "asOf may be given once")
	}
	// The same reading as the API's Time: a day is the start of that day, UTC.
	t, err := cg.ParseInstant(vs[0])
	if err != nil {
		return time.Time{}, badParam("asOf", fmt.Sprintf("asOf %q: want an RFC 3339 instant or a day, YYYY-MM-DD (its start, UTC)", vs[0]))
	}
	return t, nil
}

func badParam(field, msg string) error {
	return &cg.Error{Code: cg.CodeBadInput, Field: field, Message: msg}
}

// stream is an export response under way. Until the first byte is written
// an error can still become a proper error response; after that the only
// honest signal is to cut the connection, so that the client sees a failed
// download rather than a complete-looking file with rows missing.
type stream struct {
	w           http.ResponseWriter
	rc          *http.ResponseController
	contentType string
	filename    string
	started     bool
}

func (s *stream) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		h := s.w.Header()
		h.Set("Content-Type", s.contentType)
		h.Set("Content-Disposition", `attachment; filename="`+s.filename+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		s.w.WriteHeader(http.StatusOK)
	}
	return s.w.Write(p)
}

// Flush sends what has been written so far, so the client starts receiving
// a large export at once and the server holds no more than a page of it.
// The export package calls it after each page.
func (s *stream) Flush() {
	if s.started {
		_ = s.rc.Flush() // best effort: a writer that cannot flush still streams when its buffer fills
	}
}

// serve runs an export, turning its error into a JSON error response when
// nothing has been sent yet.
func (e *exporter) serve(contentType, filename string, body func(ctx context.Context, f cg.CommitmentFilter, w io.Writer) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if e.readsNeedKey && principal(e.keys, r.Header.Get("Authorization")) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="coalitiongraph"`)
			writeError(w, &cg.Error{Code: cg.CodeUnauthenticated,
				Message: "exports need a valid API key: send Authorization: Bearer <key>"})
			return
		}
		f, err := parseExportFilter(r.URL.Query())
		if err != nil {
			writeError(w, err)
			return
		}
		s := &stream{w: w, rc: http.NewResponseController(w), contentType: contentType, filename: filename}
		err = body(r.Context(), f, s)
		if err == nil {
			s.Flush()
			return
		}
		if !s.started {
			if cg.ErrorCode(err) == cg.CodeInternal {
				e.log.ErrorContext(r.Context(), "export failed", "path", r.URL.Path, "err", err)
			}
			writeError(w, exportFailure(err))
			return
		}
		e.log.ErrorContext(r.Context(), "export failed mid-stream; cutting the connection", "path", r.URL.Path, "err", err)
		abort(s.rc)
	}
}

// abort ends the response without completing it: closing a hijacked HTTP/1
// connection leaves the chunked body unterminated, which clients report as
// an error. Where hijacking is not possible (HTTP/2), panicking with
// http.ErrAbortHandler resets the stream.
func abort(rc *http.ResponseController) {
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// exportFailure names a deadline the export itself ran into (an uncoded
// context error) as TIMEOUT, so that it is not answered as INTERNAL.
func exportFailure(err error) error {
	if cg.ErrorCode(err) == cg.CodeInternal && errors.Is(err, context.DeadlineExceeded) {
		return &cg.Error{Code: cg.CodeTimeout, Message: "the export took too long", Err: err}
	}
	return err
}
