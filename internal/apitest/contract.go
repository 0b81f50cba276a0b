package apitest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// Config is the handler configuration the contract checks run with: the
// defaults but a request deadline of minutes. The checks hold answers,
// not latency, and on a busy 2-core machine the first plan of a
// statement Neo4j has not seen (a per-type UNION of 28 branches) has
// taken longer than the production 10 s (a CI run at load 14 answered
// TIMEOUT to "commitments received, newest first"). The deadline itself
// is held by httpapi's and e2e's timeout tests.
func Config() httpapi.Config {
	cfg := httpapi.Defaults()
	cfg.RequestTimeout = 2 * time.Minute
	return cfg
}

// Run checks, through h, the curated dataset's facts, coalitions, the
// matrix, pagination and the answers to bad input. h must serve a store
// loaded with exactly the curated dataset (dataset.Default).
func Run(t *testing.T, h http.Handler) {
	t.Run("CuratedFacts", func(t *testing.T) { curatedFacts(t, h) })
	t.Run("Coalition", func(t *testing.T) { coalitionGroupsCommitments(t, h) })
	t.Run("Matrix", func(t *testing.T) { matrixCellsAgreeWithCommitments(t, h) })
	t.Run("MatrixPages", func(t *testing.T) { matrixPagesWalkEveryRowOnce(t, h) })
	t.Run("Disagreement", func(t *testing.T) { disagreementIsDerived(t, h) })
	t.Run("InheritedStances", func(t *testing.T) { coalitionInheritsFromWholes(t, h) })
	t.Run("Pagination", func(t *testing.T) { paginationWalksEveryCommitmentOnce(t, h) })
	t.Run("BadInput", func(t *testing.T) { badInputGetsCodeAndPath(t, h) })
	t.Run("Relay", func(t *testing.T) { relayConventions(t, h) })
	t.Run("TimeAxes", func(t *testing.T) { timeAxes(t, h) })
	t.Run("Search", func(t *testing.T) { searchFindsWhatTheArticlesSay(t, h) })
}

const commitmentsQuery = `query($actors: [ID!], $kinds: [CommitmentKind!]) {
  commitments(filter: {actors: $actors, kinds: $kinds}, first: 100) {
    totalCount
    nodes {
      id kind status conditions
      target { id }
      statedBy { id }
      evidence { quote attributedTo line source { file } }
    }
  }
}`

type commitmentNode struct {
	ID         string
	Kind       string
	Status     string
	Conditions []string
	Target     struct{ ID string }
	StatedBy   *struct{ ID string }
	Evidence   []struct {
		Quote        string
		AttributedTo *string
		Line         *int
		Source       struct{ File string }
	}
}

func (c commitmentNode) files() []string {
	var out []string
	for _, e := range c.Evidence {
		if !slices.Contains(out, e.Source.File) {
			out = append(out, e.Source.File)
		}
	}
	return out
}

const (
	art000 = "000_7a6dea6409ba7262.txt"
	art001 = "001_5551da8d7998cf34.txt"
	art002 = "002_c7c84230df0db919.txt"
	art003 = "003_f7cc6cf0b39218d2.txt"
	art004 = "004_197bfae8d1a8e2c1.txt"
)

// curatedFacts checks, through HTTP and GraphQL, the facts the
// articles state about who committed what, each with the right sources.
func curatedFacts(t *testing.T, h http.Handler) {
	tests := []struct {
		name      string
		actor     string
		kind      string
		status    string // "" = any
		target    string // "" = any
		statedBy  string // "" = not checked
		condition string // a word one of its conditions must contain
		files     []string
	}{
		{name: "Poland refuses troops", actor: "POL", kind: "REFUSES_TROOPS", status: "REFUSED", files: []string{art000}},
		{name: "Poland offers logistics", actor: "POL", kind: "OFFERS_LOGISTICS", files: []string{art000}},
		{name: "US offers air support", actor: "USA", kind: "OFFERS_AIR_SUPPORT", statedBy: "trump", files: []string{art000, art002}},
		{name: "US rules out ground troops", actor: "USA", kind: "REFUSES_TROOPS", status: "REFUSED", condition: "ground", files: []string{art000, art002}},
		{name: "Russia opposes, through Lavrov", actor: "RUS", kind: "OPPOSES", status: "STATED", statedBy: "lavrov", files: []string{art000, art001, art004}},
		{name: "Lithuania pledges troops", actor: "LTU", kind: "OFFERS_TROOPS", status: "PLEDGED", files: []string{art000}},
		{name: "Lithuania pledges equipment", actor: "LTU", kind: "OFFERS_EQUIPMENT", status: "PLEDGED", files: []string{art000}},
		{name: "Italy proposes the 24-hour mechanism", actor: "ITA", kind: "PROPOSES", target: "prop-ita-24h", statedBy: "meloni", files: []string{art000, art001, art002, art004}},
		{name: "US proposes an Article-5-type guarantee", actor: "USA", kind: "PROPOSES", target: "prop-us-art5", files: []string{art003}},
		{name: "Sweden offers surveillance", actor: "SWE", kind: "OFFERS_SURVEILLANCE", files: []string{art000}},
		{name: "Japan is considering", actor: "JPN", kind: "", status: "CONSIDERING", files: []string{art000}},
		{name: "Turkey offers a venue", actor: "TUR", kind: "OFFERS_VENUE", files: []string{art000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]any{"actors": []string{tt.actor}}
			if tt.kind != "" {
				vars["kinds"] = []string{tt.kind}
			}
			var data struct {
				Commitments struct{ Nodes []commitmentNode }
			}
			MustData(t, Post(t, h, commitmentsQuery, vars), &data)
			var match *commitmentNode
			for i, c := range data.Commitments.Nodes {
				if (tt.status == "" || c.Status == tt.status) && (tt.target == "" || c.Target.ID == tt.target) {
					match = &data.Commitments.Nodes[i]
					break
				}
			}
			if match == nil {
				t.Fatalf("no %s %s commitment with status %q target %q among %+v", tt.actor, tt.kind, tt.status, tt.target, data.Commitments.Nodes)
			}
			if tt.statedBy != "" && (match.StatedBy == nil || match.StatedBy.ID != tt.statedBy) {
				t.Errorf("stated by %+v, want %s", match.StatedBy, tt.statedBy)
			}
			if tt.condition != "" && !slices.ContainsFunc(match.Conditions, func(c string) bool { return strings.Contains(c, tt.condition) }) {
				t.Errorf("conditions %q mention no %q", match.Conditions, tt.condition)
			}
			for _, f := range tt.files {
				if !slices.Contains(match.files(), f) {
					t.Errorf("evidence from %v, missing %s", match.files(), f)
				}
			}
			for _, e := range match.Evidence {
				if e.Quote == "" || e.Line == nil || *e.Line < 1 {
					t.Errorf("evidence %+v lacks a quote or its line", e)
				}
			}
		})
	}
}

func coalitionGroupsCommitments(t *testing.T, h http.Handler) {
	var data struct {
		Coalition struct {
			Subject   struct{ ID string }
			Proposers []struct {
				Actor    struct{ ID string }
				Evidence []struct{ Source struct{ File string } }
			}
			ByKind []struct {
				Kind        string
				Commitments []struct{ Kind string }
			}
		}
	}
	MustData(t, Post(t, h, `{ coalition(id: "prop-ita-24h") {
		subject { id }
		proposers { actor { id } evidence { source { file } } }
		byKind { kind commitments { kind } }
	} }`, nil), &data)
	co := data.Coalition
	if co.Subject.ID != "prop-ita-24h" {
		t.Fatalf("subject %q", co.Subject.ID)
	}
	if !slices.ContainsFunc(co.Proposers, func(p struct {
		Actor    struct{ ID string }
		Evidence []struct{ Source struct{ File string } }
	}) bool {
		return p.Actor.ID == "ITA"
	}) {
		t.Errorf("Italy is not among the proposers: %+v", co.Proposers)
	}
	for _, g := range co.ByKind {
		for _, c := range g.Commitments {
			if c.Kind != g.Kind {
				t.Errorf("group %s holds a %s commitment", g.Kind, c.Kind)
			}
		}
	}

	resp := Post(t, h, `{ coalition(id: "no-such-thing") { subject { id } } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Code() != "NOT_FOUND" || len(resp.Errors[0].Path) == 0 {
		t.Errorf("unknown coalition subject: %+v", resp.Errors)
	}
}

func matrixCellsAgreeWithCommitments(t *testing.T, h http.Handler) {
	var data struct {
		Matrix struct {
			Kinds []string
			Rows  []struct {
				Actor struct{ ID string }
				Total int
				Cells []struct {
					Kind            string
					Status          string
					CommitmentCount int
					EvidenceCount   int
					Commitments     []struct {
						Status   string
						Evidence []struct{ Quote string }
					}
				}
			}
		}
	}
	MustData(t, Post(t, h, `{ matrix { kinds rows { actor { id } total cells { kind status commitmentCount evidenceCount commitments { status evidence { quote } } } } } }`, nil), &data)
	found := map[string]string{}
	for _, row := range data.Matrix.Rows {
		sum := 0
		for _, c := range row.Cells {
			sum += c.CommitmentCount
			if len(c.Commitments) != c.CommitmentCount {
				t.Errorf("%s/%s counts %d commitments but lists %d", row.Actor.ID, c.Kind, c.CommitmentCount, len(c.Commitments))
			}
			ev := 0
			for _, cm := range c.Commitments {
				ev += len(cm.Evidence)
			}
			if ev != c.EvidenceCount {
				t.Errorf("%s/%s evidence count %d, listed %d", row.Actor.ID, c.Kind, c.EvidenceCount, ev)
			}
			found[row.Actor.ID+"/"+c.Kind] = c.Status
		}
		if sum != row.Total {
			t.Errorf("row %s total %d, cells sum to %d", row.Actor.ID, row.Total, sum)
		}
	}
	for cell, status := range map[string]string{
		"POL/REFUSES_TROOPS": "REFUSED", "LTU/OFFERS_TROOPS": "PLEDGED", "RUS/OPPOSES": "STATED",
	} {
		if found[cell] != status {
			t.Errorf("cell %s status %q, want %q", cell, found[cell], status)
		}
	}

	// A filtered matrix lists, in its cells, only the filtered commitments.
	MustData(t, Post(t, h, `{ matrix(filter: {statuses: [REFUSED]}) { rows { actor { id } cells { kind status commitments { status } } } } }`, nil), &data)
	for _, row := range data.Matrix.Rows {
		for _, c := range row.Cells {
			for _, cm := range c.Commitments {
				if cm.Status != "REFUSED" {
					t.Errorf("REFUSED matrix cell %s/%s lists a %s commitment", row.Actor.ID, c.Kind, cm.Status)
				}
			}
		}
	}
}

func paginationWalksEveryCommitmentOnce(t *testing.T, h http.Handler) {
	for _, order := range []string{"DATE_ASC", "DATE_DESC", "ID"} {
		t.Run(order, func(t *testing.T) {
			var all struct {
				Commitments struct {
					TotalCount int
					Nodes      []struct{ ID string }
				}
			}
			MustData(t, Post(t, h, `query($o: CommitmentOrder) { commitments(orderBy: $o, first: 100) { totalCount nodes { id } } }`, map[string]any{"o": order}), &all)
			var walked []string
			after := any(nil)
			for page := 0; page < 100; page++ {
				var data struct {
					Commitments struct {
						TotalCount int
						PageInfo   struct {
							HasNextPage bool
							EndCursor   *string
						}
						Edges []struct {
							Cursor string
							Node   struct{ ID string }
						}
					}
				}
				MustData(t, Post(t, h, `query($o: CommitmentOrder, $after: String) {
					commitments(orderBy: $o, first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`,
					map[string]any{"o": order, "after": after}), &data)
				if data.Commitments.TotalCount != all.Commitments.TotalCount {
					t.Fatalf("totalCount %d on a page, %d overall", data.Commitments.TotalCount, all.Commitments.TotalCount)
				}
				for _, e := range data.Commitments.Edges {
					walked = append(walked, e.Node.ID)
				}
				if !data.Commitments.PageInfo.HasNextPage {
					break
				}
				after = *data.Commitments.PageInfo.EndCursor
			}
			var want []string
			for _, n := range all.Commitments.Nodes {
				want = append(want, n.ID)
			}
			if len(want) < 10 {
				t.Fatalf("only %d commitments; the dataset should have more", len(want))
			}
			if !slices.Equal(walked, want) {
				t.Errorf("pages gave\n%v\nwant\n%v", walked, want)
			}
		})
	}
}

func badInputGetsCodeAndPath(t *testing.T, h http.Handler) {
	deep := "{ entity(id: \"POL\") { " + strings.Repeat("commitmentsMade { actor { ", 7) + "id" + strings.Repeat(" } }", 7) + " } }"
	tests := []struct {
		name     string
		query    string
		code     string
		path     string // first path element
		field    string // extensions.field, when set
		contains string
	}{
		{name: "unknown enum value", query: `{ commitments(filter: {kinds: [SENDS_UNICORNS]}) { totalCount } }`, code: "GRAPHQL_VALIDATION_FAILED", path: "commitments"},
		{name: "first too large", query: `{ commitments(first: 100000) { totalCount } }`, code: "BAD_USER_INPUT", path: "commitments", field: "first", contains: "100000"},
		{name: "first zero", query: `{ commitments(first: 0) { totalCount } }`, code: "BAD_USER_INPUT", path: "commitments", field: "first"},
		{name: "malformed cursor", query: `{ commitments(after: "not-a-cursor") { totalCount } }`, code: "BAD_USER_INPUT", path: "commitments", field: "after"},
		{name: "matrix first too large", query: `{ matrix(first: 101) { totalCount } }`, code: "BAD_USER_INPUT", path: "matrix", field: "first", contains: "101"},
		{name: "matrix first zero", query: `{ matrix(first: 0) { totalCount } }`, code: "BAD_USER_INPUT", path: "matrix", field: "first"},
		{name: "matrix malformed cursor", query: `{ matrix(after: "not-a-cursor") { totalCount } }`, code: "BAD_USER_INPUT", path: "matrix", field: "after"},
		{name: "bad date", query: `{ commitments(filter: {from: "Aug 20"}) { totalCount } }`, code: "BAD_USER_INPUT", path: "commitments", field: "filter.from"},
		{name: "bad timeline date", query: `{ timeline(from: "2025-13") { type } }`, code: "BAD_USER_INPUT", path: "timeline", field: "from"},
		{name: "too deep", query: deep, code: "DEPTH_LIMIT_EXCEEDED", path: "entity"},
		{name: "too complex", query: `{ a: commitments(first: 100) { nodes { actor { commitmentsMade { target { commitmentsReceived { actor { name } } } } } } } }`, code: "COMPLEXITY_LIMIT_EXCEEDED", path: "a"},
		{name: "hops out of range", query: `{ paths(from: "LTU", to: "RUS", maxHops: 50) { length } }`, code: "BAD_USER_INPUT", path: "paths", field: "maxHops"},
		{name: "unknown path end", query: `{ paths(from: "LTU", to: "ATLANTIS") { length } }`, code: "NOT_FOUND", path: "paths"},
		{name: "empty search", query: `{ search(query: "  ") { id } }`, code: "BAD_USER_INPUT", path: "search", field: "query"},
		{name: "syntax error", query: `{ commitments(first: ) }`, code: "GRAPHQL_PARSE_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := Post(t, h, tt.query, nil)
			if len(resp.Errors) == 0 {
				t.Fatalf("no error; data %s", resp.Data)
			}
			e := resp.Errors[0]
			if e.Code() != tt.code {
				t.Errorf("code %q, want %q (%s)", e.Code(), tt.code, e.Message)
			}
			if tt.path != "" && (len(e.Path) == 0 || e.Path[0] != tt.path) {
				t.Errorf("path %v, want it to start at %q", e.Path, tt.path)
			}
			if tt.field != "" && e.Extensions["field"] != tt.field {
				t.Errorf("field %v, want %q", e.Extensions["field"], tt.field)
			}
			if !strings.Contains(e.Message, tt.contains) {
				t.Errorf("message %q lacks %q", e.Message, tt.contains)
			}
		})
	}
}
