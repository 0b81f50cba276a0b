package neo4j

import cg "github.com/coalitiongraph/coalitiongraph"

// An entity as Load and PutEntity write it: one row and one SET, so that a
// stored property is added here once for both.

// entityRow is the row of e that entitySet and writeEvidence read.
func entityRow(e *cg.Entity) map[string]any {
	lowerNames := cg.FoldedNames(e)
	row := map[string]any{
		"id": e.ID, "kind": string(e.Kind), "name": e.Name, "aliases": orNilList(e.Aliases), "description": orNilString(e.Description),
		"lowerName": lowerNames[0], "lowerNames": lowerNames,
		"evidence": evidenceRows(e.Evidence),
	}
	dateRow(row, e.Date)
	return row
}

// entitySet sets an entity node e's properties from its row (the label and
// the evidence are the statements' own).
const entitySet = `e.kind = row.kind, e.name = row.name, e.aliases = row.aliases, e.description = row.description,
    e.lowerName = row.lowerName, e.lowerNames = row.lowerNames,
    e.date = row.date, e.datePrecision = row.datePrecision,
    e.dateStart = date(row.dateStart), e.dateEnd = date(row.dateEnd)`
