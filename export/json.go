package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	cg "github.com/coalitiongraph/coalitiongraph"
)

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

// GraphJSON writes the graph f selects as node-link JSON.
func (e *Exporter) GraphJSON(ctx context.Context, f cg.CommitmentFilter, w io.Writer) error {
	return e.writeGraph(ctx, f, &jsonGraph{w: w}, w)
}
