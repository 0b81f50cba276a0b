package model

import "github.com/coalitiongraph/coalitiongraph"

// MatrixCell is a matrix cell together with the filter its matrix was
// built with, so that its commitments field lists the same commitments the
// cell counts.
type MatrixCell struct {
	coalitiongraph.MatrixCell
	Filter string
}

// MatrixRow is one row of a matrix page; its actor is loaded only when a
// request shows it.
type MatrixRow struct {
	ActorID string
	Cursor  string
	Total   int
	Cells   []*MatrixCell
	Stances []*coalitiongraph.StanceCell
}
