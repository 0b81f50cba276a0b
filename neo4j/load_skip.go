package neo4j

import (
	"context"
)

// loadState reads what a batched Load needs to leave unchanged items out
// of its statements: every item's import hash (edges with their type, as
// an edge that moved to another type keeps its id and may keep its
// hash), and every commitment that has versions, with whether its latest
// is a retraction. One read instead of a write transaction per batch that
// matches each row only to find its hash equal: a reload of 100k
// unchanged commitments spent its 30 s in those 34 transactions.
var loadState = `CALL () { MATCH (n:Source) RETURN collect([n.id, n.hash]) AS sources }
CALL () { MATCH (n:Entity) RETURN collect([n.id, n.hash]) AS entities }
CALL () { MATCH (:Entity)-[r:` + relationTypes + `]->(:Entity) RETURN collect([r.id, r.hash, type(r)]) AS relations }
CALL () { MATCH (:Entity)-[r:` + commitmentTypes + `]->(:Entity) RETURN collect([r.id, r.hash, type(r)]) AS commitments }
CALL () { MATCH (n:Claim) RETURN collect([n.id, n.hash]) AS claims }
CALL () {
  MATCH (x:CommitmentVersion)
  WITH x.commitmentId AS cid, max(x.version) AS ver
  MATCH (v:CommitmentVersion {key: cid + '@' + toString(ver)})
  RETURN collect([cid, coalesce(v.retracted, false)]) AS versioned
}
RETURN sources, entities, relations, commitments, claims, versioned`

// storedItems is the graph's side of loadState: the key of each item
// (hash, or hash and type for edges), and the commitments with versions
// (true if retracted).
type storedItems struct {
	keys      map[string]string
	versioned map[string]bool
}

func (s *Store) readLoadState(ctx context.Context) (*storedItems, error) {
	m, err := s.readOne(ctx, "load: read the stored hashes", loadState, nil)
	if err != nil {
		return nil, err
	}
	st := &storedItems{keys: map[string]string{}, versioned: map[string]bool{}}
	for _, sec := range []string{"sources", "entities", "relations", "commitments", "claims"} {
		for _, pair := range asList(m[sec]) {
			p := asList(pair)
			if p[1] == nil {
				continue // no import hash: written through the API, or before hashes
			}
			k := toString(p[1])
			if len(p) > 2 {
				k += " " + toString(p[2])
			}
			st.keys[toString(p[0])] = k
		}
	}
	for _, pair := range asList(m["versioned"]) {
		p := asList(pair)
		r, _ := p[1].(bool)
		st.versioned[toString(p[0])] = r
	}
	return st, nil
}

// unchanged reports whether the statement of st would leave row as it is
// in the graph: same hash (and same type for an edge), and for a
// commitment, a latest version that is not a retraction (a retracted one
// is sent, so that the statement counts it kept).
func (st *storedItems) unchanged(what string, edgeType string, row map[string]any) bool {
	id, _ := row["id"].(string)
	h, _ := row["hash"].(string)
	want := h
	if edgeType != "" {
		want += " " + edgeType
	}
	if k, ok := st.keys[id]; !ok || k != want {
		return false
	}
	if what == "commitments" {
		retracted, ok := st.versioned[id]
		return ok && !retracted
	}
	return true
}

// skipUnchanged drops from each step the rows whose items the graph holds
// unchanged, keeping the steps (possibly empty) so that progress still
// counts every planned row. Commitments are all kept when a source
// changed: their unchanged upsert refreshes version 1's knownFrom from
// the sources' publication dates. It returns the number of rows dropped.
func (st *storedItems) skipUnchanged(steps []step) int {
	sourceChanged := false
	dropped := 0
	for i := range steps {
		s := &steps[i]
		section, edgeType := s.section, s.edgeType
		if section == "commitments" && sourceChanged {
			continue
		}
		kept, keptEnds := s.rows[:0:0], []any(nil)
		for j, r := range s.rows {
			row, _ := r.(map[string]any)
			if row != nil && st.unchanged(section, edgeType, row) {
				dropped++
				continue
			}
			if section == "sources" {
				sourceChanged = true
			}
			kept = append(kept, r)
			if s.ends != nil {
				keptEnds = append(keptEnds, s.ends[j])
			}
		}
		s.rows, s.ends = kept, keptEnds
	}
	return dropped
}
