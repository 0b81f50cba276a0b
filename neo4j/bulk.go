package neo4j

import (
	"fmt"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The graph Load writes into an empty database, as records for a bulk
// writer (neo4j/importfiles writes them as the CSV files of
// `neo4j-admin database import full`). Each record's properties come from
// the same rows Load sends (sourceRow, entityRow, relationRow,
// commitmentLoadRow, claimRow, evidenceRows) and take the values Load's
// statements give them on a first load, so that an imported graph is the
// graph Load writes: same import hashes, version 1 nodes with knownFrom,
// evidence nodes and their CITES, the ABOUT of claims. Labels and types
// come from the vocabulary only.

// BulkType is a property's type as the import tool names it.
type BulkType string

const (
	BulkString   BulkType = "string"
	BulkLong     BulkType = "long"
	BulkBoolean  BulkType = "boolean"
	BulkDate     BulkType = "date"
	BulkDateTime BulkType = "datetime"
	BulkStrings  BulkType = "string[]"
)

// BulkProp is one property of a group's records.
type BulkProp struct {
	Name string
	Type BulkType
}

// BulkGroup is one shape of record: the nodes of one label set or the
// relationships of one type, all with the same properties (absent ones
// are nil).
type BulkGroup struct {
	// Name is unique among the groups and safe in a file name.
	Name string
	// Labels are a node group's labels; Type is a relationship group's
	// type ("" for nodes).
	Labels []string
	Type   string
	// IDSpace is the space of a node group's ids; IDProp is the property
	// that holds the id, "" when the id is the record's own (evidence),
	// not stored. StartSpace and EndSpace are a relationship group's.
	IDSpace, IDProp      string
	StartSpace, EndSpace string
	Props                []BulkProp
}

// BulkRecord is one node (ID) or relationship (Start, End) of a group.
type BulkRecord struct {
	Group      *BulkGroup
	ID         string
	Start, End string
	Props      map[string]any
}

// ID spaces: a node's id is unique in its space.
const (
	spaceSource   = "Source"
	spaceEntity   = "Entity"
	spaceClaim    = "Claim"
	spaceEvidence = "Evidence"
	spaceVersion  = "CommitmentVersion"
	spaceFeed     = "ChangeFeed"
)

var (
	bulkSourceProps = bulkProps(BulkString, "id", "file", "outlet", "outletReasoning", "title", "author", "published",
		"publishedNotBefore", "publishedNotAfter", "publishedReasoning", "text", "hash").
		with("outletInferred", BulkBoolean)
	bulkEntityProps = bulkProps(BulkString, "id", "kind", "name", "description", "lowerName", "date", "datePrecision", "hash").
			with("aliases", BulkStrings).with("lowerNames", BulkStrings).
			with("dateStart", BulkDate).with("dateEnd", BulkDate)
	bulkEvidenceProps = bulkProps(BulkString, "factId", "sourceId", "quote", "attributedTo").
				with("ord", BulkLong).with("line", BulkLong)
	bulkCitesProps    = bulkProps(BulkString, "quote", "attributedTo").with("ord", BulkLong).with("line", BulkLong)
	bulkRelationProps = bulkProps(BulkString, "id", "role", "date", "datePrecision", "hash").
				with("dateStart", BulkDate).with("dateEnd", BulkDate)
	// bulkFactProps are commitmentFacts' properties.
	bulkFactProps = bulkProps(BulkString, "status", "date", "datePrecision", "dateReasoning", "statedBy", "summary").
			with("conditions", BulkStrings).with("dateStart", BulkDate).with("dateEnd", BulkDate)
	bulkCommitmentProps = append(bulkProps(BulkString, "id", "recordedBy", "reason", "hash").
				with("version", BulkLong).with("evidenceCount", BulkLong).
				with("recordedAt", BulkDateTime).with("validFrom", BulkDateTime), bulkFactProps...)
	bulkVersionProps = append(bulkProps(BulkString, "key", "commitmentId", "kind", "actor", "target", "recordedBy", "reason").
				with("version", BulkLong).with("evidenceCount", BulkLong).with("retracted", BulkBoolean).
				with("recordedAt", BulkDateTime).with("validFrom", BulkDateTime).with("knownFrom", BulkDateTime), bulkFactProps...)
	bulkClaimProps = bulkProps(BulkString, "id", "topic", "text", "position",
		"stanceActor", "stanceKind", "stanceState", "stanceDiscussedBy", "hash")
)

type propList []BulkProp

func bulkProps(t BulkType, names ...string) propList {
	out := make(propList, len(names))
	for i, n := range names {
		out[i] = BulkProp{n, t}
	}
	return out
}

func (l propList) with(name string, t BulkType) propList { return append(l, BulkProp{name, t}) }

// The fixed groups.
var (
	bulkSources  = &BulkGroup{Name: "source", Labels: []string{"Source"}, IDSpace: spaceSource, IDProp: "id", Props: bulkSourceProps}
	bulkEvidence = &BulkGroup{Name: "evidence", Labels: []string{"Evidence"}, IDSpace: spaceEvidence, Props: bulkEvidenceProps}
	bulkEvCites  = &BulkGroup{Name: "evidence-cites", Type: "CITES", StartSpace: spaceEvidence, EndSpace: spaceSource}
	bulkVersions = &BulkGroup{Name: "commitment-version", Labels: []string{"CommitmentVersion"}, IDSpace: spaceVersion, IDProp: "key", Props: bulkVersionProps}
	bulkVCites   = &BulkGroup{Name: "version-cites", Type: "CITES", StartSpace: spaceVersion, EndSpace: spaceSource, Props: bulkCitesProps}
	bulkClaims   = &BulkGroup{Name: "claim", Labels: []string{"Claim"}, IDSpace: spaceClaim, IDProp: "id", Props: bulkClaimProps}
	bulkAbout    = &BulkGroup{Name: "claim-about", Type: "ABOUT", StartSpace: spaceClaim, EndSpace: spaceEntity}
	bulkFeed     = &BulkGroup{Name: "change-feed", Labels: []string{"ChangeFeed"}, IDSpace: spaceFeed, IDProp: "id",
		Props: bulkProps(BulkString, "id").with("version", BulkLong)}

	bulkEntities    = map[cg.EntityKind]*BulkGroup{}
	bulkRelations   = map[cg.EdgeKind]*BulkGroup{}
	bulkCommitments = map[cg.EdgeKind]*BulkGroup{}

	// BulkGroups are every group, in the order their records come.
	BulkGroups []*BulkGroup
)

func init() {
	BulkGroups = append(BulkGroups, bulkFeed, bulkSources)
	for _, k := range cg.EntityKinds {
		g := &BulkGroup{Name: "entity-" + k.Label(), Labels: []string{"Entity", k.Label()}, IDSpace: spaceEntity, IDProp: "id", Props: bulkEntityProps}
		bulkEntities[k] = g
		BulkGroups = append(BulkGroups, g)
	}
	for _, k := range cg.RelationKinds {
		g := &BulkGroup{Name: "relation-" + string(k), Type: string(k), StartSpace: spaceEntity, EndSpace: spaceEntity, Props: bulkRelationProps}
		bulkRelations[k] = g
		BulkGroups = append(BulkGroups, g)
	}
	for _, k := range cg.CommitmentKinds {
		g := &BulkGroup{Name: "commitment-" + string(k), Type: string(k), StartSpace: spaceEntity, EndSpace: spaceEntity, Props: bulkCommitmentProps}
		bulkCommitments[k] = g
		BulkGroups = append(BulkGroups, g)
	}
	BulkGroups = append(BulkGroups, bulkVersions, bulkVCites, bulkClaims, bulkAbout, bulkEvidence, bulkEvCites)
}

// BulkGraph checks ds as Load does and gives emit, one at a time, every
// node and relationship a first Load of ds into an empty database writes,
// plus the feed's counter node with the graph version (now, in
// microseconds, as the counter's creation would start it). Records are
// built one item at a time: memory does not grow with the dataset beyond
// the dataset itself. An error from emit stops it and is returned as is.
func BulkGraph(ds *cg.Dataset, now time.Time, emit func(BulkRecord) error) (LoadStats, error) {
	start := time.Now()
	if ds == nil {
		ds = &cg.Dataset{}
	}
	if err := checkLoadable(ds); err != nil {
		return LoadStats{}, err
	}
	var st LoadStats
	node := func(g *BulkGroup, id string, props map[string]any) error {
		return emit(BulkRecord{Group: g, ID: id, Props: props})
	}
	rel := func(g *BulkGroup, from, to string, props map[string]any) error {
		return emit(BulkRecord{Group: g, Start: from, End: to, Props: props})
	}
	// evidence writes a fact's evidence nodes as writeEvidence creates
	// them; their ids are the fact's id and the item's place.
	evidence := func(factID string, rows []any) error {
		for _, it := range rows {
			m := it.(map[string]any)
			m["factId"] = factID
			id := fmt.Sprintf("%s#%d", factID, m["ord"])
			if err := node(bulkEvidence, id, m); err != nil {
				return err
			}
			if err := rel(bulkEvCites, id, m["sourceId"].(string), nil); err != nil {
				return err
			}
			st.Evidence++
		}
		return nil
	}

	if err := node(bulkFeed, feedID, map[string]any{"id": feedID, "version": now.UnixMicro()}); err != nil {
		return st, err
	}
	sources := make(map[string]*cg.Source, len(ds.Sources))
	for _, src := range ds.Sources {
		sources[src.ID] = src
		if err := node(bulkSources, src.ID, hashRow(sourceRow(src))); err != nil {
			return st, err
		}
		st.Sources++
	}
	for _, e := range ds.Entities {
		row := hashRow(entityRow(e))
		if err := node(bulkEntities[e.Kind], e.ID, row); err != nil {
			return st, err
		}
		if err := evidence(e.ID, row["evidence"].([]any)); err != nil {
			return st, err
		}
		st.Entities++
	}
	for _, r := range ds.Relations {
		row := hashRow(relationRow(r))
		if err := rel(bulkRelations[r.Kind], r.FromID, r.ToID, row); err != nil {
			return st, err
		}
		if err := evidence(r.ID, row["evidence"].([]any)); err != nil {
			return st, err
		}
		st.Relations++
	}
	source := func(id string) *cg.Source { return sources[id] }
	for _, c := range ds.Commitments {
		row := commitmentLoadRow(c, source)
		v := row["v"].(map[string]any)
		// As upsertCommitmentTemplate sets a first version.
		v["key"] = versionKey(c.ID, 1)
		if v["validFrom"] != nil {
			v["knownFrom"] = v["validFrom"]
		}
		live := row
		live["version"], live["recordedAt"], live["recordedBy"] = int64(1), v["recordedAt"], v["recordedBy"]
		live["reason"], live["validFrom"], live["evidenceCount"] = v["reason"], v["validFrom"], int64(len(c.Evidence))
		if err := rel(bulkCommitments[c.Kind], c.ActorID, c.TargetID, live); err != nil {
			return st, err
		}
		if err := node(bulkVersions, v["key"].(string), v); err != nil {
			return st, err
		}
		for _, it := range row["vEvidence"].([]any) {
			m := it.(map[string]any)
			if err := rel(bulkVCites, v["key"].(string), m["sourceId"].(string), m); err != nil {
				return st, err
			}
		}
		if err := evidence(c.ID, row["evidence"].([]any)); err != nil {
			return st, err
		}
		st.Commitments++
	}
	for _, c := range ds.Claims {
		row := hashRow(claimRow(c))
		if err := node(bulkClaims, c.ID, row); err != nil {
			return st, err
		}
		if err := rel(bulkAbout, c.ID, c.SubjectID, nil); err != nil {
			return st, err
		}
		if err := evidence(c.ID, row["evidence"].([]any)); err != nil {
			return st, err
		}
		st.Claims++
	}
	st.Written = st.Sources + st.Entities + st.Relations + st.Commitments + st.Claims
	st.Duration = time.Since(start)
	return st, nil
}
