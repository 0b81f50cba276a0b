package export

// The tidy dataset: one table per kind of fact, one column per concept,
// lists as long tables (a row per alias, condition or quote) rather than
// strings to split. Column names are the GraphQL fields in snake_case
// (actor, target, stated_by, attributed_to); a column naming an entity or
// source holds its id. A date is three columns: date_start and date_end,
// the first and last day it may mean, and date_precision, so that "2025-08"
// loads as a date in pandas and Arrow and is not mistaken for 1 August.
//
// Tables is the one description of the tables: the CSV and Parquet writers,
// datapackage.json and docs/codebook.md are all made from it.

import (
	"context"
	"fmt"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Field types, as Frictionless Table Schema names them.
const (
	TypeString   = "string"
	TypeInteger  = "integer"
	TypeBoolean  = "boolean"
	TypeDate     = "date"
	TypeDateTime = "datetime"
)

// Field is one column.
type Field struct {
	Name        string
	Type        string
	Description string
	// Required columns are never empty (null).
	Required bool
	// Enum lists the values the column may hold, when it is a vocabulary.
	Enum []string
}

// ForeignKey ties columns to another table's primary key.
type ForeignKey struct {
	Fields   []string
	Resource string
	Keys     []string
}

// Table is one table of the tidy export.
type Table struct {
	Name        string
	Description string
	Fields      []Field
	PrimaryKey  []string
	ForeignKeys []ForeignKey
	// FollowsFilter says whether the export's filters and asOf select its
	// rows; the other tables are the reference data, always whole.
	FollowsFilter bool
}

// A cell is a string, an int, a bool, a time.Time (date or datetime, by
// the field's type) or nil for an empty cell.
type row []any

func dateFields(prefix, what string) []Field {
	return []Field{
		{Name: prefix + "_start", Type: TypeDate, Description: "First day " + what + " may denote (the 1st of the month or of January for a month or a year); empty when unknown."},
		{Name: prefix + "_end", Type: TypeDate, Description: "Last day " + what + " may denote, inclusive; equal to " + prefix + "_start for a day."},
		{Name: prefix + "_precision", Type: TypeString, Required: true, Enum: precisions(),
			Description: "How exactly the sources give " + what + ": DAY, MONTH, YEAR or UNKNOWN."},
	}
}

func precisions() []string {
	return []string{string(cg.PrecisionDay), string(cg.PrecisionMonth), string(cg.PrecisionYear), string(cg.PrecisionUnknown)}
}

func commitmentKinds() []string {
	out := make([]string, len(cg.CommitmentKinds))
	for i, k := range cg.CommitmentKinds {
		out[i] = string(k)
	}
	return out
}

func stanceStates() []string {
	out := make([]string, len(cg.StanceStates))
	for i, s := range cg.StanceStates {
		out[i] = string(s)
	}
	return out
}

func concat(parts ...[]Field) []Field {
	var out []Field
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func commitmentFields(key string) []Field {
	return concat(
		[]Field{
			{Name: key, Type: TypeString, Required: true, Description: "Commitment id."},
			{Name: "kind", Type: TypeString, Required: true, Description: "What the actor does towards the target (CommitmentKind)."},
			{Name: "actor", Type: TypeString, Required: true, Description: "Entity id of the actor (entities.id)."},
			{Name: "target", Type: TypeString, Required: true, Description: "Entity id of what the commitment is aimed at (entities.id)."},
			{Name: "status", Type: TypeString, Required: true, Description: "Where the commitment stands (Status)."},
		},
		dateFields("date", "the commitment's date"),
		[]Field{
			{Name: "date_reasoning", Type: TypeString, Description: "Set when the date is inferred from other sentences rather than stated: how."},
			{Name: "stated_by", Type: TypeString, Description: "Entity id of the person who stated it, where a source names one."},
			{Name: "summary", Type: TypeString, Description: "One-sentence summary in the curators' words."},
			{Name: "evidence_count", Type: TypeInteger, Required: true, Description: "Number of quotes supporting it (rows in evidence)."},
			{Name: "version", Type: TypeInteger, Required: true, Description: "Version number, from 1 (a curated fact)."},
			{Name: "recorded_at", Type: TypeDateTime, Description: "When this version was recorded; empty for curated facts."},
			{Name: "recorded_by", Type: TypeString, Description: "API key name that recorded this version; empty for curated facts."},
			{Name: "reason", Type: TypeString, Description: "Why this version was recorded."},
			{Name: "valid_from", Type: TypeDateTime, Description: "When this written version took effect, as its writer states it (by default when recorded); empty for curated facts."},
			{Name: "known_from", Type: TypeDateTime, Description: "When this version counts as known for asOf reads (knowledge time): a curated fact from the end of the latest day its earliest source may have been published, a written version from valid_from; empty when known at no past instant (no source is bounded above)."},
			{Name: "reported_by", Type: TypeString, Description: "The source that reported it first, as far as the sources' dates tell (sources.id); empty when none is dated or bounded above."},
			{Name: "reported_start", Type: TypeDate, Description: "First day reported_by may have been published: its stated date, or the lower bound inferred from its text."},
			{Name: "reported_end", Type: TypeDate, Description: "Last day reported_by may have been published, inclusive."},
			{Name: "retracted", Type: TypeBoolean, Required: true, Description: "True for a version that withdrew the record itself."},
		})
}

// Tables describes every table, in the order the package lists them.
var Tables = []Table{
	{Name: "commitments", Description: "One row per commitment as of the export's asOf: who offers, refuses or opposes what.",
		Fields: commitmentFields("id"), PrimaryKey: []string{"id"}, FollowsFilter: true,
		ForeignKeys: []ForeignKey{{[]string{"actor"}, "entities", []string{"id"}}, {[]string{"target"}, "entities", []string{"id"}}}},
	{Name: "commitment_conditions", Description: "One row per condition qualifying a commitment (\"within 24 hours\").",
		Fields: []Field{
			{Name: "commitment", Type: TypeString, Required: true, Description: "Commitment id (commitments.id)."},
			{Name: "position", Type: TypeInteger, Required: true, Description: "1-based order of the condition."},
			{Name: "condition", Type: TypeString, Required: true, Description: "The condition, in the curators' words."},
		}, PrimaryKey: []string{"commitment", "position"}, FollowsFilter: true,
		ForeignKeys: []ForeignKey{{[]string{"commitment"}, "commitments", []string{"id"}}}},
	{Name: "evidence", Description: "One row per quote supporting a fact (a commitment, entity, relation or claim).",
		Fields: []Field{
			{Name: "fact_type", Type: TypeString, Required: true, Enum: []string{"commitment", "entity", "relation", "claim"}, Description: "Which table the fact is in."},
			{Name: "fact", Type: TypeString, Required: true, Description: "Id of the fact in that table."},
			{Name: "position", Type: TypeInteger, Required: true, Description: "1-based order of the quote among the fact's evidence."},
			{Name: "source", Type: TypeString, Required: true, Description: "Source id (sources.id)."},
			{Name: "quote", Type: TypeString, Required: true, Description: "Verbatim text of the source."},
			{Name: "attributed_to", Type: TypeString, Description: "Whom the article credits; empty when it says it itself."},
			{Name: "line", Type: TypeInteger, Description: "1-based line of the source file where the quote starts."},
		}, PrimaryKey: []string{"fact_type", "fact", "position"}, FollowsFilter: true,
		ForeignKeys: []ForeignKey{{[]string{"source"}, "sources", []string{"id"}}}},
	{Name: "entities", Description: "One row per entity: countries, organisations, people, proposals, events, agreements.",
		Fields: concat([]Field{
			{Name: "id", Type: TypeString, Required: true, Description: "Entity id."},
			{Name: "kind", Type: TypeString, Required: true, Description: "EntityKind."},
			{Name: "name", Type: TypeString, Required: true, Description: "Display name."},
			{Name: "description", Type: TypeString, Description: "Short description in the curators' words."},
		}, dateFields("date", "the entity's date (an event, signature or first proposal)"), []Field{
			{Name: "evidence_count", Type: TypeInteger, Required: true, Description: "Number of quotes about the entity itself."},
		}), PrimaryKey: []string{"id"}},
	{Name: "entity_aliases", Description: "One row per other name of an entity.",
		Fields: []Field{
			{Name: "entity", Type: TypeString, Required: true, Description: "Entity id (entities.id)."},
			{Name: "position", Type: TypeInteger, Required: true, Description: "1-based order of the alias."},
			{Name: "alias", Type: TypeString, Required: true, Description: "The other name."},
		}, PrimaryKey: []string{"entity", "position"},
		ForeignKeys: []ForeignKey{{[]string{"entity"}, "entities", []string{"id"}}}},
	{Name: "relations", Description: "One row per structural edge: an office held, a membership, a participation, a signature.",
		Fields: concat([]Field{
			{Name: "id", Type: TypeString, Required: true, Description: "Relation id."},
			{Name: "kind", Type: TypeString, Required: true, Description: "RelationKind."},
			{Name: "from", Type: TypeString, Required: true, Description: "Entity id the relation goes from (entities.id)."},
			{Name: "to", Type: TypeString, Required: true, Description: "Entity id the relation goes to (entities.id)."},
			{Name: "role", Type: TypeString, Description: "The office held or the part played."},
		}, dateFields("date", "the relation's date"), []Field{
			{Name: "evidence_count", Type: TypeInteger, Required: true, Description: "Number of quotes supporting it."},
		}), PrimaryKey: []string{"id"},
		ForeignKeys: []ForeignKey{{[]string{"from"}, "entities", []string{"id"}}, {[]string{"to"}, "entities", []string{"id"}}}},
	{Name: "sources", Description: "One row per source article.",
		Fields: concat([]Field{
			{Name: "id", Type: TypeString, Required: true, Description: "Source id."},
			{Name: "file", Type: TypeString, Required: true, Description: "File name of the article in the seeds directory."},
			{Name: "outlet", Type: TypeString, Description: "Publisher, where the article states it, or inferred from it (outlet_inferred)."},
			{Name: "outlet_inferred", Type: TypeBoolean, Required: true, Description: "True when the outlet is inferred from the text, not stated."},
			{Name: "outlet_reasoning", Type: TypeString, Description: "Why the outlet is inferred."},
			{Name: "title", Type: TypeString, Description: "Headline."},
			{Name: "author", Type: TypeString, Description: "Author, as the article names them."},
		}, dateFields("published", "the publication date the article states"), []Field{
			{Name: "published_not_before", Type: TypeDate, Description: "Where no date is stated: the first day the article may have been published, inferred from its text."},
			{Name: "published_not_after", Type: TypeDate, Description: "Where no date is stated: the last day the article may have been published, inferred from its text."},
			{Name: "published_reasoning", Type: TypeString, Description: "How the bounds are inferred, quoting the article."},
			{Name: "known_from", Type: TypeDateTime, Description: "From when the article counts as known: the end of its latest possible publication day; empty when nothing bounds it above."},
		}), PrimaryKey: []string{"id"}},
	{Name: "claims", Description: "One row per source's account of a topic about an entity; accounts of one topic that take different positions are a disagreement.",
		Fields: []Field{
			{Name: "id", Type: TypeString, Required: true, Description: "Claim id."},
			{Name: "subject", Type: TypeString, Required: true, Description: "Entity id the claim is about (entities.id)."},
			{Name: "topic", Type: TypeString, Required: true, Description: "What the claim is about; claims sharing subject and topic are accounts of one question."},
			{Name: "text", Type: TypeString, Required: true, Description: "The account, in the curators' words."},
			{Name: "position", Type: TypeString, Description: "The claim's answer to its topic, normalised (\"similar\", \"meloni\", \"8\"); claims of a topic with the same position agree."},
			{Name: "corroboration", Type: TypeInteger, Required: true, Description: "Number of sources stating the claim's position on its topic, its own included."},
			{Name: "disputed", Type: TypeBoolean, Required: true, Description: "True when the claims of its subject and topic take more than one position."},
			{Name: "stance_actor", Type: TypeString, Description: "For a claim recording a stance: whose (entities.id)."},
			{Name: "stance_kind", Type: TypeString, Enum: commitmentKinds(), Description: "The matrix column the stance shows in; empty when no commitment kind fits. A stance is not a commitment."},
			{Name: "stance_state", Type: TypeString, Enum: stanceStates(), Description: "UNDER_DISCUSSION (others discussed it; the actor offered nothing), STATED_SUPPORT, STATED_OPPOSITION or STATED_POSITION."},
			{Name: "stance_discussed_by", Type: TypeString, Description: "Who discussed it, in the article's words (\"discussions in Washington\"); empty when the actor stated it."},
			{Name: "evidence_count", Type: TypeInteger, Required: true, Description: "Number of quotes supporting it."},
		}, PrimaryKey: []string{"id"},
		ForeignKeys: []ForeignKey{{[]string{"subject"}, "entities", []string{"id"}}, {[]string{"stance_actor"}, "entities", []string{"id"}}}},
	{Name: "versions", Description: "Every recorded version of the exported commitments that have changed, oldest first: what changed, when, by whom and why.",
		Fields: commitmentFields("commitment"), PrimaryKey: []string{"commitment", "version"}, FollowsFilter: true,
		ForeignKeys: []ForeignKey{{[]string{"commitment"}, "commitments", []string{"id"}}}},
}

// TableByName finds a table's description.
func TableByName(name string) (Table, bool) {
	for _, t := range Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func dateCells(d cg.Date) []any {
	if !d.Known() {
		return []any{nil, nil, string(d.Precision())}
	}
	return []any{d.Start(), d.End().AddDate(0, 0, -1), string(d.Precision())}
}

func commitmentRow(c *cg.Commitment, source func(id string) *cg.Source) row {
	r := row{c.ID, string(c.Kind), c.ActorID, c.TargetID, string(c.Status)}
	r = append(r, dateCells(c.Date)...)
	r = append(r, optString(c.DateReasoning), optString(c.StatedByID), optString(c.Summary), len(c.Evidence), c.Version,
		optTime(c.RecordedAt), optString(c.RecordedBy), optString(c.Reason), optTime(c.ValidFrom))
	var known any
	if t, ok := cg.KnownFrom(c, source); ok {
		known = t.UTC()
	}
	r = append(r, known)
	if s := cg.Reported(c.Evidence, source); s != nil {
		r = append(r, s.ID, optDay(s.PublishedEarliest()), optLastDay(s.PublishedLatest()))
	} else {
		r = append(r, nil, nil, nil)
	}
	return append(r, c.Retracted)
}

// optDay is a date's first day, or an empty cell when unknown.
func optDay(d cg.Date) any {
	if !d.Known() {
		return nil
	}
	return d.Start()
}

// optLastDay is a date's last day, or an empty cell when unknown.
func optLastDay(d cg.Date) any {
	if !d.Known() {
		return nil
	}
	return d.End().AddDate(0, 0, -1)
}

func evidenceRows(factType, id string, ev []cg.Evidence) []row {
	out := make([]row, len(ev))
	for i, e := range ev {
		var line any
		if e.Line > 0 {
			line = e.Line
		}
		out[i] = row{factType, id, i + 1, e.SourceID, e.Quote, optString(e.AttributedTo), line}
	}
	return out
}

// Snapshot is the rows of every table, by table name.
type Snapshot map[string][]row

// Snapshot reads the tables: the commitments f selects (with their
// conditions, evidence and versions) and the whole reference data.
func (e *Exporter) Snapshot(ctx context.Context, f cg.CommitmentFilter) (Snapshot, error) {
	s := Snapshot{}
	// The sources first: a commitment's row says when it became known.
	var srcs []*cg.Source
	if err := e.call(ctx, func(ctx context.Context) (err error) {
		if srcs, err = e.Store.Sources(ctx, nil); err != nil {
			return fmt.Errorf("export: list sources: %w", err)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	byID := make(map[string]*cg.Source, len(srcs))
	for _, src := range srcs {
		byID[src.ID] = src
	}
	source := func(id string) *cg.Source { return byID[id] }
	hist, _ := e.Store.(interface {
		CommitmentHistory(ctx context.Context, id string) ([]*cg.Commitment, error)
	})
	err := e.eachPage(ctx, f, func(cs []*cg.Commitment) error {
		for _, c := range cs {
			s["commitments"] = append(s["commitments"], commitmentRow(c, source))
			for i, cond := range c.Conditions {
				s["commitment_conditions"] = append(s["commitment_conditions"], row{c.ID, i + 1, cond})
			}
			s["evidence"] = append(s["evidence"], evidenceRows("commitment", c.ID, c.Evidence)...)
			if hist == nil || c.Version <= 1 {
				continue
			}
			var vs []*cg.Commitment
			if err := e.call(ctx, func(ctx context.Context) (err error) {
				vs, err = hist.CommitmentHistory(ctx, c.ID)
				return err
			}); err != nil {
				return fmt.Errorf("export: history of %s: %w", c.ID, err)
			}
			for _, v := range vs {
				s["versions"] = append(s["versions"], commitmentRow(v, source))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ents []*cg.Entity
	var rels []*cg.Relation
	var claims []*cg.Claim
	err = e.call(ctx, func(ctx context.Context) (err error) {
		if ents, err = e.Store.Entities(ctx, cg.EntityFilter{}); err != nil {
			return fmt.Errorf("export: list entities: %w", err)
		}
		if rels, err = e.Store.Relations(ctx, cg.RelationFilter{}); err != nil {
			return fmt.Errorf("export: list relations: %w", err)
		}
		if claims, err = e.Store.Claims(ctx, cg.ClaimFilter{}); err != nil {
			return fmt.Errorf("export: list claims: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, ent := range ents {
		r := row{ent.ID, string(ent.Kind), ent.Name, optString(ent.Description)}
		r = append(r, dateCells(ent.Date)...)
		s["entities"] = append(s["entities"], append(r, len(ent.Evidence)))
		for i, a := range ent.Aliases {
			s["entity_aliases"] = append(s["entity_aliases"], row{ent.ID, i + 1, a})
		}
		s["evidence"] = append(s["evidence"], evidenceRows("entity", ent.ID, ent.Evidence)...)
	}
	for _, r := range rels {
		out := row{r.ID, string(r.Kind), r.FromID, r.ToID, optString(r.Role)}
		out = append(out, dateCells(r.Date)...)
		s["relations"] = append(s["relations"], append(out, len(r.Evidence)))
		s["evidence"] = append(s["evidence"], evidenceRows("relation", r.ID, r.Evidence)...)
	}
	for _, src := range srcs {
		out := row{src.ID, src.File, optString(src.Outlet), src.OutletInferred, optString(src.OutletReasoning), optString(src.Title), optString(src.Author)}
		out = append(out, dateCells(src.Published)...)
		var known any
		if t, ok := src.KnownFrom(); ok {
			known = t
		}
		s["sources"] = append(s["sources"], append(out, optDay(src.PublishedNotBefore), optLastDay(src.PublishedNotAfter),
			optString(src.PublishedReasoning), known))
	}
	topic := map[string]*cg.Topic{}
	for _, t := range cg.Topics(claims) {
		for _, c := range t.Claims {
			topic[c.ID] = t
		}
	}
	for _, c := range claims {
		t := topic[c.ID]
		out := row{c.ID, c.SubjectID, c.Topic, c.Text, optString(c.Position), t.PositionOf(c.ID).Corroboration(), t.Disputed()}
		if st := c.Stance; st != nil {
			out = append(out, st.ActorID, optString(string(st.Kind)), string(st.State), optString(st.DiscussedBy))
		} else {
			out = append(out, nil, nil, nil, nil)
		}
		s["claims"] = append(s["claims"], append(out, len(c.Evidence)))
		s["evidence"] = append(s["evidence"], evidenceRows("claim", c.ID, c.Evidence)...)
	}
	return s, nil
}
