// Command inorder edits gqlgen's generated executor so that the lists of
// the named GraphQL object types are marshalled one item after another
// (graph.marshalInOrder) instead of in a goroutine per item
// (graphql.MarshalSliceConcurrently, which gqlgen uses for every list of
// objects and has no setting for). A type named as Type=chooser has its
// lists marshalled by whichever of the two chooser(ctx, sel, v) returns,
// from the list's selection and items (graph.commitmentsMarshaller).
// `go generate .` runs it after gqlgen:
//
//	go run ./internal/inorder -file graph/generated.go Evidence Commitment=commitmentsMarshaller
//
// It fails when a named type's list marshaller is not there or no longer
// calls MarshalSliceConcurrently as expected, so that a gqlgen upgrade that
// changes its output is noticed rather than silently left concurrent.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
)

const (
	concurrent = "graphql.MarshalSliceConcurrently("
	inOrder    = "marshalInOrder("
)

func main() {
	file := flag.String("file", "graph/generated.go", "gqlgen's generated executor")
	flag.Parse()
	if err := rewrite(*file, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "inorder:", err)
		os.Exit(1)
	}
}

func rewrite(file string, types []string) error {
	if len(types) == 0 {
		return fmt.Errorf("no GraphQL types named")
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read the executor: %w", err)
	}
	for _, t := range types {
		replacement := inOrder
		if typ, chooser, ok := strings.Cut(t, "="); ok {
			t, replacement = typ, chooser+"(ctx, sel, v)("
		}
		if src, err = rewriteType(src, t, replacement); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	if err := os.WriteFile(file, src, 0o644); err != nil {
		return fmt.Errorf("write the executor: %w", err)
	}
	return nil
}

// rewriteType replaces the concurrent call in every list marshaller of
// the type by replacement: gqlgen names them marshal{N,O}<Type>2ᚕ…
// (non-null or optional list; ᚕ marks a slice), one per Go element type,
// and gives them the parameters (ctx, sel, v) that a chooser is called
// with.
func rewriteType(src []byte, typ, replacement string) ([]byte, error) {
	head := regexp.MustCompile(`(?m)^func \(ec \*executionContext\) marshal[NO]` + regexp.QuoteMeta(typ) +
		`2ᚕ\S*\(ctx context\.Context, sel ast\.SelectionSet, v `)
	locs := head.FindAllIndex(src, -1)
	if len(locs) == 0 {
		return nil, fmt.Errorf("no list marshaller of %s", typ)
	}
	var out bytes.Buffer
	last := 0
	for _, loc := range locs {
		end := bytes.Index(src[loc[1]:], []byte("\n}\n"))
		if end < 0 {
			return nil, fmt.Errorf("list marshaller of %s at byte %d has no end", typ, loc[0])
		}
		body := src[loc[1] : loc[1]+end]
		n := bytes.Count(body, []byte(concurrent))
		if n != 1 && !bytes.Contains(body, []byte(replacement)) {
			return nil, fmt.Errorf("list marshaller of %s at byte %d calls %s %d times, want once", typ, loc[0], concurrent, n)
		}
		out.Write(src[last:loc[1]])
		out.Write(bytes.Replace(body, []byte(concurrent), []byte(replacement), 1))
		last = loc[1] + end
	}
	out.Write(src[last:])
	return out.Bytes(), nil
}
