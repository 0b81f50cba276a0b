package export

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// GraphML attributes are scalars with a declared type, which readers such
// as networkx.read_graphml convert (an "int" key comes back as an int). So
// the GraphML carries each node's and edge's scalar facts, typed, and no
// list packed into a string: the quotes, aliases, conditions and source
// files are the long tables of the tidy export (evidence, aliases, ...),
// joined on the node or edge id.
type graphMLKey struct {
	id, domain, name, typ string
	node                  func(nodeOut) string
	edge                  func(edgeOut) string
}

var graphMLKeys = []graphMLKey{
	{id: "n_label", domain: "node", name: "label", typ: "string", node: func(n nodeOut) string { return n.Label }},
	{id: "n_kind", domain: "node", name: "kind", typ: "string", node: func(n nodeOut) string { return n.Kind }},
	{id: "n_name", domain: "node", name: "name", typ: "string", node: func(n nodeOut) string { return n.Name }},
	{id: "n_description", domain: "node", name: "description", typ: "string", node: func(n nodeOut) string { return n.Description }},
	{id: "n_date", domain: "node", name: "date", typ: "string", node: func(n nodeOut) string { return n.Date }},
	{id: "n_datePrecision", domain: "node", name: "datePrecision", typ: "string", node: func(n nodeOut) string { return n.DatePrecision }},
	{id: "n_dateStart", domain: "node", name: "dateStart", typ: "string", node: func(n nodeOut) string { return n.DateStart }},
	{id: "n_dateEnd", domain: "node", name: "dateEnd", typ: "string", node: func(n nodeOut) string { return n.DateEnd }},
	{id: "n_evidenceCount", domain: "node", name: "evidenceCount", typ: "int", node: func(n nodeOut) string { return strconv.Itoa(n.EvidenceCount) }},

	{id: "e_label", domain: "edge", name: "label", typ: "string", edge: func(e edgeOut) string { return e.Label }},
	{id: "e_family", domain: "edge", name: "family", typ: "string", edge: func(e edgeOut) string { return e.Family }},
	{id: "e_kind", domain: "edge", name: "kind", typ: "string", edge: func(e edgeOut) string { return e.Kind }},
	{id: "e_status", domain: "edge", name: "status", typ: "string", edge: func(e edgeOut) string { return e.Status }},
	{id: "e_date", domain: "edge", name: "date", typ: "string", edge: func(e edgeOut) string { return e.Date }},
	{id: "e_datePrecision", domain: "edge", name: "datePrecision", typ: "string", edge: func(e edgeOut) string { return e.DatePrecision }},
	{id: "e_dateStart", domain: "edge", name: "dateStart", typ: "string", edge: func(e edgeOut) string { return e.DateStart }},
	{id: "e_dateEnd", domain: "edge", name: "dateEnd", typ: "string", edge: func(e edgeOut) string { return e.DateEnd }},
	{id: "e_statedBy", domain: "edge", name: "statedBy", typ: "string", edge: func(e edgeOut) string { return e.StatedBy }},
	{id: "e_statedByName", domain: "edge", name: "statedByName", typ: "string", edge: func(e edgeOut) string { return e.StatedByName }},
	{id: "e_summary", domain: "edge", name: "summary", typ: "string", edge: func(e edgeOut) string { return e.Summary }},
	{id: "e_role", domain: "edge", name: "role", typ: "string", edge: func(e edgeOut) string { return e.Role }},
	{id: "e_conditionCount", domain: "edge", name: "conditionCount", typ: "int", edge: func(e edgeOut) string {
		if e.Family != "commitment" {
			return ""
		}
		return strconv.Itoa(len(e.Conditions))
	}},
	{id: "e_sourceCount", domain: "edge", name: "sourceCount", typ: "int", edge: func(e edgeOut) string { return strconv.Itoa(len(e.SourceFiles)) }},
	{id: "e_evidenceCount", domain: "edge", name: "evidenceCount", typ: "int", edge: func(e edgeOut) string { return strconv.Itoa(e.EvidenceCount) }},
}

const (
	graphMLNS  = "http://graphml.graphdrawing.org/xmlns"
	xsiNS      = "http://www.w3.org/2001/XMLSchema-instance"
	graphMLXSD = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
)

type xmlKey struct {
	XMLName xml.Name `xml:"key"`
	ID      string   `xml:"id,attr"`
	For     string   `xml:"for,attr"`
	Name    string   `xml:"attr.name,attr"`
	Type    string   `xml:"attr.type,attr"`
}

type xmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type xmlNode struct {
	XMLName xml.Name  `xml:"node"`
	ID      string    `xml:"id,attr"`
	Data    []xmlData `xml:"data"`
}

type xmlEdge struct {
	XMLName xml.Name  `xml:"edge"`
	ID      string    `xml:"id,attr"`
	Source  string    `xml:"source,attr"`
	Target  string    `xml:"target,attr"`
	Data    []xmlData `xml:"data"`
}

// graphML streams one element at a time through encoding/xml, which does
// the escaping (characters XML cannot carry become U+FFFD).
type graphML struct {
	enc *xml.Encoder
}

var (
	graphMLStart = xml.StartElement{Name: xml.Name{Local: "graphml"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "xmlns"}, Value: graphMLNS},
		{Name: xml.Name{Local: "xmlns:xsi"}, Value: xsiNS},
		{Name: xml.Name{Local: "xsi:schemaLocation"}, Value: graphMLXSD},
	}}
	graphStart = xml.StartElement{Name: xml.Name{Local: "graph"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "id"}, Value: "coalitiongraph"},
		{Name: xml.Name{Local: "edgedefault"}, Value: "directed"},
	}}
)

func (g *graphML) wrap(err error) error {
	if err != nil {
		return fmt.Errorf("export: write graphml: %w", err)
	}
	return nil
}

func (g *graphML) begin() error {
	if err := g.enc.EncodeToken(xml.ProcInst{Target: "xml", Inst: []byte(`version="1.0" encoding="UTF-8"`)}); err != nil {
		return g.wrap(err)
	}
	if err := g.enc.EncodeToken(graphMLStart); err != nil {
		return g.wrap(err)
	}
	for _, k := range graphMLKeys {
		if err := g.enc.Encode(xmlKey{ID: k.id, For: k.domain, Name: k.name, Type: k.typ}); err != nil {
			return g.wrap(err)
		}
	}
	return g.wrap(g.enc.EncodeToken(graphStart))
}

// data lists the attributes that apply; "" means absent, not an empty
// string, so readers leave the attribute unset.
func data(value func(graphMLKey) string) []xmlData {
	var out []xmlData
	for _, k := range graphMLKeys {
		if v := value(k); v != "" {
			out = append(out, xmlData{Key: k.id, Value: v})
		}
	}
	return out
}

func (g *graphML) node(n nodeOut) error {
	return g.wrap(g.enc.Encode(xmlNode{ID: n.ID, Data: data(func(k graphMLKey) string {
		if k.node == nil {
			return ""
		}
		return k.node(n)
	})}))
}

func (g *graphML) edge(e edgeOut) error {
	return g.wrap(g.enc.Encode(xmlEdge{ID: e.ID, Source: e.Source, Target: e.Target, Data: data(func(k graphMLKey) string {
		if k.edge == nil {
			return ""
		}
		return k.edge(e)
	})}))
}

func (g *graphML) end() error {
	if err := g.enc.EncodeToken(graphStart.End()); err != nil {
		return g.wrap(err)
	}
	if err := g.enc.EncodeToken(graphMLStart.End()); err != nil {
		return g.wrap(err)
	}
	return g.wrap(g.enc.Close())
}

// GraphML writes the graph f selects as GraphML.
func (e *Exporter) GraphML(ctx context.Context, f cg.CommitmentFilter, w io.Writer) error {
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return e.writeGraph(ctx, f, &graphML{enc: enc}, w)
}
