package neo4j

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// LoadStats says what a Load wrote.
type LoadStats struct {
	Sources, Entities, Relations, Commitments, Claims int
	// Evidence is the number of evidence items in the dataset.
	Evidence int
	// Written is the number of items (of all sections) that were new or
	// changed and so were written, their evidence replaced; the others
	// were already in the graph as they are in the dataset.
	Written int
	// Versions is the number of commitments (counted in Written) whose
	// content changed in the dataset since they were last imported, and
	// which so got a new version rather than being overwritten.
	Versions int
	// KeptRetracted is the number of dataset commitments left alone
	// because they were retracted in the graph.
	KeptRetracted int
	// Moved is the number of edges deleted because the dataset now gives
	// their id to an edge of another kind or between other entities.
	Moved int
	// Skipped is the number of rows a batched load left out of its
	// statements because the graph held them unchanged (same import
	// hash), read before the batches.
	Skipped int
	// Statements is the number of batched statements planned; batches
	// whose rows were all skipped are not sent.
	Statements int
	Duration   time.Duration
}

// step is one batched statement of a load.
type step struct {
	what   string
	cypher string
	// section is the dataset section of the rows ("sources", "entities",
	// "relations", "commitments", "claims"); edgeType, for edges, their
	// relationship type.
	section, edgeType string
	// typ is the label (entities) or relationship type (edges) the
	// statement takes as $type.
	typ string
	// planned is the number of rows planned, which progress counts, even
	// if rows the graph holds unchanged were left out of rows.
	planned int
	rows    []any
	// ends, for a step of edges, are each row's {id, kind, from, to},
	// for pruneMoved.
	ends []any
}

// loadPlan is everything a Load sends, built and checked before the
// transaction starts so that a bad dataset writes nothing and costs no
// round trip.
type loadPlan struct {
	steps []step
	// hashes maps every item's id to its content hash.
	hashes map[string]string
	rows   int
	stats  LoadStats
}

// Provenance of the versions Load records for commitments changed in the
// dataset (curated version 1 has none).
const (
	ImportRecordedBy = "dataset import"
	ImportReason     = "changed in the dataset"
)

// atomicRows is the largest load (in rows of all sections) that Load
// writes in one transaction, all or nothing. Larger loads commit batch by
// batch, so that no transaction holds more than one batch's state and a
// million commitments load under Neo4j's default memory settings (the
// default dbms.memory.transaction.total.max is 70% of the heap; one
// transaction of 100k commitments needed several GB). It is small because
// a transaction's growing state slows its own later statements: 8,000
// commitments (8,805 rows) took 2 min 30 s as one transaction and 55 s
// batch by batch on the tests' Neo4j, measured one after the other on one
// server (a temporary test timing Load of SyntheticSkewed(8000, 400, 7)).
// The curated dataset, a few hundred rows, stays all or nothing.
const atomicRows = 1_000

// Load upserts the dataset: nodes and edges are merged on their stable ids
// and their properties set, so loading an edited dataset updates in place
// and loading the same one twice changes nothing; a changed fact's evidence
// is replaced. Items whose content hash matches the stored one are not
// rewritten, so a reload of a large unchanged dataset stays cheap.
//
// A load of at most atomicRows rows (the curated dataset is a few hundred)
// happens in one write transaction: if any statement fails, or ctx ends,
// nothing is written, and if the driver retries the transaction, progress
// starts again from zero. A larger load commits each batch (s.batchSize
// rows of one section) in a transaction of its own, in a fixed order
// (sources, entities, relations, commitments, claims), so memory is
// bounded by a batch; a load that stops half-way leaves the batches it
// committed, and running it again converges on the same graph as one
// uninterrupted load. Before its batches, a batched load into a graph
// that has edges reads every item's import hash (a statement per section
// and type, a few at once) and leaves the unchanged items out
// (LoadStats.Skipped), so that an unchanged reload sends no batch at all. An edge whose id moved to another kind or other ends is
// deleted in the transaction of the batch that writes its new version, so
// a reader never sees it missing or twice. progress, if not nil, is called
// after each batch with the items done so far and the total.
//
// Items are not deleted when they leave the dataset: Load adds and updates.
func (s *Store) Load(ctx context.Context, ds *cg.Dataset, progress func(done, total int)) (LoadStats, error) {
	start := time.Now()
	if ds == nil {
		ds = &cg.Dataset{}
	}
	limit := atomicRows
	if s.atomicRows > 0 {
		limit = s.atomicRows
	}
	batched := loadRows(ds) > limit
	// The dataset's check, rows and hashes, the Go side of a reload's
	// work (about 10 s at 1M), go on while the server reads what it
	// holds; nothing is written before the check passed, and a failed
	// check stops the reads.
	var pre *preparedRows
	var checkErr error
	prepared := make(chan struct{})
	readCtx, stopReads := context.WithCancel(ctx)
	defer stopReads()
	go func() {
		defer close(prepared)
		if checkErr = checkLoadable(ds); checkErr != nil {
			stopReads()
			return
		}
		pre = prepareRows(ds)
	}()
	// The goroutine is waited for on every return: it reads ds.
	defer func() { <-prepared }()
	// An edge can only have moved if the graph has edges: a first load
	// into an empty graph skips the pruning.
	prune, err := s.hasEdges(readCtx)
	// A batched load leaves out the rows the graph holds unchanged, read
	// before the batches, rather than sending every batch to compare
	// hashes in its own transaction; a batch left empty costs no
	// transaction.
	var stored *storedItems
	if err == nil && batched && prune && !s.sendUnchanged {
		stored, err = s.readLoadState(readCtx)
	}
	<-prepared
	if checkErr != nil {
		return LoadStats{}, checkErr
	}
	if err != nil {
		return LoadStats{}, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		return LoadStats{}, err
	}
	plan := buildPlan(ds, s.batchSize, stored, pre, false)
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())

	// groups are the steps of each transaction.
	groups := [][]step{plan.steps}
	if batched {
		groups = groups[:0]
		for i := range plan.steps {
			groups = append(groups, plan.steps[i:i+1])
		}
	}
	var failed string // the step that failed, for the message
	var tally loadTally
	now := time.Now().UTC()
	done := 0
	for _, steps := range groups {
		if len(steps) == 1 && len(steps[0].rows) == 0 && len(groups) > 1 {
			done += steps[0].planned
			if progress != nil {
				progress(done, plan.rows)
			}
			continue
		}
		t, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (loadTally, error) {
			// Errors are returned as the driver gave them, unwrapped, so
			// that it can tell which ones are worth a retry. A retried
			// transaction counts from zero.
			var t loadTally
			d := done
			// Each committed batch changes what readers see: it advances
			// the graph version (cg.Versioned) first, before the graph's
			// locks, as every write does.
			if err := bumpVersion(ctx, tx); err != nil {
				return loadTally{}, err
			}
			for _, st := range steps {
				failed = st.what
				if err := runStep(ctx, tx, st, prune, now, &t); err != nil {
					return loadTally{}, err
				}
				d += st.planned
				if progress != nil && len(groups) == 1 {
					progress(d, plan.rows)
				}
			}
			return t, nil
		}, txTimeout(ctx)...)
		if err != nil {
			return LoadStats{}, classify("load: "+failed, err)
		}
		tally.add(t)
		for _, st := range steps {
			done += st.planned
		}
		// A batched load reports a batch once it is committed.
		if progress != nil && len(groups) > 1 {
			progress(done, plan.rows)
		}
	}
	if tally.written > 0 || tally.moved > 0 {
		s.resampleIndexes(ctx)
	}
	stats := plan.stats
	stats.Moved, stats.Written, stats.Versions, stats.KeptRetracted = tally.moved, tally.written, tally.versions, tally.kept
	stats.Duration = time.Since(start)
	return stats, nil
}

// loadTally counts what one transaction of a load wrote; it is added to
// the load's total only once the transaction committed, so a retried
// transaction is not counted twice.
type loadTally struct{ written, versions, kept, moved int }

func (t *loadTally) add(o loadTally) {
	t.written += o.written
	t.versions += o.versions
	t.kept += o.kept
	t.moved += o.moved
}

// params are the parameters of st's statement.
func (st step) params(now time.Time) (map[string]any, error) {
	params := map[string]any{"rows": st.rows, "now": now, "by": ImportRecordedBy, "reason": ImportReason}
	if st.typ != "" {
		if !loadType(st.section, st.typ) {
			return nil, fmt.Errorf("%s: type %q is not in the vocabulary", st.section, st.typ)
		}
		params["type"] = st.typ
	}
	if st.section == "commitments" {
		withMatrixParams(params)
	}
	return params, nil
}

// runStep sends one batched statement, after deleting the edges among its
// rows that moved (if prune says edges may have moved), and checks that
// every row matched.
func runStep(ctx context.Context, tx nd.ManagedTransaction, st step, prune bool, now time.Time, t *loadTally) error {
	if prune && len(st.ends) > 0 {
		res, err := tx.Run(ctx, pruneMoved, withMatrixParams(map[string]any{"rows": st.ends}))
		if err != nil {
			return err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return err
		}
		t.moved += toInt(rec.AsMap()["n"])
	}
	params, err := st.params(now)
	if err != nil {
		return err
	}
	res, err := tx.Run(ctx, st.cypher, params)
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	m := rec.AsMap()
	// A row whose endpoints are missing matches nothing and would vanish
	// silently; planLoad checks references, this is the backstop.
	if n := toInt(m["n"]); n != len(st.rows) {
		return fmt.Errorf("wrote %d of %d rows", n, len(st.rows))
	}
	t.written += toInt(m["written"])
	t.versions += toInt(m["versions"])
	t.kept += toInt(m["keptRetracted"])
	return nil
}

// resampleIndexes asks Neo4j to refresh the statistics of the indexes a
// load made outdated. Until they are refreshed (by default when some 10%
// of an index changed, and not at once), the planner takes a freshly
// filled index for an empty one and plans an equality on a relationship id
// as a scan of the whole index: after the first load every write through
// the Writer would read every relationship of its type. Best effort: a
// failure only leaves the statistics to Neo4j's own schedule.
func (s *Store) resampleIndexes(ctx context.Context) {
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	if res, err := sess.Run(ctx, resampleIndexes, nil); err == nil {
		_, _ = res.Consume(ctx)
	}
}

// hasEdges reports whether the graph holds any edge.
func (s *Store) hasEdges(ctx context.Context) (bool, error) {
	m, err := s.readOne(ctx, "load: look for edges", anyEdges, nil)
	if err != nil {
		return false, err
	}
	found, _ := m["found"].(bool)
	return found, nil
}

// shapeVersion is part of every content hash: changing how items are
// stored must change it, so that the next load rewrites every item.
const shapeVersion = "3"

// hashRow adds to a row the hash of its content (evidence included), which
// the upserts compare with the stored one to skip unchanged items. JSON
// encoding sorts map keys, so equal rows hash equally.
func hashRow(row map[string]any) map[string]any {
	b, err := json.Marshal(row)
	if err != nil {
		// Rows hold strings, numbers, lists and times only.
		panic(fmt.Sprintf("neo4j: hash a load row: %v", err))
	}
	sum := sha256.Sum256(append([]byte(shapeVersion+"\n"), b...))
	row["hash"] = base64.RawStdEncoding.EncodeToString(sum[:16])
	return row
}

// planLoad checks the dataset and turns it into batched statements, with
// every row and every item's hash (Diff compares them with the graph's).
// It rejects what the graph could not represent faithfully
// (cg.Dataset.Check) and what Load does not import: a commitment given
// more than once, or a retracted one.
func planLoad(ds *cg.Dataset, batchSize int) (*loadPlan, error) {
	if ds == nil {
		ds = &cg.Dataset{}
	}
	if err := checkLoadable(ds); err != nil {
		return nil, err
	}
	return buildPlan(ds, batchSize, nil, nil, true), nil
}

// loadRows is the number of rows a load of ds plans: one per item.
func loadRows(ds *cg.Dataset) int {
	return len(ds.Sources) + len(ds.Entities) + len(ds.Relations) + len(ds.Commitments) + len(ds.Claims)
}

// buildPlan turns a checked dataset into batched statements. Batches are
// cut from the dataset's items, batchSize of one section and type each,
// whatever stored leaves out, so that the statements and progress are
// the same with and without the skip. With stored, the items the graph
// holds unchanged are left out of their batch's rows (plan.stats.Skipped)
// and their rows never built: an unchanged reload of 1M commitments then
// hashes them and builds no row (building them all took 48 s of the
// 2 min 42 s reload at 1M). pre, if not nil, is prepareRows(ds);
// withHashes fills plan.hashes.
func buildPlan(ds *cg.Dataset, batchSize int, stored *storedItems, pre *preparedRows, withHashes bool) *loadPlan {
	if batchSize < 1 {
		batchSize = defaultBatchSize
	}
	p := &loadPlan{}
	if withHashes {
		p.hashes = make(map[string]string, loadRows(ds))
	}
	// section adds the batches of n items of one section and type; row
	// builds item i's row, or returns nil when the graph holds it
	// unchanged; ends, for edges, gives its ends.
	section := func(what, cypher string, n int, row func(i int) map[string]any, ends func(i int) any) {
		sec, typ, _ := strings.Cut(what, " ")
		edgeType := typ
		if sec == "entities" {
			edgeType = ""
		}
		for lo := 0; lo < n; lo += batchSize {
			hi := min(lo+batchSize, n)
			st := step{what: what, section: sec, edgeType: edgeType, typ: typ, cypher: cypher, planned: hi - lo}
			for i := lo; i < hi; i++ {
				r := row(i)
				if r == nil {
					p.stats.Skipped++
					continue
				}
				st.rows = append(st.rows, r)
				if ends != nil {
					st.ends = append(st.ends, ends(i))
				}
			}
			p.steps = append(p.steps, st)
			p.rows += hi - lo
		}
	}
	if pre == nil {
		pre = prepareRows(ds)
	}
	// keep says whether to send a hashed row.
	sourceChanged := false
	keep := func(sec, edgeType string, row map[string]any) map[string]any {
		id, h := row["id"].(string), row["hash"].(string)
		if p.hashes != nil {
			p.hashes[id] = h
		}
		if stored.unchanged(sec, edgeType, id, h) {
			return nil
		}
		if sec == "sources" {
			sourceChanged = true
		}
		return row
	}

	sources := make(map[string]*cg.Source, len(ds.Sources))
	source := func(id string) *cg.Source { return sources[id] }
	for _, src := range ds.Sources {
		sources[src.ID] = src
	}
	section("sources", upsertSources, len(ds.Sources), func(i int) map[string]any {
		return keep("sources", "", pre.sources[i])
	}, nil)
	p.stats.Sources = len(ds.Sources)

	entities := map[cg.EntityKind][]int{}
	for i, e := range ds.Entities {
		p.stats.Evidence += len(e.Evidence)
		entities[e.Kind] = append(entities[e.Kind], i)
	}
	p.stats.Entities = len(ds.Entities)
	for _, k := range cg.EntityKinds {
		es := entities[k]
		section("entities "+k.Label(), upsertEntity[k], len(es), func(i int) map[string]any {
			return keep("entities", "", pre.entities[es[i]])
		}, nil)
	}

	relations := map[cg.EdgeKind][]int{}
	for i, r := range ds.Relations {
		p.stats.Evidence += len(r.Evidence)
		relations[r.Kind] = append(relations[r.Kind], i)
	}
	p.stats.Relations = len(ds.Relations)
	for _, k := range cg.RelationKinds {
		rs := relations[k]
		section("relations "+string(k), upsertRelation[k], len(rs), func(i int) map[string]any {
			return keep("relations", string(k), pre.relations[rs[i]])
		}, func(i int) any {
			r := ds.Relations[rs[i]]
			return edgeEnds(r.ID, k, r.FromID, r.ToID)
		})
	}

	comHashes := pre.commitments
	// Commitments are all sent when a source changed: their unchanged
	// upsert refreshes version 1's knownFrom from the sources'
	// publication dates.
	comStored := stored
	if sourceChanged {
		comStored = nil
	}
	type hashed struct {
		c    *cg.Commitment
		hash string
	}
	commitments := map[cg.EdgeKind][]hashed{}
	for i, c := range ds.Commitments {
		p.stats.Evidence += len(c.Evidence)
		commitments[c.Kind] = append(commitments[c.Kind], hashed{c, comHashes[i]})
		if p.hashes != nil {
			p.hashes[c.ID] = comHashes[i]
		}
	}
	p.stats.Commitments = len(ds.Commitments)
	for _, k := range cg.CommitmentKinds {
		cs := commitments[k]
		section("commitments "+string(k), upsertCommitment[k], len(cs), func(i int) map[string]any {
			if comStored.unchanged("commitments", string(k), cs[i].c.ID, cs[i].hash) {
				return nil
			}
			return commitmentLoadRowHashed(cs[i].c, source, cs[i].hash)
		}, func(i int) any { return edgeEnds(cs[i].c.ID, k, cs[i].c.ActorID, cs[i].c.TargetID) })
	}

	for _, c := range ds.Claims {
		p.stats.Evidence += len(c.Evidence)
	}
	section("claims", upsertClaims, len(ds.Claims), func(i int) map[string]any {
		return keep("claims", "", pre.claims[i])
	}, nil)
	p.stats.Claims = len(ds.Claims)
	p.stats.Statements = len(p.steps)
	return p
}

// preparedRows is what a load computes of a dataset before it knows what
// the graph holds: the hashed rows of the sections other than
// commitments, and the commitments' content hashes, each in dataset
// order.
type preparedRows struct {
	sources, entities, relations, claims []map[string]any
	commitments                          []string
}

// prepareRows builds the hashed rows of the small sections (at 1M
// commitments, 100k entities and relations whose JSON hashing took
// seconds) and hashes the commitments, whose rows wait until the graph
// says which are needed.
func prepareRows(ds *cg.Dataset) *preparedRows {
	pre := &preparedRows{
		sources:   make([]map[string]any, len(ds.Sources)),
		entities:  make([]map[string]any, len(ds.Entities)),
		relations: make([]map[string]any, len(ds.Relations)),
		claims:    make([]map[string]any, len(ds.Claims)),
	}
	var wg sync.WaitGroup
	wg.Go(func() { pre.commitments = commitmentHashes(ds.Commitments) })
	for i, src := range ds.Sources {
		pre.sources[i] = hashRow(sourceRow(src))
	}
	for i, e := range ds.Entities {
		pre.entities[i] = hashRow(entityRow(e))
	}
	for i, r := range ds.Relations {
		pre.relations[i] = hashRow(relationRow(r))
	}
	for i, c := range ds.Claims {
		pre.claims[i] = hashRow(claimRow(c))
	}
	wg.Wait()
	return pre
}

// commitmentHashes is each commitment's content hash, in order, computed
// by as many goroutines as the machine has cores: a reload of 1M hashes
// every commitment to find it unchanged.
func commitmentHashes(cs []*cg.Commitment) []string {
	out := make([]string, len(cs))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(cs)/1000))
	var wg sync.WaitGroup
	per := (len(cs) + workers - 1) / max(workers, 1)
	for lo := 0; lo < len(cs); lo += per {
		hi := min(lo+per, len(cs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for i := lo; i < hi; i++ {
				out[i] = commitmentHashBuf(cs[i], &buf)
			}
		}()
	}
	wg.Wait()
	return out
}

// loadType reports whether typ, which a load statement of section takes
// as $type, is a label or relationship type of the fixed vocabulary: a
// dynamic type is never spelled from anything else.
func loadType(section, typ string) bool {
	switch section {
	case "entities":
		for _, k := range cg.EntityKinds {
			if k.Label() == typ {
				return true
			}
		}
	case "relations":
		return cg.EdgeKind(typ).IsRelation()
	case "commitments":
		return cg.EdgeKind(typ).IsCommitment()
	}
	return false
}

// edgeEnds is an edge's row for pruneMoved.
func edgeEnds(id string, kind cg.EdgeKind, from, to string) any {
	return map[string]any{"id": id, "kind": string(kind), "from": from, "to": to}
}

// checkLoadable adds Load's own rule to the domain's: Load imports facts,
// one version each (it numbers the versions of changed facts itself), and
// retracting one is a write of its own (RetractCommitment), which history
// records.
func checkLoadable(ds *cg.Dataset) error {
	if err := ds.Check(); err != nil {
		return err
	}
	seen := make(map[string]bool, len(ds.Commitments))
	for _, c := range ds.Commitments {
		switch {
		case seen[c.ID]:
			return &cg.Error{Code: cg.CodeBadInput, Err: cg.ErrInvalidDataset,
				Message: fmt.Sprintf("invalid dataset: duplicate id %q (commitment and commitment): Load takes one version of each commitment", c.ID)}
		case c.Retracted:
			return &cg.Error{Code: cg.CodeBadInput, Err: cg.ErrInvalidDataset,
				Message: fmt.Sprintf("invalid dataset: commitment %s: a retracted version cannot be loaded", c.ID)}
		}
		seen[c.ID] = true
	}
	return nil
}
