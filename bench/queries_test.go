//go:build bench

package bench

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// A query of the set, three ways: the coalitiongraph document (api), the
// Cypher that gives the same answer in one statement through the Go driver
// (raw, the floor), and the document for the peer, @neo4j/graphql over the
// same Neo4j, whose type definitions (peerTypeDefs) carry the same Cypher
// where the peer cannot derive it (see peerTypeDefs). Every answer is
// turned into a list of rows of one shape (canonical JSON) and compared
// before anything is timed.
type query struct {
	name string
	api  string
	// apiRows turns the API's data into the raw rows' shape.
	apiRows func(data map[string]any) []any
	// cypher returns one column, row; peerField exposes it on the peer's
	// Query with params as its arguments (or, with peerDoc set, the peer
	// answers natively and peerRows reads its data).
	cypher    string
	params    map[string]any
	peerType  string // the row type of the peer's field
	peerDoc   string // the peer's document when it is not a root @cypher field
	peerSel   string // the selection set of the row type
	peerRows  func(data map[string]any) []any
	fixRaw    func(row map[string]any) map[string]any // raw and peer rows, before comparing
	unordered bool                                    // compare as a set (the API's order is not the Cypher's)
}

var commitmentTypes = func() string {
	ks := make([]string, len(cg.CommitmentKinds))
	for i, k := range cg.CommitmentKinds {
		ks[i] = string(k)
	}
	return strings.Join(ks, "|")
}()

var edgeTypes = func() string {
	ks := []string{commitmentTypes}
	for _, k := range cg.RelationKinds {
		ks = append(ks, string(k))
	}
	return strings.Join(ks, "|")
}()

// evidenceList is a commitment r's evidence, in dataset order, as
// "quote @ source id".
const evidenceList = `COLLECT { MATCH (ev:Evidence {factId: r.id}) WITH ev ORDER BY ev.ord RETURN ev.quote + ' @ ' + ev.sourceId }`

const listedRow = `{id: r.id, kind: type(r), status: r.status, actor: a.name, target: t.name, evidence: ` + evidenceList + `}`

// listing is a page of 20 in date order with the total, as the API's
// commitments(filter, first: 20) gives them.
func listing(pattern, where string) string {
	return fmt.Sprintf(`CALL () {
  MATCH %[1]s %[2]s
  RETURN count(r) AS total
}
CALL () {
  MATCH %[1]s %[2]s
  WITH a, r, t ORDER BY r.date = '', r.date, r.id LIMIT 20
  RETURN collect(`+listedRow+`) AS page
}
RETURN {total: total, page: page} AS row`, pattern, where)
}

const listingAPI = `totalCount nodes { id kind status actor { name } target { name } evidence { quote source { id } } }`

func listingRows(data map[string]any) []any {
	c := obj(data["commitments"])
	page := []any{}
	for _, n := range list(c["nodes"]) {
		n := obj(n)
		page = append(page, map[string]any{"id": n["id"], "kind": n["kind"], "status": n["status"],
			"actor": obj(n["actor"])["name"], "target": obj(n["target"])["name"], "evidence": evidence(n)})
	}
	return []any{map[string]any{"total": c["totalCount"], "page": page}}
}

func evidence(c map[string]any) []any {
	out := []any{}
	for _, e := range list(c["evidence"]) {
		e := obj(e)
		out = append(out, fmt.Sprintf("%s @ %s", e["quote"], obj(e["source"])["id"]))
	}
	return out
}

const listingType = `type Listing { total: Int! page: [ListedCommitment!]! }
type ListedCommitment { id: ID! kind: String! status: String! actor: String! target: String! evidence: [String!]! }`

const listingSel = `{ total page { id kind status actor target evidence } }`

// picks are the entities and values the queries ask about, chosen from
// the dataset so that every size asks comparable questions.
type picks struct {
	topActor, topTarget   string // the most commitments made / received
	midActor, midTarget   string // made / received closest to 100
	topActorN, topTargetN int
	midActorN, midTargetN int
}

func pick(ds *cg.Dataset) picks {
	made, received := map[string]int{}, map[string]int{}
	for _, c := range ds.Commitments {
		made[c.ActorID]++
		received[c.TargetID]++
	}
	top := func(m map[string]int) (string, int) {
		var best string
		for id, n := range m {
			if best == "" || n > m[best] || (n == m[best] && id < best) {
				best = id
			}
		}
		return best, m[best]
	}
	near := func(m map[string]int, want int) (string, int) {
		var best string
		dist := func(id string) int { return max(m[id]-want, want-m[id]) }
		for id := range m {
			if best == "" || dist(id) < dist(best) || (dist(id) == dist(best) && id < best) {
				best = id
			}
		}
		return best, m[best]
	}
	var p picks
	p.topActor, p.topActorN = top(made)
	p.topTarget, p.topTargetN = top(received)
	p.midActor, p.midActorN = near(made, 100)
	p.midTarget, p.midTargetN = near(received, 100)
	return p
}

// querySet is the query set over a dataset.
func querySet(ds *cg.Dataset) []query {
	p := pick(ds)
	all := commitmentTypes
	q := []query{
		{
			name: "coalition",
			api: fmt.Sprintf(`{ coalition(id: %q) { byKind { kind commitments { id actor { name } status conditions evidence { quote source { id } } } } } }`,
				p.midTarget),
			apiRows: func(data map[string]any) []any {
				out := []any{}
				for _, g := range list(obj(data["coalition"])["byKind"]) {
					g := obj(g)
					for _, c := range list(g["commitments"]) {
						c := obj(c)
						out = append(out, map[string]any{"kind": g["kind"], "id": c["id"], "actor": obj(c["actor"])["name"],
							"status": c["status"], "conditions": c["conditions"], "evidence": evidence(c)})
					}
				}
				return out
			},
			cypher: `MATCH (a:Entity)-[r:` + all + `]->(t:Entity {id: $target})
RETURN {kind: type(r), id: r.id, actor: a.name, status: r.status, conditions: coalesce(r.conditions, []), evidence: ` + evidenceList + `} AS row`,
			params:    map[string]any{"target": p.midTarget},
			peerType:  `type CoalitionCommitment { kind: String! id: ID! actor: String! status: String! conditions: [String!]! evidence: [String!]! }`,
			peerSel:   `{ kind id actor status conditions evidence }`,
			unordered: true,
		},
		{
			name:    "listing by kind",
			api:     `{ commitments(filter: {kinds: [OFFERS_TROOPS]}, first: 20) { ` + listingAPI + ` } }`,
			apiRows: listingRows,
			cypher:  listing(`(a:Entity)-[r:OFFERS_TROOPS]->(t:Entity)`, ``),
			params:  map[string]any{},
		},
		{
			name:    "listing by actor",
			api:     fmt.Sprintf(`{ commitments(filter: {actors: [%q]}, first: 20) { %s } }`, p.topActor, listingAPI),
			apiRows: listingRows,
			cypher:  listing(`(a:Entity {id: $actor})-[r:`+all+`]->(t:Entity)`, ``),
			params:  map[string]any{"actor": p.topActor},
		},
		{
			name:    "listing by target",
			api:     fmt.Sprintf(`{ commitments(filter: {targets: [%q]}, first: 20) { %s } }`, p.topTarget, listingAPI),
			apiRows: listingRows,
			cypher:  listing(`(a:Entity)-[r:`+all+`]->(t:Entity {id: $target})`, ``),
			params:  map[string]any{"target": p.topTarget},
		},
		{
			name:    "listing by source",
			api:     `{ commitments(filter: {sources: ["src-1"]}, first: 20) { ` + listingAPI + ` } }`,
			apiRows: listingRows,
			cypher: listing(`(a:Entity)-[r:`+all+`]->(t:Entity)`,
				`WHERE EXISTS { MATCH (ev:Evidence {factId: r.id}) WHERE ev.sourceId IN $sources }`),
			params: map[string]any{"sources": []string{"src-1"}},
		},
		{
			name:    "listing by date",
			api:     `{ commitments(filter: {from: "2025-03", to: "2025-03"}, first: 20) { ` + listingAPI + ` } }`,
			apiRows: listingRows,
			cypher:  listing(`(a:Entity)-[r:`+all+`]->(t:Entity)`, `WHERE r.dateEnd > date($from) AND r.dateStart < date($to)`),
			params:  map[string]any{"from": "2025-03-01", "to": "2025-04-01"},
		},
		{
			name: "entity page",
			api: fmt.Sprintf(`{ entity(id: %q) { id name kind aliases
  commitmentsMadeConnection(first: 20) { totalCount nodes { id kind status target { name } } }
  commitmentsReceivedConnection(first: 20) { totalCount nodes { id kind status actor { name } } } } }`, p.topActor),
			apiRows: func(data map[string]any) []any {
				e := obj(data["entity"])
				page := func(conn any, other string) map[string]any {
					c := obj(conn)
					rows := []any{}
					for _, n := range list(c["nodes"]) {
						n := obj(n)
						rows = append(rows, map[string]any{"id": n["id"], "kind": n["kind"], "status": n["status"], "other": obj(n[other])["name"]})
					}
					return map[string]any{"total": c["totalCount"], "page": rows}
				}
				return []any{map[string]any{"id": e["id"], "name": e["name"], "kind": e["kind"], "aliases": e["aliases"],
					"made": page(e["commitmentsMadeConnection"], "target"), "received": page(e["commitmentsReceivedConnection"], "actor")}}
			},
			cypher: `MATCH (e:Entity {id: $id})
CALL (e) { MATCH (e)-[r:` + all + `]->(:Entity) RETURN count(r) AS madeTotal }
CALL (e) { MATCH (e)-[r:` + all + `]->(t:Entity) WITH r, t ORDER BY r.date = '', r.date, r.id LIMIT 20
  RETURN collect({id: r.id, kind: type(r), status: r.status, other: t.name}) AS made }
CALL (e) { MATCH (:Entity)-[r:` + all + `]->(e) RETURN count(r) AS receivedTotal }
CALL (e) { MATCH (a:Entity)-[r:` + all + `]->(e) WITH r, a ORDER BY r.date = '', r.date, r.id LIMIT 20
  RETURN collect({id: r.id, kind: type(r), status: r.status, other: a.name}) AS received }
RETURN {id: e.id, name: e.name, kind: e.kind, aliases: coalesce(e.aliases, []),
        made: {total: madeTotal, page: made}, received: {total: receivedTotal, page: received}} AS row`,
			params: map[string]any{"id": p.topActor},
			// The peer answers it natively: its own entities query, with the
			// two connections as @cypher fields of Entity (peerTypeDefs).
			peerDoc:  fmt.Sprintf(`{ entities(where: {id: {eq: %q}}) { id name kind aliases made { total page { id kind status other } } received { total page { id kind status other } } } }`, p.topActor),
			peerRows: func(data map[string]any) []any { return list(data["entities"]) },
		},
		{
			// The first page of rows (the actors with the most
			// commitments, ties by id), as the dashboard asks for it.
			name: "matrix",
			api:  `{ matrix(first: 50) { rows { actor { id name } cells { kind status commitmentCount evidenceCount } } } }`,
			apiRows: func(data map[string]any) []any {
				out := []any{}
				for _, r := range list(obj(data["matrix"])["rows"]) {
					r := obj(r)
					a := obj(r["actor"])
					for _, c := range list(r["cells"]) {
						c := obj(c)
						out = append(out, map[string]any{"actor": a["id"], "name": a["name"], "kind": c["kind"], "status": c["status"],
							"n": c["commitmentCount"], "evidence": c["evidenceCount"]})
					}
				}
				return out
			},
			cypher: `MATCH (a:Entity)-[r:` + all + `]->(:Entity)
WITH a, type(r) AS kind, collect(DISTINCT r.status) AS statuses, count(r) AS n, sum(r.evidenceCount) AS evidence
WITH a, sum(n) AS total, collect({kind: kind, statuses: statuses, n: n, evidence: evidence}) AS cells
ORDER BY total DESC, a.id LIMIT 50
UNWIND cells AS c
RETURN {actor: a.id, name: a.name, kind: c.kind, statuses: c.statuses, n: c.n, evidence: c.evidence} AS row`,
			params:   map[string]any{},
			peerType: `type MatrixCell { actor: ID! name: String! kind: String! statuses: [String!]! n: Int! evidence: Int! }`,
			peerSel:  `{ actor name kind statuses n evidence }`,
			fixRaw: func(row map[string]any) map[string]any {
				var firmest cg.Status
				for i, s := range list(row["statuses"]) {
					if s := cg.Status(s.(string)); i == 0 || s.Firmer(firmest) {
						firmest = s
					}
				}
				out := maps(row)
				delete(out, "statuses")
				out["status"] = string(firmest)
				return out
			},
			unordered: true,
		},
		{
			name: "counts",
			api:  `{ counts { kind status count } }`,
			apiRows: func(data map[string]any) []any {
				return list(data["counts"])
			},
			cypher: `MATCH (:Entity)-[r:` + all + `]->(:Entity)
WITH type(r) AS kind, r.status AS status, count(r) AS n
RETURN {kind: kind, status: status, count: n} AS row`,
			params:    map[string]any{},
			peerType:  `type Count { kind: String! status: String! count: Int! }`,
			peerSel:   `{ kind status count }`,
			unordered: true,
		},
		{
			name: "timeline",
			api:  fmt.Sprintf(`{ timeline(filter: {actors: [%q]}) { undated commitment { id } } }`, p.midActor),
			apiRows: func(data map[string]any) []any {
				out := []any{}
				for _, e := range list(data["timeline"]) {
					e := obj(e)
					out = append(out, map[string]any{"id": obj(e["commitment"])["id"], "undated": e["undated"]})
				}
				return out
			},
			cypher: `MATCH (:Entity {id: $actor})-[r:` + all + `]->(:Entity)
WITH r ORDER BY r.dateEnd IS NULL, r.dateEnd, r.dateStart DESC, r.id
RETURN {id: r.id, undated: r.dateEnd IS NULL} AS row`,
			params:   map[string]any{"actor": p.midActor},
			peerType: `type TimelineEntry { id: ID! undated: Boolean! }`,
			peerSel:  `{ id undated }`,
		},
		{
			name: "search",
			api: `{ searchText(query: "Entity 42", first: 10) { totalCount edges { node { __typename
  ... on Entity { id name } ... on Commitment { id summary } ... on Relation { id } ... on Claim { id } } } } }`,
			apiRows: func(data map[string]any) []any {
				s := obj(data["searchText"])
				page := []any{}
				for _, e := range list(s["edges"]) {
					n := obj(obj(e)["node"])
					text := n["name"]
					if text == nil {
						text = n["summary"]
					}
					page = append(page, map[string]any{"id": n["id"], "text": text})
				}
				return []any{map[string]any{"total": s["totalCount"], "page": page}}
			},
			cypher: `CALL () {
  CALL db.index.fulltext.queryNodes('text_nodes', $q) YIELD node, score
  RETURN coalesce(node.factId, node.id) AS id, score
  UNION ALL
  CALL db.index.fulltext.queryRelationships('text_edges', $q) YIELD relationship, score
  RETURN relationship.id AS id, score
}
WITH id, max(score) AS score
ORDER BY score DESC, id
WITH collect(id) AS ids
WITH size(ids) AS total, ids[0..10] AS ids
CALL (ids) {
  UNWIND range(0, size(ids) - 1) AS i
  WITH i, ids[i] AS id
  CALL (id) {
    OPTIONAL MATCH (e:Entity {id: id})
    RETURN e.name AS text
    ` + summaryBranches() + `
  }
  WITH i, id, collect(text) AS texts ORDER BY i
  RETURN collect({id: id, text: head([x IN texts WHERE x IS NOT NULL])}) AS page
}
RETURN {total: total, page: page} AS row`,
			params: map[string]any{"q": "entity 42"},
			peerType: `type SearchPage { total: Int! page: [SearchHit!]! }
type SearchHit { id: ID! text: String }`,
			peerSel: `{ total page { id text } }`,
		},
		{
			name: "paths",
			api:  fmt.Sprintf(`{ paths(from: %q, to: %q, maxHops: 3) { nodes { id } edges { id } } }`, p.midActor, p.midTarget),
			apiRows: func(data map[string]any) []any {
				out := []any{}
				for _, p := range list(data["paths"]) {
					p := obj(p)
					var ns, es []any
					for _, n := range list(p["nodes"]) {
						ns = append(ns, obj(n)["id"])
					}
					for _, e := range list(p["edges"]) {
						es = append(es, obj(e)["id"])
					}
					out = append(out, map[string]any{"entities": ns, "edges": es})
				}
				return out
			},
			cypher: `MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
MATCH p = allShortestPaths((a)-[:` + edgeTypes + `*..3]-(b))
WITH p, [r IN relationships(p) | r.id] AS key
ORDER BY key LIMIT ` + fmt.Sprint(cg.MaxPaths) + `
RETURN {entities: [n IN nodes(p) | n.id], edges: key} AS row`,
			params:   map[string]any{"from": p.midActor, "to": p.midTarget},
			peerType: `type PathRow { entities: [ID!]! edges: [ID!]! }`,
			peerSel:  `{ entities edges }`,
		},
	}
	for i := range q {
		if strings.HasPrefix(q[i].name, "listing") {
			q[i].peerType, q[i].peerSel = listingType, listingSel
		}
	}
	return q
}

// summaryBranches looks a commitment up by id in each type's id index
// (one typed pattern each: an alternation of types has no index seek).
func summaryBranches() string {
	var b strings.Builder
	for _, k := range cg.CommitmentKinds {
		fmt.Fprintf(&b, "UNION ALL\n    MATCH ()-[r:%s {id: id}]->() RETURN r.summary AS text\n    ", k)
	}
	return b.String()
}

// field is the query's field on the peer's Query type.
func (q query) field() string {
	var b strings.Builder
	up := false
	for _, r := range q.name {
		if r == ' ' {
			up = true
			continue
		}
		if up {
			r, up = []rune(strings.ToUpper(string(r)))[0], false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// peerDocument is the peer's GraphQL document for q.
func (q query) peerDocument() string {
	if q.peerDoc != "" {
		return q.peerDoc
	}
	var args []string
	for _, k := range sortedKeys(q.params) {
		v, _ := json.Marshal(q.params[k])
		args = append(args, fmt.Sprintf("%s: %s", k, v))
	}
	call := q.field()
	if len(args) > 0 {
		call += "(" + strings.Join(args, ", ") + ")"
	}
	return "{ " + call + " " + q.peerSel + " }"
}

// peerTypeDefs are the peer's type definitions for this graph. Entities
// are nodes, which @neo4j/graphql reads natively (the entity page is its
// own `entities` query). Commitments are relationships of 14 types whose
// evidence is found by id (`Evidence.factId`), which no @relationship can
// express: those queries are root @cypher fields with the raw Cypher, as
// the library's documentation advises for what its generated API cannot
// say, so the peer's time over raw is its GraphQL layer's.
func peerTypeDefs(qs []query) string {
	var b strings.Builder
	entityPage := func(dir string) string {
		pattern := `(this)-[r:` + commitmentTypes + `]->(o:Entity)`
		if dir == "in" {
			pattern = `(o:Entity)-[r:` + commitmentTypes + `]->(this)`
		}
		return fmt.Sprintf(`"""
CALL (this) { MATCH %[1]s RETURN count(r) AS total }
CALL (this) { MATCH %[1]s WITH r, o ORDER BY r.date = '', r.date, r.id LIMIT 20
  RETURN collect({id: r.id, kind: type(r), status: r.status, other: o.name}) AS page }
RETURN {total: total, page: page} AS row
"""`, pattern)
	}
	fmt.Fprintf(&b, `type Entity @node {
  id: ID!
  name: String!
  kind: String!
  aliases: [String!]
  made: EntityPage! @cypher(statement: %s, columnName: "row")
  received: EntityPage! @cypher(statement: %s, columnName: "row")
}
type EntityPage { total: Int! page: [EntityCommitment!]! }
type EntityCommitment { id: ID! kind: String! status: String! other: String! }
`, entityPage("out"), entityPage("in"))
	seen := map[string]bool{}
	var fields []string
	for _, q := range qs {
		if q.peerDoc != "" {
			continue
		}
		if !seen[q.peerType] {
			seen[q.peerType] = true
			b.WriteString(q.peerType + "\n")
		}
		var args []string
		for _, k := range sortedKeys(q.params) {
			t := "String!"
			if _, ok := q.params[k].([]string); ok {
				t = "[String!]!"
			}
			args = append(args, k+": "+t)
		}
		sig := q.field()
		if len(args) > 0 {
			sig += "(" + strings.Join(args, ", ") + ")"
		}
		rowType := strings.Fields(q.peerType)[1]
		fields = append(fields, fmt.Sprintf("  %s: [%s!]! @cypher(statement: \"\"\"\n%s\n\"\"\", columnName: \"row\")", sig, rowType, q.cypher))
	}
	// A run of natively answered queries alone (QUERIES='^entity page$')
	// has no root field of its own: an empty type Query is a syntax error,
	// and the library makes the entities query itself.
	if len(fields) > 0 {
		b.WriteString("type Query {\n" + strings.Join(fields, "\n") + "\n}\n")
	}
	return b.String()
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// canonicalRows turns rows into comparable strings: JSON with sorted keys
// and numbers as JSON numbers (int64 from the driver, float64 from JSON).
func canonicalRows(t testing.TB, rows []any, fix func(map[string]any) map[string]any, unordered bool) []string {
	t.Helper()
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		if m, ok := r.(map[string]any); ok && fix != nil {
			r = fix(m)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("encode row: %v", err)
		}
		// Round-trip so that int64 and float64 encode alike.
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("decode row: %v", err)
		}
		b, _ = json.Marshal(v)
		out = append(out, string(b))
	}
	if unordered {
		slices.SortFunc(out, cmp.Compare)
	}
	return out
}
