package export

import (
	"context"
	"fmt"
	"io"
	"slices"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// evidenceOut is one item of evidence as the graph exports write it.
type evidenceOut struct {
	SourceID     string `json:"sourceId"`
	File         string `json:"file"`
	Quote        string `json:"quote"`
	AttributedTo string `json:"attributedTo"`
	Line         int    `json:"line"`
}

// nodeOut is an entity as a node; its field names are the attribute names
// of both graph exports.
type nodeOut struct {
	ID            string        `json:"id"`
	Label         string        `json:"label"`
	Kind          string        `json:"kind"`
	Name          string        `json:"name"`
	Aliases       []string      `json:"aliases"`
	Description   string        `json:"description"`
	Date          string        `json:"date"`
	DatePrecision string        `json:"datePrecision"`
	DateStart     string        `json:"dateStart"`
	DateEnd       string        `json:"dateEnd"`
	Evidence      []evidenceOut `json:"evidence"`
	EvidenceCount int           `json:"evidenceCount"`
}

// edgeOut is a commitment or a relation as an edge. Key is the edge id,
// which networkx uses to tell parallel edges of a multigraph apart.
type edgeOut struct {
	ID            string        `json:"id"`
	Key           string        `json:"key"`
	Source        string        `json:"source"`
	Target        string        `json:"target"`
	Label         string        `json:"label"`
	Family        string        `json:"family"` // "commitment" or "relation"
	Kind          string        `json:"kind"`
	Status        string        `json:"status,omitempty"`
	Date          string        `json:"date"`
	DatePrecision string        `json:"datePrecision"`
	DateStart     string        `json:"dateStart"`
	DateEnd       string        `json:"dateEnd"`
	StatedBy      string        `json:"statedBy,omitempty"`
	StatedByName  string        `json:"statedByName,omitempty"`
	Conditions    []string      `json:"conditions,omitempty"`
	Summary       string        `json:"summary,omitempty"`
	Role          string        `json:"role,omitempty"`
	SourceFiles   []string      `json:"sourceFiles"`
	Evidence      []evidenceOut `json:"evidence"`
	EvidenceCount int           `json:"evidenceCount"`
}

func (n *names) evidence(ev []cg.Evidence) []evidenceOut {
	out := make([]evidenceOut, len(ev))
	for i, e := range ev {
		out[i] = evidenceOut{SourceID: e.SourceID, File: n.sourceFile(e.SourceID), Quote: e.Quote,
			AttributedTo: e.AttributedTo, Line: e.Line}
	}
	return out
}

func (n *names) node(ent *cg.Entity) nodeOut {
	return nodeOut{
		ID: ent.ID, Label: ent.Name, Kind: string(ent.Kind), Name: ent.Name, Aliases: nonNilStrings(ent.Aliases),
		Description: ent.Description, Date: ent.Date.String(), DatePrecision: string(ent.Date.Precision()),
		DateStart: dateStart(ent.Date), DateEnd: dateEnd(ent.Date),
		Evidence: n.evidence(ent.Evidence), EvidenceCount: len(ent.Evidence),
	}
}

func (n *names) commitmentEdge(c *cg.Commitment) edgeOut {
	return edgeOut{
		ID: c.ID, Key: c.ID, Source: c.ActorID, Target: c.TargetID, Label: string(c.Kind), Family: "commitment",
		Kind: string(c.Kind), Status: string(c.Status), Date: c.Date.String(), DatePrecision: string(c.Date.Precision()),
		DateStart: dateStart(c.Date), DateEnd: dateEnd(c.Date),
		StatedBy: c.StatedByID, StatedByName: n.entityName(c.StatedByID), Conditions: nonNilStrings(c.Conditions),
		Summary: c.Summary, SourceFiles: n.sourceFiles(c.Evidence), Evidence: n.evidence(c.Evidence),
		EvidenceCount: len(c.Evidence),
	}
}

func (n *names) relationEdge(r *cg.Relation) edgeOut {
	return edgeOut{
		ID: r.ID, Key: r.ID, Source: r.FromID, Target: r.ToID, Label: string(r.Kind), Family: "relation",
		Kind: string(r.Kind), Date: r.Date.String(), DatePrecision: string(r.Date.Precision()),
		DateStart: dateStart(r.Date), DateEnd: dateEnd(r.Date), Role: r.Role,
		SourceFiles: n.sourceFiles(r.Evidence), Evidence: n.evidence(r.Evidence), EvidenceCount: len(r.Evidence),
	}
}

// graphWriter writes one graph format.
type graphWriter interface {
	begin() error
	node(nodeOut) error
	edge(edgeOut) error
	end() error
}

// writeGraph streams the graph f selects to gw. Without a filter that is
// every entity, commitment and relation. With one, it is the selected
// commitments, the entities they involve (actor, target and the person who
// stated them) and the relations among those entities; the commitments are
// then read twice, first for their entities only, so that nodes can be
// written before edges as graph tools expect.
func (e *Exporter) writeGraph(ctx context.Context, f cg.CommitmentFilter, gw graphWriter, w io.Writer) error {
	n := e.newNames()
	var nodes []*cg.Entity
	var keep map[string]bool // nil: every entity
	if FilterIsEmpty(f) {
		err := e.call(ctx, func(ctx context.Context) (err error) {
			nodes, err = e.Store.Entities(ctx, cg.EntityFilter{})
			return err
		})
		if err != nil {
			return fmt.Errorf("export: list entities: %w", err)
		}
		n.addEntities(nodes)
	} else {
		keep = map[string]bool{}
		err := e.eachPage(ctx, f, func(cs []*cg.Commitment) error {
			for _, c := range cs {
				for _, id := range []string{c.ActorID, c.TargetID, c.StatedByID} {
					if id != "" {
						keep[id] = true
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(keep) > 0 {
			ids := make([]string, 0, len(keep))
			for id := range keep {
				ids = append(ids, id)
			}
			if err := n.fetch(ctx, ids, nil); err != nil {
				return err
			}
			for _, id := range uniqSorted(ids) {
				if ent, ok := n.entities[id]; ok {
					nodes = append(nodes, ent)
				}
			}
		}
	}
	var rels []*cg.Relation
	if keep == nil || len(keep) > 0 {
		rf := cg.RelationFilter{}
		if keep != nil {
			for id := range keep {
				rf.EntityIDs = append(rf.EntityIDs, id)
			}
			slices.Sort(rf.EntityIDs)
		}
		err := e.call(ctx, func(ctx context.Context) (err error) {
			rels, err = e.Store.Relations(ctx, rf)
			return err
		})
		if err != nil {
			return fmt.Errorf("export: list relations: %w", err)
		}
		if keep != nil {
			rels = slices.DeleteFunc(rels, func(r *cg.Relation) bool { return !keep[r.FromID] || !keep[r.ToID] })
		}
	}
	var srcs []string
	for _, ent := range nodes {
		srcs = n.missingSources(srcs, ent.Evidence)
	}
	for _, r := range rels {
		srcs = n.missingSources(srcs, r.Evidence)
	}
	if err := n.fetch(ctx, nil, srcs); err != nil {
		return err
	}

	// The first page of commitments is read before anything is written, so
	// that a store failing now gets an error status, not a truncated file.
	p := e.pages(f)
	first, _, err := p.next(ctx)
	if err != nil {
		return err
	}
	if err := n.load(ctx, first); err != nil {
		return err
	}

	if err := gw.begin(); err != nil {
		return err
	}
	for _, ent := range nodes {
		if err := gw.node(n.node(ent)); err != nil {
			return err
		}
	}
	for _, r := range rels {
		if err := gw.edge(n.relationEdge(r)); err != nil {
			return err
		}
	}
	for cs := first; ; {
		for _, c := range cs {
			if err := gw.edge(n.commitmentEdge(c)); err != nil {
				return err
			}
		}
		flush(w)
		var ok bool
		if cs, ok, err = p.next(ctx); err != nil {
			return err
		} else if !ok {
			break
		}
		if err := n.load(ctx, cs); err != nil {
			return err
		}
	}
	return gw.end()
}
