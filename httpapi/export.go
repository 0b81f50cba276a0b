package httpapi

// Bulk exports for analysts: the commitments as CSV, and the whole graph as
// GraphML (Gephi, yEd, networkx.read_graphml) or node-link JSON
// (networkx.node_link_graph). They take the filters of GraphQL's
// CommitmentFilter as query parameters and stream: commitments are read
// from the store a page at a time and written as they come, so an export's
// memory does not grow with the number of commitments.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// exportPageSize is how many commitments an export reads per store call;
// it also sets how often the response is flushed to the client.
const exportPageSize = 500

// exportOrder is the order of exported commitments: by date, as the API
// lists them, ids breaking ties so the files are reproducible.
const exportOrder = cg.OrderDateAsc

type exporter struct {
	store cg.Store
	log   *slog.Logger
	// keys and readsNeedKey guard the exports as they guard GraphQL
	// queries: an export is a read of everything.
	keys         []APIKey
	readsNeedKey bool
	// callTimeout bounds each store call rather than the whole export: a
	// large export may rightly take longer than one API request.
	callTimeout time.Duration
}

func newExporter(store cg.Store, cfg Config) *exporter {
	return &exporter{store: store, log: cfg.Logger, keys: cfg.APIKeys, readsNeedKey: cfg.ReadsNeedKey,
		callTimeout: cfg.RequestTimeout}
}

// exportParams are the query parameters an export accepts; anything else is
// rejected so that a misspelt filter does not silently export everything.
var exportParams = map[string]bool{
	"id": true, "kind": true, "status": true, "actor": true, "target": true,
	"source": true, "statedBy": true, "from": true, "to": true, "asOf": true,
}

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
	if t, err := time.Parse(time.RFC3339, vs[0]); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, vs[0])
	if err != nil {
		return time.Time{}, badParam("asOf", fmt.Sprintf("asOf %q: want an RFC 3339 instant or a day, YYYY-MM-DD", vs[0]))
	}
	return d.AddDate(0, 0, 1).Add(-time.Nanosecond), nil
}

func badParam(field, msg string) error {
	return &cg.Error{Code: cg.CodeBadInput, Field: field, Message: msg}
}

func filterIsEmpty(f cg.CommitmentFilter) bool {
	return len(f.IDs) == 0 && len(f.Kinds) == 0 && len(f.Statuses) == 0 && len(f.ActorIDs) == 0 &&
		len(f.TargetIDs) == 0 && len(f.SourceIDs) == 0 && len(f.StatedByIDs) == 0 &&
		!f.From.Known() && !f.To.Known()
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

// flush sends what has been written so far, so the client starts receiving
// a large export at once and the server holds no more than a page of it.
func (s *stream) flush() {
	if s.started {
		_ = s.rc.Flush() // best effort: a writer that cannot flush still streams when its buffer fills
	}
}

// serve runs an export, turning its error into a JSON error response when
// nothing has been sent yet.
func (e *exporter) serve(contentType, filename string, body func(ctx context.Context, f cg.CommitmentFilter, s *stream) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if e.readsNeedKey && principal(e.keys, r.Header.Get("Authorization")) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="coalitiongraph"`)
			writeExportError(w, &cg.Error{Code: cg.CodeUnauthenticated,
				Message: "exports need a valid API key: send Authorization: Bearer <key>"})
			return
		}
		f, err := parseExportFilter(r.URL.Query())
		if err != nil {
			writeExportError(w, err)
			return
		}
		s := &stream{w: w, rc: http.NewResponseController(w), contentType: contentType, filename: filename}
		err = body(r.Context(), f, s)
		if err == nil {
			s.flush()
			return
		}
		if !s.started {
			if cg.ErrorCode(err) == cg.CodeInternal {
				e.log.ErrorContext(r.Context(), "export failed", "path", r.URL.Path, "err", err)
			}
			writeExportError(w, err)
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

// writeExportError answers in the GraphQL error shape, so that clients of
// both parse one kind of error.
func writeExportError(w http.ResponseWriter, err error) {
	status, code, msg, field := http.StatusInternalServerError, string(cg.CodeInternal), "internal error", ""
	var coded *cg.Error
	switch {
	case errors.As(err, &coded) && coded.Code != cg.CodeInternal:
		code, msg, field = string(coded.Code), coded.Message, coded.Field
		switch coded.Code {
		case cg.CodeBadInput:
			status = http.StatusBadRequest
		case cg.CodeNotFound:
			status = http.StatusNotFound
		case cg.CodeUnauthenticated:
			status = http.StatusUnauthorized
		case cg.CodeStoreUnavailable:
			status = http.StatusServiceUnavailable
		case cg.CodeTimeout:
			status = http.StatusGatewayTimeout
		}
	case errors.Is(err, context.DeadlineExceeded):
		status, code, msg = http.StatusGatewayTimeout, string(cg.CodeTimeout), "the export took too long"
	}
	ext := map[string]any{"code": code}
	if field != "" {
		ext["field"] = field
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": ext}},
	})
}

// pager reads the commitments f selects a page at a time, in exportOrder.
type pager struct {
	e     *exporter
	f     cg.CommitmentFilter
	after string
	done  bool
}

func (e *exporter) pages(f cg.CommitmentFilter) *pager { return &pager{e: e, f: f} }

// next returns the next page; ok is false when the listing is over. The
// first page may be empty.
func (p *pager) next(ctx context.Context) (cs []*cg.Commitment, ok bool, err error) {
	if p.done {
		return nil, false, nil
	}
	var page *cg.CommitmentPage
	err = p.e.call(ctx, func(ctx context.Context) (err error) {
		page, err = p.e.store.Commitments(ctx, p.f, cg.Page{First: exportPageSize, After: p.after, Order: exportOrder})
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("export: list commitments: %w", err)
	}
	if !page.HasNextPage || len(page.Commitments) == 0 {
		p.done = true
	} else {
		p.after = cg.EncodeCursor(page.Commitments[len(page.Commitments)-1], exportOrder)
	}
	return page.Commitments, true, nil
}

// eachPage calls fn with each page of the commitments f selects.
func (e *exporter) eachPage(ctx context.Context, f cg.CommitmentFilter, fn func([]*cg.Commitment) error) error {
	p := e.pages(f)
	for {
		cs, ok, err := p.next(ctx)
		if err != nil || !ok {
			return err
		}
		if err := fn(cs); err != nil {
			return err
		}
	}
}

func (e *exporter) call(ctx context.Context, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, e.callTimeout)
	defer cancel()
	return fn(ctx)
}

// names resolves entity and source ids for the rows being written, asking
// the store only for ids it has not seen, once per page. It holds at most
// every entity and source, never the commitments.
type names struct {
	e        *exporter
	entities map[string]*cg.Entity
	sources  map[string]*cg.Source
}

func (e *exporter) newNames() *names {
	return &names{e: e, entities: map[string]*cg.Entity{}, sources: map[string]*cg.Source{}}
}

func (n *names) addEntities(es []*cg.Entity) {
	for _, ent := range es {
		n.entities[ent.ID] = ent
	}
}

// load fetches the entities and sources that cs refer to.
func (n *names) load(ctx context.Context, cs []*cg.Commitment) error {
	var ents, srcs []string
	for _, c := range cs {
		for _, id := range []string{c.ActorID, c.TargetID, c.StatedByID} {
			if _, ok := n.entities[id]; id != "" && !ok {
				ents = append(ents, id)
			}
		}
		srcs = n.missingSources(srcs, c.Evidence)
	}
	return n.fetch(ctx, ents, srcs)
}

func (n *names) missingSources(ids []string, ev []cg.Evidence) []string {
	for _, e := range ev {
		if _, ok := n.sources[e.SourceID]; !ok {
			ids = append(ids, e.SourceID)
		}
	}
	return ids
}

func (n *names) fetch(ctx context.Context, ents, srcs []string) error {
	if len(ents) > 0 {
		ents = uniqSorted(ents)
		err := n.e.call(ctx, func(ctx context.Context) error {
			es, err := n.e.store.Entities(ctx, cg.EntityFilter{IDs: ents})
			n.addEntities(es)
			return err
		})
		if err != nil {
			return fmt.Errorf("export: load entities: %w", err)
		}
	}
	if len(srcs) > 0 {
		srcs = uniqSorted(srcs)
		err := n.e.call(ctx, func(ctx context.Context) error {
			ss, err := n.e.store.Sources(ctx, srcs)
			for _, s := range ss {
				n.sources[s.ID] = s
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("export: load sources: %w", err)
		}
	}
	return nil
}

func uniqSorted(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

func (n *names) entityName(id string) string {
	if ent, ok := n.entities[id]; ok {
		return ent.Name
	}
	return ""
}

func (n *names) sourceFile(id string) string {
	if s, ok := n.sources[id]; ok {
		return s.File
	}
	return ""
}

// sourceFiles lists the distinct files of the evidence, in source id order
// as the API's Commitment.sources does.
func (n *names) sourceFiles(ev []cg.Evidence) []string {
	ids := make([]string, 0, len(ev))
	for _, e := range ev {
		ids = append(ids, e.SourceID)
	}
	ids = uniqSorted(ids)
	files := make([]string, 0, len(ids))
	for _, id := range ids {
		if f := n.sourceFile(id); f != "" {
			files = append(files, f)
		}
	}
	return files
}

// --- CSV ---

var csvHeader = []string{
	"id", "actor_id", "actor_name", "kind", "target_id", "target_name", "status", "date",
	"date_precision", "stated_by_id", "stated_by", "conditions", "source_files", "first_quote",
	"evidence_count", "summary",
}

func (e *exporter) commitmentsCSV(ctx context.Context, f cg.CommitmentFilter, s *stream) error {
	// Nothing is written before the first page has been read, so that a
	// store that is down gets an error status rather than a truncated file.
	cw := csv.NewWriter(s)
	n := e.newNames()
	wroteHeader := false
	return e.eachPage(ctx, f, func(cs []*cg.Commitment) error {
		if err := n.load(ctx, cs); err != nil {
			return err
		}
		if !wroteHeader {
			wroteHeader = true
			if err := cw.Write(csvHeader); err != nil {
				return fmt.Errorf("export: write csv: %w", err)
			}
		}
		for _, c := range cs {
			quote := ""
			if len(c.Evidence) > 0 {
				quote = c.Evidence[0].Quote
			}
			row := []string{
				c.ID, c.ActorID, n.entityName(c.ActorID), string(c.Kind), c.TargetID, n.entityName(c.TargetID),
				string(c.Status), c.Date.String(), string(c.Date.Precision()), c.StatedByID, n.entityName(c.StatedByID),
				strings.Join(c.Conditions, "; "), strings.Join(n.sourceFiles(c.Evidence), " "), quote,
				strconv.Itoa(len(c.Evidence)), c.Summary,
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("export: write csv: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("export: write csv: %w", err)
		}
		s.flush()
		return nil
	})
}

// --- graph exports ---

// evidenceOut is one item of evidence as the graph exports write it.
type evidenceOut struct {
	SourceID     string `json:"sourceId"`
	File         string `json:"file"`
	Quote        string `json:"quote"`
	AttributedTo string `json:"attributedTo"`
	Line         int    `json:"line"`
}

// nodeOut is an entity as a node; its field names are the attribute names
// of both graph exports.
type nodeOut struct {
	ID            string        `json:"id"`
	Label         string        `json:"label"`
	Kind          string        `json:"kind"`
	Name          string        `json:"name"`
	Aliases       []string      `json:"aliases"`
	Description   string        `json:"description"`
	Date          string        `json:"date"`
	DatePrecision string        `json:"datePrecision"`
	Evidence      []evidenceOut `json:"evidence"`
	EvidenceCount int           `json:"evidenceCount"`
}

// edgeOut is a commitment or a relation as an edge. Key is the edge id,
// which networkx uses to tell parallel edges of a multigraph apart.
type edgeOut struct {
	ID            string        `json:"id"`
	Key           string        `json:"key"`
	Source        string        `json:"source"`
	Target        string        `json:"target"`
	Label         string        `json:"label"`
	Family        string        `json:"family"` // "commitment" or "relation"
	Kind          string        `json:"kind"`
	Status        string        `json:"status,omitempty"`
	Date          string        `json:"date"`
	DatePrecision string        `json:"datePrecision"`
	StatedBy      string        `json:"statedBy,omitempty"`
	StatedByName  string        `json:"statedByName,omitempty"`
	Conditions    []string      `json:"conditions,omitempty"`
	Summary       string        `json:"summary,omitempty"`
	Role          string        `json:"role,omitempty"`
	SourceFiles   []string      `json:"sourceFiles"`
	Evidence      []evidenceOut `json:"evidence"`
	EvidenceCount int           `json:"evidenceCount"`
}

func (n *names) evidence(ev []cg.Evidence) []evidenceOut {
	out := make([]evidenceOut, len(ev))
	for i, e := range ev {
		out[i] = evidenceOut{SourceID: e.SourceID, File: n.sourceFile(e.SourceID), Quote: e.Quote,
			AttributedTo: e.AttributedTo, Line: e.Line}
	}
	return out
}

func (n *names) node(ent *cg.Entity) nodeOut {
	return nodeOut{
		ID: ent.ID, Label: ent.Name, Kind: string(ent.Kind), Name: ent.Name, Aliases: nonNilStrings(ent.Aliases),
		Description: ent.Description, Date: ent.Date.String(), DatePrecision: string(ent.Date.Precision()),
		Evidence: n.evidence(ent.Evidence), EvidenceCount: len(ent.Evidence),
	}
}

func (n *names) commitmentEdge(c *cg.Commitment) edgeOut {
	return edgeOut{
		ID: c.ID, Key: c.ID, Source: c.ActorID, Target: c.TargetID, Label: string(c.Kind), Family: "commitment",
		Kind: string(c.Kind), Status: string(c.Status), Date: c.Date.String(), DatePrecision: string(c.Date.Precision()),
		StatedBy: c.StatedByID, StatedByName: n.entityName(c.StatedByID), Conditions: nonNilStrings(c.Conditions),
		Summary: c.Summary, SourceFiles: n.sourceFiles(c.Evidence), Evidence: n.evidence(c.Evidence),
		EvidenceCount: len(c.Evidence),
	}
}

func (n *names) relationEdge(r *cg.Relation) edgeOut {
	return edgeOut{
		ID: r.ID, Key: r.ID, Source: r.FromID, Target: r.ToID, Label: string(r.Kind), Family: "relation",
		Kind: string(r.Kind), Date: r.Date.String(), DatePrecision: string(r.Date.Precision()), Role: r.Role,
		SourceFiles: n.sourceFiles(r.Evidence), Evidence: n.evidence(r.Evidence), EvidenceCount: len(r.Evidence),
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// graphWriter writes one graph format.
type graphWriter interface {
	begin() error
	node(nodeOut) error
	edge(edgeOut) error
	end() error
}

// writeGraph streams the graph f selects to gw. Without a filter that is
// every entity, commitment and relation. With one, it is the selected
// commitments, the entities they involve (actor, target and the person who
// stated them) and the relations among those entities; the commitments are
// then read twice, first for their entities only, so that nodes can be
// written before edges as graph tools expect.
func (e *exporter) writeGraph(ctx context.Context, f cg.CommitmentFilter, gw graphWriter, s *stream) error {
	n := e.newNames()
	var nodes []*cg.Entity
	var keep map[string]bool // nil: every entity
	if filterIsEmpty(f) {
		err := e.call(ctx, func(ctx context.Context) (err error) {
			nodes, err = e.store.Entities(ctx, cg.EntityFilter{})
			return err
		})
		if err != nil {
			return fmt.Errorf("export: list entities: %w", err)
		}
		n.addEntities(nodes)
	} else {
		keep = map[string]bool{}
		err := e.eachPage(ctx, f, func(cs []*cg.Commitment) error {
			for _, c := range cs {
				for _, id := range []string{c.ActorID, c.TargetID, c.StatedByID} {
					if id != "" {
						keep[id] = true
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(keep) > 0 {
			ids := make([]string, 0, len(keep))
			for id := range keep {
				ids = append(ids, id)
			}
			if err := n.fetch(ctx, ids, nil); err != nil {
				return err
			}
			for _, id := range uniqSorted(ids) {
				if ent, ok := n.entities[id]; ok {
					nodes = append(nodes, ent)
				}
			}
		}
	}
	var rels []*cg.Relation
	if keep == nil || len(keep) > 0 {
		rf := cg.RelationFilter{}
		if keep != nil {
			for id := range keep {
				rf.EntityIDs = append(rf.EntityIDs, id)
			}
			slices.Sort(rf.EntityIDs)
		}
		err := e.call(ctx, func(ctx context.Context) (err error) {
			rels, err = e.store.Relations(ctx, rf)
			return err
		})
		if err != nil {
			return fmt.Errorf("export: list relations: %w", err)
		}
		if keep != nil {
			rels = slices.DeleteFunc(rels, func(r *cg.Relation) bool { return !keep[r.FromID] || !keep[r.ToID] })
		}
	}
	var srcs []string
	for _, ent := range nodes {
		srcs = n.missingSources(srcs, ent.Evidence)
	}
	for _, r := range rels {
		srcs = n.missingSources(srcs, r.Evidence)
	}
	if err := n.fetch(ctx, nil, srcs); err != nil {
		return err
	}

	// The first page of commitments is read before anything is written, so
	// that a store failing now gets an error status, not a truncated file.
	p := e.pages(f)
	first, _, err := p.next(ctx)
	if err != nil {
		return err
	}
	if err := n.load(ctx, first); err != nil {
		return err
	}

	if err := gw.begin(); err != nil {
		return err
	}
	for _, ent := range nodes {
		if err := gw.node(n.node(ent)); err != nil {
			return err
		}
	}
	for _, r := range rels {
		if err := gw.edge(n.relationEdge(r)); err != nil {
			return err
		}
	}
	for cs := first; ; {
		for _, c := range cs {
			if err := gw.edge(n.commitmentEdge(c)); err != nil {
				return err
			}
		}
		s.flush()
		var ok bool
		if cs, ok, err = p.next(ctx); err != nil {
			return err
		} else if !ok {
			break
		}
		if err := n.load(ctx, cs); err != nil {
			return err
		}
	}
	return gw.end()
}

// --- node-link JSON ---

// jsonGraph writes networkx's node-link format. The edge list is under
// "edges", the key networkx 3.6 reads by default and 3.4–3.5 read with
// node_link_graph(data, edges="edges").
type jsonGraph struct {
	w      io.Writer
	nodes  int
	edges  int
	inEdge bool
}

func (g *jsonGraph) begin() error {
	_, err := io.WriteString(g.w, `{"directed":true,"multigraph":true,"graph":{"name":"coalitiongraph"},"nodes":[`)
	return err
}

func (g *jsonGraph) item(v any, count *int) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("export: encode json: %w", err)
	}
	if *count > 0 {
		b = append([]byte{',', '\n'}, b...)
	} else {
		b = append([]byte{'\n'}, b...)
	}
	*count++
	if _, err := g.w.Write(b); err != nil {
		return fmt.Errorf("export: write json: %w", err)
	}
	return nil
}

func (g *jsonGraph) node(n nodeOut) error { return g.item(n, &g.nodes) }

func (g *jsonGraph) edge(e edgeOut) error {
	if !g.inEdge {
		g.inEdge = true
		if _, err := io.WriteString(g.w, "\n],\n\"edges\":["); err != nil {
			return fmt.Errorf("export: write json: %w", err)
		}
	}
	return g.item(e, &g.edges)
}

func (g *jsonGraph) end() error {
	tail := "\n]}\n"
	if !g.inEdge {
		tail = "\n],\n\"edges\":[]}\n"
	}
	_, err := io.WriteString(g.w, tail)
	return err
}

func (e *exporter) graphJSON(ctx context.Context, f cg.CommitmentFilter, s *stream) error {
	return e.writeGraph(ctx, f, &jsonGraph{w: s}, s)
}

// --- GraphML ---

// graphMLKey declares one attribute. Lists and evidence are JSON strings,
// since GraphML attributes are scalars.
type graphMLKey struct {
	id, domain, name, typ string
	node                  func(nodeOut) string
	edge                  func(edgeOut) string
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("export: encode attribute: %v", err)) // plain data; cannot fail
	}
	return string(b)
}

var graphMLKeys = []graphMLKey{
	{id: "n_label", domain: "node", name: "label", typ: "string", node: func(n nodeOut) string { return n.Label }},
	{id: "n_kind", domain: "node", name: "kind", typ: "string", node: func(n nodeOut) string { return n.Kind }},
	{id: "n_name", domain: "node", name: "name", typ: "string", node: func(n nodeOut) string { return n.Name }},
	{id: "n_aliases", domain: "node", name: "aliases", typ: "string", node: func(n nodeOut) string { return jsonText(n.Aliases) }},
	{id: "n_description", domain: "node", name: "description", typ: "string", node: func(n nodeOut) string { return n.Description }},
	{id: "n_date", domain: "node", name: "date", typ: "string", node: func(n nodeOut) string { return n.Date }},
	{id: "n_datePrecision", domain: "node", name: "datePrecision", typ: "string", node: func(n nodeOut) string { return n.DatePrecision }},
	{id: "n_evidence", domain: "node", name: "evidence", typ: "string", node: func(n nodeOut) string { return jsonText(n.Evidence) }},
	{id: "n_evidenceCount", domain: "node", name: "evidenceCount", typ: "int", node: func(n nodeOut) string { return strconv.Itoa(n.EvidenceCount) }},

	{id: "e_label", domain: "edge", name: "label", typ: "string", edge: func(e edgeOut) string { return e.Label }},
	{id: "e_family", domain: "edge", name: "family", typ: "string", edge: func(e edgeOut) string { return e.Family }},
	{id: "e_kind", domain: "edge", name: "kind", typ: "string", edge: func(e edgeOut) string { return e.Kind }},
	{id: "e_status", domain: "edge", name: "status", typ: "string", edge: func(e edgeOut) string { return e.Status }},
	{id: "e_date", domain: "edge", name: "date", typ: "string", edge: func(e edgeOut) string { return e.Date }},
	{id: "e_datePrecision", domain: "edge", name: "datePrecision", typ: "string", edge: func(e edgeOut) string { return e.DatePrecision }},
	{id: "e_statedBy", domain: "edge", name: "statedBy", typ: "string", edge: func(e edgeOut) string { return e.StatedBy }},
	{id: "e_statedByName", domain: "edge", name: "statedByName", typ: "string", edge: func(e edgeOut) string { return e.StatedByName }},
	{id: "e_conditions", domain: "edge", name: "conditions", typ: "string", edge: func(e edgeOut) string {
		if e.Family != "commitment" {
			return ""
		}
		return jsonText(e.Conditions)
	}},
	{id: "e_summary", domain: "edge", name: "summary", typ: "string", edge: func(e edgeOut) string { return e.Summary }},
	{id: "e_role", domain: "edge", name: "role", typ: "string", edge: func(e edgeOut) string { return e.Role }},
	{id: "e_sourceFiles", domain: "edge", name: "sourceFiles", typ: "string", edge: func(e edgeOut) string { return strings.Join(e.SourceFiles, " ") }},
	{id: "e_evidence", domain: "edge", name: "evidence", typ: "string", edge: func(e edgeOut) string { return jsonText(e.Evidence) }},
	{id: "e_evidenceCount", domain: "edge", name: "evidenceCount", typ: "int", edge: func(e edgeOut) string { return strconv.Itoa(e.EvidenceCount) }},
}

type graphML struct {
	w *bytes.Buffer // one element at a time, then written out
	s io.Writer
}

func (g *graphML) put() error {
	_, err := g.s.Write(g.w.Bytes())
	g.w.Reset()
	if err != nil {
		return fmt.Errorf("export: write graphml: %w", err)
	}
	return nil
}

func (g *graphML) begin() error {
	g.w.WriteString(xmlHeader)
	for _, k := range graphMLKeys {
		fmt.Fprintf(g.w, "  <key id=%q for=%q attr.name=%q attr.type=%q/>\n", k.id, k.domain, k.name, k.typ)
	}
	g.w.WriteString("  <graph id=\"coalitiongraph\" edgedefault=\"directed\">\n")
	return g.put()
}

// xmlHeader names the GraphML namespace and schema location as the GraphML
// primer does, so validating readers accept the file.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
`

func (g *graphML) data(key, value string) {
	if value == "" {
		return // absent, not an empty string: readers leave the attribute unset
	}
	g.w.WriteString(`      <data key="`)
	g.w.WriteString(key)
	g.w.WriteString(`">`)
	escapeXML(g.w, value)
	g.w.WriteString("</data>\n")
}

func (g *graphML) node(n nodeOut) error {
	return g.element("node", []string{"id", n.ID}, func(k graphMLKey) string {
		if k.node == nil {
			return ""
		}
		return k.node(n)
	})
}

func (g *graphML) edge(e edgeOut) error {
	return g.element("edge", []string{"id", e.ID, "source", e.Source, "target", e.Target}, func(k graphMLKey) string {
		if k.edge == nil {
			return ""
		}
		return k.edge(e)
	})
}

// element writes a node or an edge: its tag with attrs (name, value pairs)
// and the data of every key, "" meaning the key does not apply to it.
func (g *graphML) element(tag string, attrs []string, value func(graphMLKey) string) error {
	g.w.WriteString("    <" + tag)
	for i := 0; i+1 < len(attrs); i += 2 {
		g.w.WriteString(" " + attrs[i] + `="`)
		escapeXML(g.w, attrs[i+1])
		g.w.WriteString(`"`)
	}
	g.w.WriteString(">\n")
	for _, k := range graphMLKeys {
		g.data(k.id, value(k))
	}
	g.w.WriteString("    </" + tag + ">\n")
	return g.put()
}

func (g *graphML) end() error {
	g.w.WriteString("  </graph>\n</graphml>\n")
	return g.put()
}

// escapeXML writes s as XML text or attribute content; characters XML
// cannot carry become U+FFFD.
func escapeXML(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a bytes.Buffer never fails to write
}

func (e *exporter) graphGraphML(ctx context.Context, f cg.CommitmentFilter, s *stream) error {
	return e.writeGraph(ctx, f, &graphML{w: &bytes.Buffer{}, s: s}, s)
}
