// Command gencodebook writes docs/codebook.md from export.Tables:
//
//	go generate ./export/
package main

import (
	"fmt"
	"os"

	"github.com/coalitiongraph/coalitiongraph/export"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gencodebook <path of codebook.md>")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(export.Codebook()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencodebook:", err)
		os.Exit(1)
	}
}
