package model

// Node is an object with a global id: *cg.Entity, *cg.Commitment or
// *cg.Source. The domain's types carry no GraphQL marker methods, so the
// interface is open and the executor tells them apart by their Go type.
type Node any

// Fact is what a source supports: *cg.Commitment, *cg.Relation or
// *cg.Claim.
type Fact any

// SearchResult is what a text search finds: *cg.Entity, *cg.Commitment,
// *cg.Relation or *cg.Claim.
type SearchResult any
