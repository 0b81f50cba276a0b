package httpapi

import (
	"strings"
	"testing"

	"github.com/coalitiongraph/coalitiongraph/graph"
)

// Every list of objects either has a page size (its own complexity
// function in setComplexity) or an assumed size: otherwise it would cost
// like one object and nested lists would escape the complexity limit.
func TestEveryListHasAnAssumedSize(t *testing.T) {
	paginated := map[string]bool{"Query.commitments": true, "Query.entities": true, "Query.search": true,
		"CommitmentConnection.edges": true, "CommitmentConnection.nodes": true, "Query.nodes": true,
		"SearchConnection.edges": true, "SearchConnection.nodes": true,
		"EntityConnection.edges": true, "EntityConnection.nodes": true, "FactConnection.edges": true, "FactConnection.nodes": true,
		"VersionChangeConnection.edges": true, "VersionChangeConnection.nodes": true,
		"CommitmentMatrix.rows": true}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") || def.Kind != "OBJECT" {
			continue
		}
		for _, f := range def.Fields {
			if f.Type.Elem == nil || strings.HasPrefix(f.Name, "__") {
				continue
			}
			elem := schema.Types[f.Type.Elem.Name()]
			if elem == nil || (elem.Kind != "OBJECT" && elem.Kind != "INTERFACE" && elem.Kind != "UNION") {
				continue
			}
			key := name + "." + f.Name
			if _, ok := listSizes[key]; !ok && !paginated[key] {
				t.Errorf("%s is a list of %s with no assumed size in listSizes", key, elem.Name)
			}
		}
	}
}
