package coalitiongraph

// Regenerates graph/generated.go and graph/model from graph/*.graphqls and
// gqlgen.yml with the gqlgen pinned in go.mod. CI runs it and fails when the
// committed output is stale.
//go:generate go tool gqlgen generate --config gqlgen.yml
