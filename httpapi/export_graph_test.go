package httpapi_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

type jsonEvidence struct {
	SourceID     string `json:"sourceId"`
	File         string `json:"file"`
	Quote        string `json:"quote"`
	AttributedTo string `json:"attributedTo"`
	Line         int    `json:"line"`
}

type jsonNode struct {
	ID       string         `json:"id"`
	Kind     string         `json:"kind"`
	Name     string         `json:"name"`
	Aliases  []string       `json:"aliases"`
	Date     string         `json:"date"`
	Evidence []jsonEvidence `json:"evidence"`
}

type jsonEdge struct {
	ID            string         `json:"id"`
	Key           string         `json:"key"`
	Source        string         `json:"source"`
	Target        string         `json:"target"`
	Family        string         `json:"family"`
	Kind          string         `json:"kind"`
	Status        string         `json:"status"`
	Date          string         `json:"date"`
	StatedBy      string         `json:"statedBy"`
	Conditions    []string       `json:"conditions"`
	Role          string         `json:"role"`
	Evidence      []jsonEvidence `json:"evidence"`
	EvidenceCount int            `json:"evidenceCount"`
}

type jsonGraph struct {
	Directed   bool       `json:"directed"`
	Multigraph bool       `json:"multigraph"`
	Nodes      []jsonNode `json:"nodes"`
	Edges      []jsonEdge `json:"edges"`
}

func exportJSON(t *testing.T, h http.Handler, query string) jsonGraph {
	t.Helper()
	rec := get(t, h, "/export/graph.json?"+query)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	var g jsonGraph
	if err := json.Unmarshal(rec.Body.Bytes(), &g); err != nil {
		t.Fatalf("parse json: %v", err)
	}
	return g
}

func TestExportGraphJSON(t *testing.T) {
	ds := seedDataset(t)
	h := newHandler(seedStore(t))
	g := exportJSON(t, h, "")
	if !g.Directed || !g.Multigraph {
		t.Errorf("directed %v multigraph %v", g.Directed, g.Multigraph)
	}
	if len(g.Nodes) != len(ds.Entities) || len(g.Edges) != len(ds.Commitments)+len(ds.Relations) {
		t.Fatalf("%d nodes, %d edges; want %d and %d", len(g.Nodes), len(g.Edges), len(ds.Entities), len(ds.Commitments)+len(ds.Relations))
	}
	nodes := map[string]jsonNode{}
	for _, n := range g.Nodes {
		nodes[n.ID] = n
	}
	for _, e := range g.Edges {
		if _, ok := nodes[e.Source]; !ok {
			t.Errorf("edge %s from unknown node %s", e.ID, e.Source)
		}
		if _, ok := nodes[e.Target]; !ok {
			t.Errorf("edge %s to unknown node %s", e.ID, e.Target)
		}
		if e.Key != e.ID || len(e.Evidence) == 0 || e.EvidenceCount != len(e.Evidence) {
			t.Errorf("edge %+v", e)
		}
		for _, ev := range e.Evidence {
			if ev.SourceID == "" || ev.File == "" || ev.Quote == "" || ev.Line < 1 {
				t.Errorf("edge %s evidence %+v", e.ID, ev)
			}
		}
	}
	if n := nodes["POL"]; n.Name != "Poland" || n.Kind != "COUNTRY" {
		t.Errorf("POL node %+v", n)
	}
	if n := nodes["prop-ita-24h"]; len(n.Evidence) == 0 || n.Date == "" {
		t.Errorf("proposal node lacks its evidence or date: %+v", n)
	}
	i := slices.IndexFunc(g.Edges, func(e jsonEdge) bool { return e.ID == "c-pol-refuses-troops" })
	if i < 0 {
		t.Fatal("no c-pol-refuses-troops edge")
	}
	pol := g.Edges[i]
	wantEv := jsonEvidence{SourceID: "src-000", File: "000_7a6dea6409ba7262.txt",
		Quote: "Poland clarified it will not send forces into Ukraine"}
	if pol.Source != "POL" || pol.Target != "UKR" || pol.Kind != "REFUSES_TROOPS" || pol.Status != "REFUSED" ||
		pol.Family != "commitment" || len(pol.Evidence) != 1 || pol.Evidence[0].Line < 1 {
		t.Errorf("c-pol-refuses-troops %+v", pol)
	} else if ev := pol.Evidence[0]; ev.SourceID != wantEv.SourceID || ev.File != wantEv.File || ev.Quote != wantEv.Quote {
		t.Errorf("evidence %+v, want %+v", ev, wantEv)
	}
}

// A filtered graph holds the selected commitments, the entities they
// involve and the relations among those entities, nothing else.
func TestExportGraphFiltered(t *testing.T) {
	h := newHandler(seedStore(t))
	g := exportJSON(t, h, "kind=REFUSES_TROOPS")
	var ids []string
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}
	slices.Sort(ids)
	if want := []string{"POL", "UKR", "USA", "trump"}; !slices.Equal(ids, want) {
		t.Errorf("nodes %v, want %v (actors, target, the person who stated it)", ids, want)
	}
	var rels, commitments int
	for _, e := range g.Edges {
		switch e.Family {
		case "commitment":
			commitments++
			if e.Kind != "REFUSES_TROOPS" {
				t.Errorf("edge %s of kind %s", e.ID, e.Kind)
			}
		case "relation":
			rels++
			if !slices.Contains(ids, e.Source) || !slices.Contains(ids, e.Target) {
				t.Errorf("relation %s leaves the selection", e.ID)
			}
		}
	}
	if commitments != 2 || rels == 0 {
		t.Errorf("%d commitments, %d relations; want 2 and Trump's office", commitments, rels)
	}

	// A filter that selects nothing gives an empty but valid graph.
	g = exportJSON(t, h, "actor=nobody")
	if len(g.Nodes) != 0 || len(g.Edges) != 0 {
		t.Errorf("empty selection: %d nodes, %d edges", len(g.Nodes), len(g.Edges))
	}
	if rows := exportCSV(t, h, "actor=nobody"); len(rows) != 0 {
		t.Errorf("empty selection: %d csv rows", len(rows))
	}
}

type graphMLDoc struct {
	XMLName xml.Name `xml:"graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string        `xml:"edgedefault,attr"`
		Nodes       []graphMLItem `xml:"node"`
		Edges       []graphMLItem `xml:"edge"`
	} `xml:"graph"`
}

type graphMLItem struct {
	ID     string `xml:"id,attr"`
	Source string `xml:"source,attr"`
	Target string `xml:"target,attr"`
	Data   []struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	} `xml:"data"`
}

func (it graphMLItem) attrs(keyNames map[string]string) map[string]string {
	out := map[string]string{}
	for _, d := range it.Data {
		out[keyNames[d.Key]] = d.Value
	}
	return out
}

func TestExportGraphML(t *testing.T) {
	ds := seedDataset(t)
	h := newHandler(seedStore(t))
	rec := get(t, h, "/export/graph.graphml")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/graphml+xml") {
		t.Errorf("Content-Type %q", ct)
	}
	var doc graphMLDoc
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("parse graphml: %v", err)
	}
	if doc.XMLName.Space != "http://graphml.graphdrawing.org/xmlns" || doc.Graph.EdgeDefault != "directed" {
		t.Errorf("namespace %q, edgedefault %q", doc.XMLName.Space, doc.Graph.EdgeDefault)
	}
	keys := map[string]string{} // id → for
	names := map[string]string{}
	for _, k := range doc.Keys {
		if _, dup := keys[k.ID]; dup {
			t.Errorf("key %s declared twice", k.ID)
		}
		keys[k.ID], names[k.ID] = k.For, k.Name
		if k.Type != "string" && k.Type != "int" {
			t.Errorf("key %s has type %q", k.ID, k.Type)
		}
	}
	check := func(kind string, items []graphMLItem) {
		for _, it := range items {
			for _, d := range it.Data {
				if keys[d.Key] != kind {
					t.Errorf("%s %s uses key %s, declared for %q", kind, it.ID, d.Key, keys[d.Key])
				}
			}
		}
	}
	check("node", doc.Graph.Nodes)
	check("edge", doc.Graph.Edges)
	if len(doc.Graph.Nodes) != len(ds.Entities) || len(doc.Graph.Edges) != len(ds.Commitments)+len(ds.Relations) {
		t.Fatalf("%d nodes, %d edges", len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	i := slices.IndexFunc(doc.Graph.Edges, func(e graphMLItem) bool { return e.ID == "c-pol-refuses-troops" })
	if i < 0 {
		t.Fatal("no c-pol-refuses-troops edge")
	}
	pol := doc.Graph.Edges[i]
	a := pol.attrs(names)
	if pol.Source != "POL" || pol.Target != "UKR" || a["kind"] != "REFUSES_TROOPS" || a["status"] != "REFUSED" || a["evidenceCount"] != "1" {
		t.Errorf("c-pol-refuses-troops %+v %v", pol, a)
	}
	// Attributes are typed scalars: no list is packed into a JSON string
	// (the quotes are the tidy export's evidence table), and each count
	// is a declared int.
	types := map[string]string{}
	for _, k := range doc.Keys {
		types[k.Name] = k.Type
	}
	for _, name := range []string{"evidence", "aliases", "conditions", "sourceFiles"} {
		if _, ok := types[name]; ok {
			t.Errorf("GraphML still declares the list attribute %q", name)
		}
	}
	if types["evidenceCount"] != "int" {
		t.Errorf("evidenceCount has type %q, want int", types["evidenceCount"])
	}
	// Every commitment's summary comes back intact through XML escaping.
	want := map[string]*cg.Commitment{}
	for _, c := range ds.Commitments {
		want[c.ID] = c
	}
	for _, e := range doc.Graph.Edges {
		c, ok := want[e.ID]
		if !ok {
			continue
		}
		got := e.attrs(names)
		if got["summary"] != c.Summary || got["evidenceCount"] != fmt.Sprint(len(c.Evidence)) {
			t.Errorf("%s: summary %q evidenceCount %s; want %q and %d", e.ID, got["summary"], got["evidenceCount"], c.Summary, len(c.Evidence))
		}
		if c.Date.Known() && (got["dateStart"] == "" || got["dateEnd"] < got["dateStart"]) {
			t.Errorf("%s: dates %q..%q for %s", e.ID, got["dateStart"], got["dateEnd"], c.Date)
		}
	}
}
