package coalitiongraph

import "strings"

// The closed vocabulary. Every label and relationship type a backend writes
// comes from these lists, never from user input, so a backend may safely use
// them as Cypher labels and relationship types.

// EntityKind is the kind of a node in the graph.
type EntityKind string

const (
	KindCountry      EntityKind = "COUNTRY"
	KindPerson       EntityKind = "PERSON"
	KindOrganisation EntityKind = "ORGANISATION"
	KindGroup        EntityKind = "GROUP"
	KindProposal     EntityKind = "PROPOSAL"
	KindEvent        EntityKind = "EVENT"
	KindAgreement    EntityKind = "AGREEMENT"
)

// EntityKinds lists every entity kind, in display order.
var EntityKinds = []EntityKind{KindCountry, KindPerson, KindOrganisation, KindGroup, KindProposal, KindEvent, KindAgreement}

// Label is the Neo4j label for the kind (":Country", ":Person" …).
func (k EntityKind) Label() string {
	switch k {
	case KindCountry:
		return "Country"
	case KindPerson:
		return "Person"
	case KindOrganisation:
		return "Organisation"
	case KindGroup:
		return "Group"
	case KindProposal:
		return "Proposal"
	case KindEvent:
		return "Event"
	case KindAgreement:
		return "Agreement"
	}
	return ""
}

// Valid reports whether k is in the vocabulary.
func (k EntityKind) Valid() bool { return k.Label() != "" }

// IsActor reports whether entities of this kind can make commitments.
func (k EntityKind) IsActor() bool {
	return k == KindCountry || k == KindPerson || k == KindOrganisation || k == KindGroup
}

// EdgeKind is the type of an edge: a commitment or a structural relation.
// Its string is the Neo4j relationship type.
type EdgeKind string

// Commitment kinds: what an actor offers, refuses or says about a target.
const (
	Proposes           EdgeKind = "PROPOSES"
	Supports           EdgeKind = "SUPPORTS"
	Opposes            EdgeKind = "OPPOSES"
	Demands            EdgeKind = "DEMANDS"
	OffersTroops       EdgeKind = "OFFERS_TROOPS"
	RefusesTroops      EdgeKind = "REFUSES_TROOPS"
	ConsidersTroops    EdgeKind = "CONSIDERS_TROOPS"
	OffersAirSupport   EdgeKind = "OFFERS_AIR_SUPPORT"
	OffersLogistics    EdgeKind = "OFFERS_LOGISTICS"
	OffersEquipment    EdgeKind = "OFFERS_EQUIPMENT"
	OffersSurveillance EdgeKind = "OFFERS_SURVEILLANCE"
	OffersVenue        EdgeKind = "OFFERS_VENUE"
	OffersSupport      EdgeKind = "OFFERS_SUPPORT"
	Protests           EdgeKind = "PROTESTS"
)

// Structural relation kinds: who holds which office, belongs where, took
// part, signed; and how proposals relate: one is part of a wider one (the
// Italian plan within the security guarantees under negotiation), a variant
// of another, or an alternative to it.
const (
	HoldsOffice    EdgeKind = "HOLDS_OFFICE"
	MemberOf       EdgeKind = "MEMBER_OF"
	ParticipatedIn EdgeKind = "PARTICIPATED_IN"
	Signed         EdgeKind = "SIGNED"
	PartOf         EdgeKind = "PART_OF"
	VariantOf      EdgeKind = "VARIANT_OF"
	AlternativeTo  EdgeKind = "ALTERNATIVE_TO"
)

// CommitmentKinds lists the commitment vocabulary in display order (the
// columns of the commitment matrix).
var CommitmentKinds = []EdgeKind{
	Proposes, Supports, OffersTroops, ConsidersTroops, RefusesTroops,
	OffersAirSupport, OffersLogistics, OffersEquipment, OffersSurveillance,
	OffersVenue, OffersSupport, Demands, Opposes, Protests,
}

// RelationKinds lists the structural vocabulary.
var RelationKinds = []EdgeKind{HoldsOffice, MemberOf, ParticipatedIn, Signed, PartOf, VariantOf, AlternativeTo}

// Inherits reports whether a proposal's coalition includes, marked as
// inherited, the commitments aimed at the proposal an edge of kind k leads
// to: a part stands where its whole stands (Russia opposes the guarantees
// that exclude it, so it opposes the Italian plan within them); a variant
// or an alternative is a proposal of its own.
func (k EdgeKind) Inherits() bool { return k == PartOf }

// IsCommitment reports whether k is a commitment kind.
func (k EdgeKind) IsCommitment() bool { return contains(CommitmentKinds, k) }

// IsRelation reports whether k is a structural relation kind.
func (k EdgeKind) IsRelation() bool { return contains(RelationKinds, k) }

// Valid reports whether k is in the vocabulary.
func (k EdgeKind) Valid() bool { return k.IsCommitment() || k.IsRelation() }

// Fits reports whether an edge of kind k may run from an entity of kind
// from to one of kind to. Commitments are made by actors; structural
// relations have fixed endpoint kinds.
func (k EdgeKind) Fits(from, to EntityKind) bool {
	if !from.Valid() || !to.Valid() {
		return false
	}
	switch k {
	case HoldsOffice:
		return from == KindPerson && (to == KindCountry || to == KindOrganisation || to == KindGroup)
	case MemberOf:
		return from != KindProposal && from != KindEvent && from != KindAgreement &&
			(to == KindOrganisation || to == KindGroup)
	case ParticipatedIn:
		return from.IsActor() && to == KindEvent
	case Signed:
		return from.IsActor() && to == KindAgreement
	case PartOf, VariantOf, AlternativeTo:
		return from == KindProposal && to == KindProposal
	}
	return k.IsCommitment() && from.IsActor()
}

// Status is where a commitment stands in its lifecycle. Offers move
// PROPOSED → CONSIDERING → OFFERED → PLEDGED → DELIVERED; a refusal is
// REFUSED (a refusal is a fact of its own, not the absence of an offer);
// stances (supports, opposes, demands, protests) are STATED; anything may
// later be WITHDRAWN by its actor.
type Status string

const (
	StatusProposed    Status = "PROPOSED"
	StatusConsidering Status = "CONSIDERING"
	StatusOffered     Status = "OFFERED"
	StatusPledged     Status = "PLEDGED"
	StatusDelivered   Status = "DELIVERED"
	StatusRefused     Status = "REFUSED"
	StatusStated      Status = "STATED"
	StatusWithdrawn   Status = "WITHDRAWN"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusProposed, StatusConsidering, StatusOffered, StatusPledged, StatusDelivered, StatusRefused, StatusStated, StatusWithdrawn}

// Valid reports whether s is in the vocabulary.
func (s Status) Valid() bool { return contains(Statuses, s) }

// rank orders statuses so that the matrix shows the firmest one when a cell
// holds several commitments.
func (s Status) rank() int {
	for i, x := range []Status{StatusWithdrawn, StatusProposed, StatusConsidering, StatusStated, StatusOffered, StatusRefused, StatusPledged, StatusDelivered} {
		if x == s {
			return i
		}
	}
	return -1
}

// Firmer reports whether s outranks t for display in a matrix cell.
func (s Status) Firmer(t Status) bool { return s.rank() > t.rank() }

// AllowedStatuses lists the statuses an edge of kind k may have.
func (k EdgeKind) AllowedStatuses() []Status {
	switch k {
	case RefusesTroops:
		return []Status{StatusRefused, StatusWithdrawn}
	case Supports, Opposes, Demands, Protests:
		return []Status{StatusStated, StatusWithdrawn}
	case ConsidersTroops:
		return []Status{StatusConsidering, StatusWithdrawn}
	}
	return []Status{StatusProposed, StatusConsidering, StatusOffered, StatusPledged, StatusDelivered, StatusWithdrawn}
}

// Allows reports whether status s fits kind k.
func (k EdgeKind) Allows(s Status) bool { return contains(k.AllowedStatuses(), s) }

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// kindInfo documents the commitment vocabulary, with the nearest CAMEO code
// for interoperability with event data (ICEWS, GDELT, POLECAT).
var kindInfo = map[EdgeKind]struct{ description, cameo string }{
	Proposes:           {"puts forward a plan or guarantee", ""},
	Supports:           {"states support for a target or plan", "051"},
	Opposes:            {"rejects or denounces a plan or arrangement", "111"},
	Demands:            {"demands a condition be met", "100"},
	OffersTroops:       {"offers or pledges troops", "0334"},
	RefusesTroops:      {"rules out sending troops (a refusal, not the absence of an offer)", "1224"},
	ConsidersTroops:    {"is considering a contribution of forces", ""},
	OffersAirSupport:   {"offers air support or aerial assets", "0332"},
	OffersLogistics:    {"offers logistical support", "0332"},
	OffersEquipment:    {"offers or pledges equipment", "0332"},
	OffersSurveillance: {"offers surveillance assets", "0332"},
	OffersVenue:        {"offers to host talks", ""},
	OffersSupport:      {"offers general military, economic or political support", "033"},
	Protests:           {"lodges a protest or accusation", "112"},
}

// Description says in plain words what an edge of kind k records.
func (k EdgeKind) Description() string { return kindInfo[k].description }

// CAMEO is the nearest CAMEO event code, "" when none fits.
func (k EdgeKind) CAMEO() string { return kindInfo[k].cameo }

// Display orders: commitment kinds as listed in CommitmentKinds, statuses
// in lifecycle order (Statuses).
var (
	kindOrder   = indexOf(CommitmentKinds)
	statusOrder = indexOf(Statuses)
)

func indexOf[T comparable](list []T) map[T]int {
	m := make(map[T]int, len(list))
	for i, v := range list {
		m[v] = i
	}
	return m
}

// CompareMatrixCells orders matrix cells as every store returns them: by
// actor id, then kind in display order.
func CompareMatrixCells(a, b MatrixCell) int {
	if a.ActorID != b.ActorID {
		return strings.Compare(a.ActorID, b.ActorID)
	}
	return kindOrder[a.Kind] - kindOrder[b.Kind]
}

// CompareCounts orders counts as every store returns them: by kind in
// display order, then status in lifecycle order.
func CompareCounts(a, b Count) int {
	if a.Kind != b.Kind {
		return kindOrder[a.Kind] - kindOrder[b.Kind]
	}
	return statusOrder[a.Status] - statusOrder[b.Status]
}
