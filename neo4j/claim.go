package neo4j

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// A claim: a node (:Claim {id, topic, text, position, stance…})-[:ABOUT]->(:Entity)
// with its (:Evidence) nodes. Its row, SET, projection, decoder and Diff
// fields are here. Claims are written by Load only.

// claimRow is the row of c that claimSet and writeEvidence read.
func claimRow(c *cg.Claim) map[string]any {
	row := map[string]any{"id": c.ID, "subject": c.SubjectID, "topic": c.Topic,
		"text": c.Text, "position": c.Position, "evidence": evidenceRows(c.Evidence)}
	// A claim without a stance stores nulls, so that a stance taken
	// away on reload leaves nothing behind.
	row["stanceActor"], row["stanceKind"], row["stanceState"], row["stanceDiscussedBy"] = nil, nil, nil, nil
	if st := c.Stance; st != nil {
		row["stanceActor"], row["stanceKind"], row["stanceState"], row["stanceDiscussedBy"] = st.ActorID, string(st.Kind), string(st.State), st.DiscussedBy
	}
	return row
}

// claimSet sets a claim node c's properties from its row (its subject is
// the ABOUT relationship).
const claimSet = `c.topic = row.topic, c.text = row.text, c.position = row.position, c.stanceActor = row.stanceActor,
      c.stanceKind = row.stanceKind, c.stanceState = row.stanceState, c.stanceDiscussedBy = row.stanceDiscussedBy`

// claimProjection reads a claim c about s as decodeClaim expects.
var claimProjection = `c {.id, subject: s.id, .topic, .text, .position, .stanceActor, .stanceKind, .stanceState, .stanceDiscussedBy,
  evidence: ` + evidenceOf("c.id") + `}`

func decodeClaim(v any) (*cg.Claim, error) {
	m := asMap(v)
	c := &cg.Claim{
		ID: toString(m["id"]), SubjectID: toString(m["subject"]), Topic: toString(m["topic"]),
		Text: toString(m["text"]), Position: toString(m["position"]), Evidence: decodeEvidence(m["evidence"]),
	}
	if m["stanceState"] != nil {
		c.Stance = &cg.Stance{ActorID: toString(m["stanceActor"]), Kind: cg.EdgeKind(toString(m["stanceKind"])),
			State: cg.StanceState(toString(m["stanceState"])), DiscussedBy: toString(m["stanceDiscussedBy"])}
	}
	return c, nil
}

// claimFields are the fields of a claim Diff compares.
func claimFields(stored, want *cg.Claim) []FieldDiff {
	var f fieldDiffs
	f.add("subject", stored.SubjectID, want.SubjectID)
	f.add("topic", stored.Topic, want.Topic)
	f.add("text", stored.Text, want.Text)
	f.add("position", stored.Position, want.Position)
	f.add("stance", stanceString(stored.Stance), stanceString(want.Stance))
	f.evidence(stored.Evidence, want.Evidence)
	return f
}

func stanceString(st *cg.Stance) string {
	if st == nil {
		return ""
	}
	return fmt.Sprintf("%s %s %s %q", st.ActorID, st.Kind, st.State, st.DiscussedBy)
}

// ---- Load ----

const upsertClaims = `UNWIND $rows AS row
MATCH (s:Entity {id: row.subject})
MERGE (c:Claim {id: row.id})
WITH c, s, row
CALL (c, s, row) {
  WITH c, s, row WHERE c.hash IS NULL OR c.hash <> row.hash
  SET ` + claimSet + `,
      c.hash = row.hash
  WITH c, s, row
  CALL (c, s) {
    OPTIONAL MATCH (c)-[old:ABOUT]->(x)
    WHERE x <> s
    DELETE old
  }
  MERGE (c)-[:ABOUT]->(s)
  WITH row` + writeEvidence + `
  RETURN count(*) AS written
}
RETURN count(*) AS n, sum(written) AS written`

// ---- Reads ----

// Filter fragments (see filter).
const (
	claimByID      = `c.id IN $ids`
	claimBySubject = `s.id IN $subjects`
	claimBySource  = `EXISTS { MATCH (ev:Evidence {factId: c.id}) WHERE ev.sourceId IN $sources }`
)

var claimsTemplate = `MATCH (c:Claim)-[:ABOUT]->(s:Entity)
%s
RETURN ` + claimProjection + ` AS claim
ORDER BY c.id`

// Claims returns the matching claims ordered by id.
func (s *Store) Claims(ctx context.Context, f cg.ClaimFilter) ([]*cg.Claim, error) {
	q := newFilter(nil)
	q.in(claimByID, "ids", orNil(f.IDs))
	q.in(claimBySubject, "subjects", orNil(f.SubjectIDs))
	q.in(claimBySource, "sources", orNil(f.SourceIDs))
	recs, err := s.read(ctx, "claims", fmt.Sprintf(claimsTemplate, where(q.conds)), q.params)
	if err != nil {
		return nil, err
	}
	return decodeRecords(recs, "claim", decodeClaim)
}
