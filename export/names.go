package export

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// names resolves entity and source ids for the rows being written, asking
// the store only for ids it has not seen, once per page. It holds at most
// every entity and source, never the commitments.
type names struct {
	e        *Exporter
	entities map[string]*cg.Entity
	sources  map[string]*cg.Source
}

func (e *Exporter) newNames() *names {
	return &names{e: e, entities: map[string]*cg.Entity{}, sources: map[string]*cg.Source{}}
}

func (n *names) addEntities(es []*cg.Entity) {
	for _, ent := range es {
		n.entities[ent.ID] = ent
	}
}

// load fetches the entities and sources that cs refer to.
func (n *names) load(ctx context.Context, cs []*cg.Commitment) error {
	var ents, srcs []string
	for _, c := range cs {
		for _, id := range []string{c.ActorID, c.TargetID, c.StatedByID} {
			if _, ok := n.entities[id]; id != "" && !ok {
				ents = append(ents, id)
			}
		}
		srcs = n.missingSources(srcs, c.Evidence)
	}
	return n.fetch(ctx, ents, srcs)
}

func (n *names) missingSources(ids []string, ev []cg.Evidence) []string {
	for _, e := range ev {
		if _, ok := n.sources[e.SourceID]; !ok {
			ids = append(ids, e.SourceID)
		}
	}
	return ids
}

func (n *names) fetch(ctx context.Context, ents, srcs []string) error {
	if len(ents) > 0 {
		ents = uniqSorted(ents)
		err := n.e.call(ctx, func(ctx context.Context) error {
			es, err := n.e.Store.Entities(ctx, cg.EntityFilter{IDs: ents})
			n.addEntities(es)
			return err
		})
		if err != nil {
			return fmt.Errorf("export: load entities: %w", err)
		}
	}
	if len(srcs) > 0 {
		srcs = uniqSorted(srcs)
		err := n.e.call(ctx, func(ctx context.Context) error {
			ss, err := n.e.Store.Sources(ctx, srcs)
			for _, s := range ss {
				n.sources[s.ID] = s
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("export: load sources: %w", err)
		}
	}
	return nil
}

func (n *names) entityName(id string) string {
	if ent, ok := n.entities[id]; ok {
		return ent.Name
	}
	return ""
}

func (n *names) sourceFile(id string) string {
	if s, ok := n.sources[id]; ok {
		return s.File
	}
	return ""
}

// sourceFiles lists the distinct files of the evidence, in source id order
// as the API's Commitment.sources does.
func (n *names) sourceFiles(ev []cg.Evidence) []string {
	ids := make([]string, 0, len(ev))
	for _, e := range ev {
		ids = append(ids, e.SourceID)
	}
	ids = uniqSorted(ids)
	files := make([]string, 0, len(ids))
	for _, id := range ids {
		if f := n.sourceFile(id); f != "" {
			files = append(files, f)
		}
	}
	return files
}
