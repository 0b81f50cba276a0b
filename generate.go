package coalitiongraph

// Regenerates graph/generated.go and graph/model from graph/*.graphqls and
// gqlgen.yml with the gqlgen pinned in go.mod, then has the evidence lists,
// and commitment, timeline and matrix lists of plain fields, marshalled in order
// (internal/inorder, graph/inorder.go say why). CI runs
// both and fails when the committed output is stale.
//go:generate go tool gqlgen generate --config gqlgen.yml
//go:generate go run ./internal/inorder -file graph/generated.go Evidence Commitment=commitmentsMarshaller TimelineEntry=timelineMarshaller MatrixRow=matrixRowsMarshaller MatrixCell=matrixCellsMarshaller
