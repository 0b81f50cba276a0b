package coalitiongraph

// CoalitionRole is the part a commitment plays in the coalition around its
// target.
type CoalitionRole string

const (
	RoleProposer    CoalitionRole = "PROPOSER"
	RoleSupporter   CoalitionRole = "SUPPORTER"
	RoleOffer       CoalitionRole = "OFFER"
	RoleConsidering CoalitionRole = "CONSIDERING"
	RoleRefusal     CoalitionRole = "REFUSAL"
	RoleOpponent    CoalitionRole = "OPPONENT"
)

// CoalitionRoles lists every role in the order a coalition shows them.
var CoalitionRoles = []CoalitionRole{RoleProposer, RoleSupporter, RoleOffer, RoleConsidering, RoleRefusal, RoleOpponent}

// RoleOf is the role c plays in its target's coalition: a refusal whatever
// its kind once refused, opposition for opposing, protesting or demanding,
// considering for a contribution under consideration, an offer otherwise.
func RoleOf(c *Commitment) CoalitionRole {
	switch {
	case c.Kind == Proposes:
		return RoleProposer
	case c.Kind == Supports:
		return RoleSupporter
	case c.Kind == RefusesTroops || c.Status == StatusRefused:
		return RoleRefusal
	case c.Kind == Opposes || c.Kind == Protests || c.Kind == Demands:
		return RoleOpponent
	case c.Kind == ConsidersTroops || c.Status == StatusConsidering:
		return RoleConsidering
	}
	return RoleOffer
}

// Wholes are the proposals whose coalitions the coalition of id inherits:
// the far ends of the relations from id whose kind Inherits (PART_OF),
// each with the relation, in the relations' order. One level only: the
// guarantees' coalition is the Italian plan's, not the whole world's.
func Wholes(relations []*Relation, id string) []*Relation {
	var out []*Relation
	for _, r := range relations {
		if r.FromID == id && r.Kind.Inherits() && r.ToID != id {
			out = append(out, r)
		}
	}
	return out
}
