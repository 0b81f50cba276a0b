package neo4j

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
	"golang.org/x/sync/errgroup"
)

// What a batched Load needs to leave unchanged items out of its
// statements: every item's import hash, per section and per label or
// relationship type (an edge that moved to another type keeps its id and
// may keep its hash), the commitments that have versions, and those whose
// latest version is a retraction. Reads instead of a write transaction
// per batch that matches each row only to find its hash equal: a reload
// of 100k unchanged commitments spent its 30 s in those 34 transactions.
//
// One statement per section or type, a few at a time in sessions of
// their own, each answering one record of parallel lists: at 1M, a
// record per item cost the driver and the server about 16 µs each (16 s
// for the 1M versions, whose count alone took 0.5 s), and the single
// statement that collected every section at once, with the latest of
// each commitment's versions found by an aggregation and 1M key look-ups,
// did not scale either.
type stateRead struct {
	section, edgeType string
	cypher            string
}

// The statements' answers: ids and hashes (items without an import hash,
// written through the API or before hashes, are left out, so that the
// lists stay aligned); the ids of commitments with versions; the ids of
// those whose latest version is a retraction.
const (
	readHashes    = ` WHERE x.hash IS NOT NULL RETURN collect(x.id) AS ids, collect(x.hash) AS hashes`
	readVersioned = `MATCH (x:CommitmentVersion) WHERE x.version IS NOT NULL RETURN collect(DISTINCT x.commitmentId) AS ids`
	readRetracted = `MATCH (x:CommitmentVersion) WHERE x.retracted
WITH x.commitmentId AS cid, x.version AS ver
WHERE NOT EXISTS { MATCH (y:CommitmentVersion {commitmentId: cid}) WHERE y.version > ver }
RETURN collect(cid) AS ids`
)

// loadStateReads are the reads, largest first so that the last one to
// finish is small. Labels and types come from the vocabulary only.
func loadStateReads() []stateRead {
	reads := []stateRead{{section: "versioned", cypher: readVersioned}, {section: "retracted", cypher: readRetracted}}
	for _, k := range cg.CommitmentKinds {
		reads = append(reads, stateRead{"commitments", string(k), fmt.Sprintf(`MATCH (:Entity)-[x:%s]->(:Entity)`, k) + readHashes})
	}
	for _, k := range cg.RelationKinds {
		reads = append(reads, stateRead{"relations", string(k), fmt.Sprintf(`MATCH (:Entity)-[x:%s]->(:Entity)`, k) + readHashes})
	}
	return append(reads,
		stateRead{section: "entities", cypher: `MATCH (x:Entity)` + readHashes},
		stateRead{section: "claims", cypher: `MATCH (x:Claim)` + readHashes},
		stateRead{section: "sources", cypher: `MATCH (x:Source)` + readHashes})
}

// loadStateReaders is the number of reads under way at once: enough to
// keep the server's cores and the driver's decoding busy together.
const loadStateReaders = 3

// storedItems is the graph's side of the reads: the hash of each item by
// section, type ("" for nodes) and id, and the commitments' versions.
type storedItems struct {
	keys map[string]map[string]map[string]string
	// versioned holds the commitments with versions, true for those
	// whose latest is a retraction.
	versioned map[string]bool
}

func (s *Store) readLoadState(ctx context.Context) (*storedItems, error) {
	reads := loadStateReads()
	answers := make([]map[string]any, len(reads))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(loadStateReaders)
	for i, rd := range reads {
		g.Go(func() error {
			m, err := s.readOne(gctx, "load: read the stored hashes", rd.cypher, nil)
			answers[i] = m
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	st := &storedItems{keys: map[string]map[string]map[string]string{}, versioned: map[string]bool{}}
	for i, rd := range reads {
		ids := asList(answers[i]["ids"])
		switch rd.section {
		case "versioned":
			for _, id := range ids {
				st.versioned[toString(id)] = false
			}
			continue
		case "retracted":
			continue // after every versioned id
		}
		hashes := asList(answers[i]["hashes"])
		if len(hashes) != len(ids) {
			return nil, fmt.Errorf("neo4j: load: read the stored hashes of %s %s: %d ids, %d hashes", rd.section, rd.edgeType, len(ids), len(hashes))
		}
		keys := make(map[string]string, len(ids))
		for j, id := range ids {
			keys[toString(id)] = toString(hashes[j])
		}
		if st.keys[rd.section] == nil {
			st.keys[rd.section] = map[string]map[string]string{}
		}
		st.keys[rd.section][rd.edgeType] = keys
	}
	for i, rd := range reads {
		if rd.section == "retracted" {
			for _, id := range asList(answers[i]["ids"]) {
				st.versioned[toString(id)] = true
			}
		}
	}
	return st, nil
}

// unchanged reports whether the statement of section would leave the
// item (id, with content hash h) as it is in the graph: same hash under
// the same type, and for a commitment, a latest version that is not a
// retraction (a retracted one is sent, so that the statement counts it
// kept). A nil st holds nothing.
func (st *storedItems) unchanged(section, edgeType, id, h string) bool {
	if st == nil {
		return false
	}
	if k, ok := st.keys[section][edgeType][id]; !ok || k != h {
		return false
	}
	if section == "commitments" {
		retracted, ok := st.versioned[id]
		return ok && !retracted
	}
	return true
}
