// Package coalitiongraph is the domain of the service: who committed what to
// whom, when, and according to which source. It holds the types, the closed
// vocabulary and the Store interface that every backend implements; it
// depends on neither GraphQL nor Neo4j.
//
// The model follows the lessons of commitment trackers and event data: a
// commitment is an edge actor → target with a kind from a closed vocabulary,
// a lifecycle status, a date with its precision and the person who stated
// it; every fact carries evidence (a source, a verbatim quote, whom the
// source attributes it to); where sources disagree, each report is kept as a
// Claim of its own instead of being merged.
package coalitiongraph

import (
	"context"
	"time"
)

// Entity is a node: a country, person, organisation, group, proposal, event
// or agreement.
type Entity struct {
	ID          string
	Kind        EntityKind
	Name        string
	Aliases     []string
	Description string
	// Date is when an event happened, an agreement was signed or a proposal
	// first put forward; unknown for countries and people.
	Date     Date
	Evidence []Evidence
}

// Source is one article of the source material.
type Source struct {
	ID   string
	File string // file name under the seeds directory
	// Outlet is the publisher where the article states it; with
	// OutletInferred, where it is inferred from the text, which
	// OutletReasoning quotes ("reports 24brussels").
	Outlet          string
	OutletInferred  bool
	OutletReasoning string
	Title           string
	Author          string // as the article names it; "" when it does not
	// Published is the article's date where the article states it.
	Published Date
	// PublishedNotBefore and PublishedNotAfter bound the publication date
	// when the article does not state it: inferred from its own text
	// ("reports Bloomberg's Aug. 20 report"), with the reasoning in
	// PublishedReasoning. Either may be unknown (open).
	PublishedNotBefore, PublishedNotAfter Date
	PublishedReasoning                    string
	// Text is the article's text, byte for byte: every quote that cites
	// the source appears in it, and evidence lines count its lines.
	Text string
}

// Evidence ties a fact to the words of a source.
type Evidence struct {
	SourceID string
	// Quote appears verbatim in the source file.
	Quote string
	// AttributedTo is whom the source credits ("Bloomberg", "sources
	// familiar with the discussions"); "" when the article says it itself.
	AttributedTo string
	// Line is the 1-based line of the source file where the quote starts;
	// filled in when the dataset is loaded.
	Line int
}

// Commitment is an actor's offer, refusal or stance towards a target.
type Commitment struct {
	ID       string
	Kind     EdgeKind
	ActorID  string
	TargetID string
	Status   Status
	Date     Date
	// DateReasoning, when set, says the date is inferred from other
	// sentences rather than stated, and how ("src-004 says only 'after the
	// meeting' …"); see DateInferred.
	DateReasoning string
	// StatedByID is the person who stated it, when a source names one.
	StatedByID string
	// Conditions qualify it: "within 24 hours", "no ground forces".
	Conditions []string
	Summary    string
	Evidence   []Evidence

	// Version counts the recorded versions of the commitment, from 1 (a
	// curated fact as loaded from the dataset). Updates name the version
	// they were based on (optimistic concurrency).
	Version int
	// RecordedAt and RecordedBy (the name of the API key) say when and by
	// whom this version was recorded, Reason why; zero for curated facts.
	RecordedAt time.Time
	RecordedBy string
	Reason     string
	// ValidFrom is when a written version took effect, as its writer
	// states it (effectiveAt, by default when it was recorded); it is when
	// the version counts as known for asOf reads (see KnownFrom). Zero for
	// curated facts, which are known from their sources' publication.
	ValidFrom time.Time
	// Retracted marks a version that withdrew the record itself (the fact
	// was wrong or unsupported), as opposed to the actor withdrawing its
	// commitment (StatusWithdrawn). Retracted commitments leave current
	// reads and stay in history.
	Retracted bool
}

// DateInferred reports whether the commitment's date is inferred rather
// than stated (it then has its DateReasoning).
func (c *Commitment) DateInferred() bool { return c.DateReasoning != "" }

// Relation is a structural edge: an office held, a membership, a
// participation in an event, a signature.
type Relation struct {
	ID     string
	Kind   EdgeKind
	FromID string
	ToID   string
	// Role is the office held ("Prime Minister") or part played ("host").
	Role     string
	Date     Date
	Evidence []Evidence
}

// Claim is one source's account of something about an entity, kept apart
// from other accounts of the same topic so that disagreements stay visible:
// the Italian plan "resembles" Article 5 in one article and "would stop
// short of" it in another.
type Claim struct {
	ID        string
	SubjectID string
	Topic     string
	Text      string
	// Position is the claim's answer to its topic, normalised to a short
	// value ("similar", "meloni", "8") so that accounts compare: claims on
	// one subject and topic with the same position corroborate each other,
	// different positions are a disagreement (see Topics).
	Position string
	// Stance, when set, is a stance the claim records: a position an actor
	// takes, or something others discussed about it, which the matrix
	// shows as its own state beside commitments.
	Stance   *Stance
	Evidence []Evidence
}

// Dataset is everything a store is loaded from.
type Dataset struct {
	Sources     []*Source
	Entities    []*Entity
	Relations   []*Relation
	Commitments []*Commitment
	Claims      []*Claim
}

// CommitmentOrder orders a commitment listing; every order breaks ties by id
// so that keyset cursors are stable.
type CommitmentOrder string

const (
	OrderDateAsc  CommitmentOrder = "DATE_ASC"
	OrderDateDesc CommitmentOrder = "DATE_DESC"
	OrderID       CommitmentOrder = "ID"
	// OrderActorName sorts by the actor's folded name (FoldName of its
	// current name), ties by date ascending (unknown last), then id.
	OrderActorName CommitmentOrder = "ACTOR_NAME"
	// OrderEvidenceCountDesc sorts by the number of pieces of evidence,
	// most first; OrderSourceCountDesc by the number of distinct sources
	// they cite. Ties as OrderActorName's.
	OrderEvidenceCountDesc CommitmentOrder = "EVIDENCE_COUNT_DESC"
	OrderSourceCountDesc   CommitmentOrder = "SOURCE_COUNT_DESC"
)

// CommitmentOrders are the orders, in the schema's order.
var CommitmentOrders = []CommitmentOrder{OrderDateAsc, OrderDateDesc, OrderID, OrderActorName, OrderEvidenceCountDesc, OrderSourceCountDesc}

// CommitmentFilter selects commitments. Empty fields do not filter; the
// lists match any of their values.
type CommitmentFilter struct {
	IDs         []string
	Kinds       []EdgeKind
	Statuses    []Status
	ActorIDs    []string
	TargetIDs   []string
	SourceIDs   []string
	StatedByIDs []string
	// From and To select by when the commitment held (valid time): its
	// date, an interval at its precision, overlaps the day range [From,
	// To] (see Date.Within); undated commitments only match an open range.
	From, To Date
	// AsOf, when set, reads the commitments as known at that instant
	// (knowledge time): for each, the latest version known by then (see
	// KnownFrom), and none that was retracted or not yet known.
	AsOf *time.Time
}

// Page asks for one page of a keyset-paginated listing.
type Page struct {
	First int
	// After is an opaque cursor from a previous page; "" starts at the top.
	After string
	Order CommitmentOrder
	// Bare asks for the commitments' own values only, for a caller that
	// shows none of their evidence, entities or sources: a store may then
	// leave each commitment's Evidence nil and the page's Entities and
	// Sources empty (reading them is most of a listing's work in a store
	// of its own process). The commitments, their order, the total and
	// HasNextPage are the full page's; what a store does return is as in
	// the full page.
	Bare bool
}

// CommitmentPage is one page of commitments.
type CommitmentPage struct {
	Commitments []*Commitment
	TotalCount  int
	HasNextPage bool
	// Entities are the actors, targets and speakers (StatedByID) of
	// Commitments, without their Evidence, and Sources the sources their
	// evidence cites: each once, ordered by id, never nil. They come with
	// every page, so that a caller naming actors or showing evidence
	// sources needs no further round trip to the store; an entity's own
	// evidence is for Entities to give, to the caller that shows it.
	Entities []*Entity
	Sources  []*Source
}

// EntityFilter selects entities.
type EntityFilter struct {
	IDs   []string
	Kinds []EntityKind
	// Search matches names and aliases, case-insensitively, by substring.
	Search string
	// From and To bound the entity's date (events, agreements, proposals).
	From, To Date
	Limit    int
}

// RelationFilter selects relations.
type RelationFilter struct {
	IDs   []string
	Kinds []EdgeKind
	// EntityIDs matches relations with either end among them.
	EntityIDs []string
	FromIDs   []string
	ToIDs     []string
	SourceIDs []string
}

// ClaimFilter selects claims.
type ClaimFilter struct {
	IDs        []string
	SubjectIDs []string
	SourceIDs  []string
}

// MatrixCell is one cell of the actor × commitment-kind matrix.
type MatrixCell struct {
	ActorID string
	Kind    EdgeKind
	// Status is the firmest status among the cell's commitments.
	Status        Status
	Commitments   int
	EvidenceCount int
}

// MatrixRow is one actor's row of the matrix.
type MatrixRow struct {
	ActorID string
	// Total is the number of the row's commitments.
	Total int
	// Cells are the row's non-empty cells, in CommitmentKinds order.
	Cells []MatrixCell
}

// Matrix is a page of the actor × commitment-kind matrix: the rows of the
// actors with matching commitments, in matrix order (most commitments
// first, then by actor id: see matrix.go). It names no entities: a view
// fetches the actors of the rows it shows.
type Matrix struct {
	Rows []MatrixRow
	// TotalRows is the number of actors with matching commitments, on
	// every page.
	TotalRows int
	HasNext   bool
}

// Cells are the cells of every row, in row order.
func (m *Matrix) Cells() []MatrixCell {
	var out []MatrixCell
	for _, r := range m.Rows {
		out = append(out, r.Cells...)
	}
	return out
}

// Count is the number of commitments of one kind and status.
type Count struct {
	Kind   EdgeKind
	Status Status
	Count  int
}

// EdgeRef names an edge of either family in a path or subgraph.
type EdgeRef struct {
	ID     string
	Kind   EdgeKind
	FromID string
	ToID   string
}

// Path is a chain of entities joined by edges, in order.
type Path struct {
	EntityIDs []string
	Edges     []EdgeRef
}

// Subgraph is the neighbourhood of an entity, for visualisation.
type Subgraph struct {
	Entities    []*Entity
	Commitments []*Commitment
	Relations   []*Relation
}

// MaxHops bounds path and neighbourhood searches; longer searches touch most
// of the graph and say little. See graphsearch.go for the rules built on it.
const MaxHops = 6

// Store reads the graph. Each method is one batchable question, so that a
// Neo4j backend answers it with one or a few Cypher queries and GraphQL
// dataloaders can ask for many keys at once.
type Store interface {
	Sources(ctx context.Context, ids []string) ([]*Source, error)
	Entities(ctx context.Context, f EntityFilter) ([]*Entity, error)
	Relations(ctx context.Context, f RelationFilter) ([]*Relation, error)
	Claims(ctx context.Context, f ClaimFilter) ([]*Claim, error)
	// Commitments lists matching commitments; a zero Page.First returns them all.
	Commitments(ctx context.Context, f CommitmentFilter, p Page) (*CommitmentPage, error)
	// EntityCommitments pages the commitments of each of q.EntityIDs in
	// one call, each page as Commitments pages q.Filter(id) (see
	// EntityCommitmentsQuery).
	EntityCommitments(ctx context.Context, q EntityCommitmentsQuery) (*EntityCommitments, error)
	// Matrix pages the rows of the actors with matching commitments
	// (ParseMatrixPage, PageMatrixRows); a zero MatrixPage.First returns
	// them all.
	Matrix(ctx context.Context, f CommitmentFilter, p MatrixPage) (*Matrix, error)
	Counts(ctx context.Context, f CommitmentFilter) ([]Count, error)
	// CountsBy counts the matching commitments grouped by the dimensions
	// (see GroupCommitments, which defines the answer).
	CountsBy(ctx context.Context, f CommitmentFilter, by []CountDimension) ([]GroupCount, error)
	// Paths returns the shortest paths between two entities of at most
	// maxHops edges, following edges in either direction.
	Paths(ctx context.Context, fromID, toID string, maxHops int) ([]Path, error)
	// Neighbourhood returns the entities within depth edges of id and the
	// edges among them.
	Neighbourhood(ctx context.Context, id string, depth int) (*Subgraph, error)
	// SearchText ranks entities and facts by how well their text (names,
	// aliases, descriptions, summaries, conditions, roles, claims and the
	// quotes of their evidence) matches the query's words: BM25, best
	// first, ties by id; see search.go.
	SearchText(ctx context.Context, q TextQuery) (*TextPage, error)
	// Ready reports whether the store can answer queries now.
	Ready(ctx context.Context) error
	Close() error
}
