package apitest

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// relayConventions checks node(id:), nodes(ids:) and that every connection
// walks its whole listing once, forward and backward, and agrees with the
// list field it replaces.
func relayConventions(t *testing.T, h http.Handler) {
	t.Run("Node", func(t *testing.T) { nodeFindsEveryType(t, h) })
	t.Run("Connections", func(t *testing.T) { connectionsWalkTheirLists(t, h) })
	t.Run("BadWindow", func(t *testing.T) { badWindowsGetTheirField(t, h) })
	t.Run("Orders", func(t *testing.T) { rootOrdersPage(t, h) })
}

// rootOrdersPage walks the root commitments listing three at a time in the
// orders whose cursors the resolver makes from more than the commitment
// (the actor's name) or from counts, and finds the whole listing.
func rootOrdersPage(t *testing.T, h http.Handler) {
	const q = `query($o: CommitmentOrder, $first: Int, $after: String) {
  c: commitments(filter: {targets: ["UKR"]}, orderBy: $o, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`
	for _, o := range []string{"ACTOR_NAME", "EVIDENCE_COUNT_DESC", "SOURCE_COUNT_DESC"} {
		t.Run(o, func(t *testing.T) {
			get := func(vars map[string]any) connPage {
				var raw map[string]json.RawMessage
				MustData(t, Post(t, h, q, vars), &raw)
				return decodeConn(t, raw)
			}
			all := get(map[string]any{"o": o, "first": 100})
			if len(all.Edges) < 4 || all.TotalCount != len(all.Edges) {
				t.Fatalf("first 100: %d edges, totalCount %d", len(all.Edges), all.TotalCount)
			}
			var got []string
			vars := map[string]any{"o": o, "first": 3}
			for i := 0; i <= len(all.Edges); i++ {
				p := get(vars)
				got = append(got, p.ids()...)
				if !p.PageInfo.HasNextPage {
					break
				}
				vars["after"] = *p.PageInfo.EndCursor
			}
			if !slices.Equal(got, all.ids()) {
				t.Errorf("pages %v, want %v", got, all.ids())
			}
		})
	}
}

func nodeFindsEveryType(t *testing.T, h http.Handler) {
	const q = `query($ids: [ID!]!) {
  one: node(id: "POL") { __typename id ... on Entity { name } }
  nodes(ids: $ids) { __typename id ... on Commitment { kind } ... on Source { file } }
}`
	var data struct {
		One struct {
			Typename string `json:"__typename"`
			ID, Name string
		}
		Nodes []*struct {
			Typename       string `json:"__typename"`
			ID, Kind, File string
		}
	}
	ids := []string{"c-pol-refuses-troops", "src-000", "nobody", "ITA"}
	MustData(t, Post(t, h, q, map[string]any{"ids": ids}), &data)
	if data.One.Typename != "Entity" || data.One.ID != "POL" || data.One.Name != "Poland" {
		t.Errorf("node(POL) = %+v", data.One)
	}
	want := []string{"Commitment", "Source", "", "Entity"}
	if len(data.Nodes) != len(want) {
		t.Fatalf("nodes answered %d, want %d", len(data.Nodes), len(want))
	}
	for i, n := range data.Nodes {
		switch {
		case want[i] == "" && n != nil:
			t.Errorf("nodes[%d] (%s) = %+v, want null", i, ids[i], n)
		case want[i] != "" && (n == nil || n.Typename != want[i] || n.ID != ids[i]):
			t.Errorf("nodes[%d] = %+v, want a %s %s", i, n, want[i], ids[i])
		}
	}
	if data.Nodes[0] != nil && data.Nodes[0].Kind != "REFUSES_TROOPS" || data.Nodes[1] != nil && data.Nodes[1].File != art000 {
		t.Errorf("node fields: %+v %+v", data.Nodes[0], data.Nodes[1])
	}
}

// A connection's page, as every connection field answers it.
type connPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Cursor string
		Node   struct{ ID string }
	}
}

func (p connPage) ids() []string {
	var out []string
	for _, e := range p.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

func connectionsWalkTheirLists(t *testing.T, h http.Handler) {
	const page = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }`
	const nodeID = `... on Commitment { id } ... on Relation { id } ... on Claim { id }`
	for _, tc := range []struct {
		name string
		// conn selects the connection as `c` with $first, $after, $last,
		// $before; list the deprecated list it replaces as `l`, in the
		// connection's order.
		conn, list string
	}{
		{"entities", `c: entitiesConnection(kinds: [COUNTRY], first: $first, after: $after, last: $last, before: $before) { ` + page + ` }`,
			`l: entities(kinds: [COUNTRY], first: 100) { id }`},
		{"commitments made", `e: entity(id: "USA") { c: commitmentsMadeConnection(first: $first, after: $after, last: $last, before: $before) { ` + page + ` } }`,
			`le: entity(id: "USA") { l: commitmentsMade { id } }`},
		{"commitments received, newest first", `e: entity(id: "UKR") { c: commitmentsReceivedConnection(orderBy: DATE_DESC, first: $first, after: $after, last: $last, before: $before) { ` + page + ` } }`,
			`le: entity(id: "UKR") { l: commitmentsReceived { id } }`},
		{"commitments received, by actor name", `e: entity(id: "UKR") { c: commitmentsReceivedConnection(orderBy: ACTOR_NAME, first: $first, after: $after, last: $last, before: $before) { ` + page + ` } }`,
			`le: entity(id: "UKR") { l: commitmentsReceived { id } }`},
		{"commitments received, most sources first", `e: entity(id: "UKR") { c: commitmentsReceivedConnection(orderBy: SOURCE_COUNT_DESC, first: $first, after: $after, last: $last, before: $before) { ` + page + ` } }`,
			`le: entity(id: "UKR") { l: commitmentsReceived { id } }`},
		{"a source's facts", `s: source(id: "src-000") { c: facts(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ` + nodeID + ` } } } }`,
			`ls: source(id: "src-000") { commitments { id } relations { id } claims { id } }`},
		{"history", `cm: commitment(id: "c-pol-refuses-troops") { c: historyConnection(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`,
			`lc: commitment(id: "c-pol-refuses-troops") { l: history { id } }`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := `query($first: Int, $after: String, $last: Int, $before: String) { ` + tc.conn + " " + tc.list + ` }`
			get := func(vars map[string]any) (connPage, []string) {
				var raw map[string]json.RawMessage
				MustData(t, Post(t, h, q, vars), &raw)
				return decodeConn(t, raw), decodeList(t, raw)
			}
			all, want := get(map[string]any{"first": 100})
			if len(want) == 0 || all.TotalCount != len(want) || len(all.Edges) != len(want) {
				t.Fatalf("first 100: %d edges, totalCount %d; the list has %d", len(all.Edges), all.TotalCount, len(want))
			}
			// The lists are in other orders than some connections.
			if got := slices.Sorted(slices.Values(all.ids())); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Errorf("connection %v, list %v", got, want)
			}
			var fwd, back []string
			vars := map[string]any{"first": 2}
			for i := 0; ; i++ {
				p, _ := get(vars)
				fwd = append(fwd, p.ids()...)
				if p.TotalCount != all.TotalCount || p.PageInfo.HasPreviousPage != (i > 0) {
					t.Errorf("page %d: totalCount %d, hasPreviousPage %v", i, p.TotalCount, p.PageInfo.HasPreviousPage)
				}
				if !p.PageInfo.HasNextPage || i > len(want) {
					break
				}
				vars["after"] = *p.PageInfo.EndCursor
			}
			vars = map[string]any{"last": 2}
			for i := 0; ; i++ {
				p, _ := get(vars)
				back = append(p.ids(), back...)
				if !p.PageInfo.HasPreviousPage || i > len(want) {
					break
				}
				vars["before"] = *p.PageInfo.StartCursor
			}
			if !slices.Equal(fwd, all.ids()) || !slices.Equal(back, all.ids()) {
				t.Errorf("forward %v, backward %v, want %v", fwd, back, all.ids())
			}
		})
	}
}

// decodeConn finds the connection aliased c, at the top or one level down.
func decodeConn(t *testing.T, raw map[string]json.RawMessage) connPage {
	t.Helper()
	var p connPage
	if c, ok := raw["c"]; ok {
		if err := json.Unmarshal(c, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for k, v := range raw {
		if k[0] == 'l' {
			continue
		}
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(v, &inner); err != nil {
			t.Fatal(err)
		}
		return decodeConn(t, inner)
	}
	t.Fatal("no connection in the answer")
	return p
}

// decodeList collects the ids of every list under the keys starting with l.
func decodeList(t *testing.T, raw map[string]json.RawMessage) []string {
	t.Helper()
	var out []string
	for k, v := range raw {
		if k[0] != 'l' {
			continue
		}
		var items []struct{ ID string }
		if json.Unmarshal(v, &items) == nil {
			for _, it := range items {
				out = append(out, it.ID)
			}
			continue
		}
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(v, &inner); err != nil {
			t.Fatal(err)
		}
		for _, v := range inner {
			if json.Unmarshal(v, &items) == nil {
				for _, it := range items {
					out = append(out, it.ID)
				}
			}
		}
	}
	return out
}

func badWindowsGetTheirField(t *testing.T, h http.Handler) {
	for _, tc := range []struct{ args, field string }{
		{`first: 0`, "first"},
		{`last: 101`, "last"},
		{`after: "nope"`, "after"},
		{`before: "nope"`, "before"},
	} {
		resp := Post(t, h, `{ entitiesConnection(`+tc.args+`) { totalCount } }`, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" || resp.Errors[0].Extensions["field"] != tc.field {
			t.Errorf("%s: %+v, want BAD_USER_INPUT on %s", tc.args, resp.Errors, tc.field)
		}
	}
	resp := Post(t, h, `{ commitment(id: "c-pol-refuses-troops") { historyConnection(after: "`+
		`djF8SUR8fGMtcG9s") { totalCount } } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["field"] != "after" {
		t.Errorf("a history page after an id cursor: %+v, want BAD_USER_INPUT on after", resp.Errors)
	}
}
