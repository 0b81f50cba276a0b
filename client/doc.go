// Package client is a typed Go client of the coalitiongraph API, generated
// by genqlient from the server's own schema (the SDL /schema.graphql serves)
// and the operations in operations.graphql.
//
//	gql := graphql.NewClient("http://localhost:8080/graphql", http.DefaultClient)
//	resp, err := client.Entity(ctx, gql, "FRA")
//	fmt.Println(resp.Entity.Name)
//
// graphql is github.com/Khan/genqlient/graphql. To add an operation, write
// it in operations.graphql and run `go generate ./client`, which rewrites
// schema.graphql and generated.go; scripts/test.sh fails when they are stale.
package client

//go:generate go run ./internal/printschema schema.graphql
//go:generate go tool genqlient genqlient.yaml
