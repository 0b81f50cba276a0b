package httpapi

import (
	"fmt"
	"reflect"

	"github.com/coalitiongraph/coalitiongraph/graph"
)

// listSizes are the assumed sizes of lists without a page size (the idea of
// the IBM cost specification's @listSize): what each can return on a
// dataset some times the curated one. A list field missing here costs
// like an object (1 + its selection), so a new list needs a line here;
// TestEveryListHasAnAssumedSize checks.
var listSizes = map[string]int{
	"Query.sources": 20, "Query.timeline": 100, "Query.counts": 50, "Query.countsBy": 200, "Query.paths": 10,
	"Entity.evidence": 5, "Entity.offices": 10, "Entity.officeHolders": 10, "Entity.memberships": 10,
	"Entity.members": 30, "Entity.events": 10, "Entity.participants": 30, "Entity.signatures": 10,
	"Entity.commitmentsMade": 20, "Entity.commitmentsReceived": 20, "Entity.commitmentsStated": 20,
	"Entity.claims":       10,
	"Commitment.evidence": 5, "Commitment.sources": 5, "Commitment.history": 5,
	"Entity.history": 5, "Source.history": 5,
	"Relation.evidence": 5, "Claim.evidence": 5, "ClaimTopic.claims": 10,
	"Source.commitments": 50, "Source.relations": 50, "Source.claims": 50,
	"Coalition.proposers": 20, "Coalition.supporters": 20, "Coalition.offers": 20,
	"Coalition.considering": 20, "Coalition.refusals": 20, "Coalition.opponents": 20,
	"Coalition.byKind": 10, "Coalition.actors": 50, "CommitmentGroup.commitments": 20,
	"MatrixRow.cells": 10, "MatrixCell.commitments": 2,
	"Path.nodes": 7, "Path.edges": 6, "Subgraph.nodes": 200, "Subgraph.edges": 400,
	"Vocabulary.commitmentKinds": 20,
	"Query.disputes":             20, "ClaimTopic.positions": 5, "ClaimPosition.claims": 5, "ClaimPosition.sources": 5,
	"Coalition.inherited": 20, "Commitment.accounts": 5, "Commitment.disputes": 5, "SourceAccount.evidence": 5, "MatrixRow.stances": 5, "MatrixStance.claims": 3,
	"VersionChange.addedEvidence": 5,
}

// assumeListSizes sets, for each "Type.field" of sizes, a complexity
// function 1 + size × child, whatever the field's arguments: gqlgen gives
// each field its own signature, so the functions are built by reflection.
func assumeListSizes(c *graph.ComplexityRoot, sizes map[string]int) {
	root := reflect.ValueOf(c).Elem()
	for key, size := range sizes {
		f := complexityField(root, key)
		if !f.IsValid() {
			panic(fmt.Sprintf("listSizes: no complexity function for %s", key))
		}
		f.Set(reflect.MakeFunc(f.Type(), func(args []reflect.Value) []reflect.Value {
			child := int(args[0].Int())
			return []reflect.Value{reflect.ValueOf(1 + size*child)}
		}))
	}
}

// complexityField finds ComplexityRoot.Type.Field for "Type.field".
func complexityField(root reflect.Value, key string) reflect.Value {
	for i := range len(key) {
		if key[i] == '.' {
			t := root.FieldByName(key[:i])
			if !t.IsValid() {
				return reflect.Value{}
			}
			name := key[i+1:]
			return t.FieldByName(string(name[0]-'a'+'A') + name[1:])
		}
	}
	return reflect.Value{}
}
