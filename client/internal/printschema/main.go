// Command printschema writes the SDL that GET /schema.graphql serves (the
// server's executable schema, descriptions included) to the file named by
// its argument: the schema genqlient generates the client from.
package main

import (
	"fmt"
	"os"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: printschema FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], httpapi.SchemaSDL(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "printschema:", err)
		os.Exit(1)
	}
}
