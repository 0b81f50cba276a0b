package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cut of gqlgen's output: two list marshallers of Evidence, one of
// Commitment, and Evidence's item marshaller.
const generated = `package graph

func (ec *executionContext) marshalNEvidence2githubᚗcomᚐEvidence(ctx context.Context, sel ast.SelectionSet, v Evidence) graphql.Marshaler {
	return ec._Evidence(ctx, sel, &v)
}

func (ec *executionContext) marshalNEvidence2ᚕgithubᚗcomᚐEvidenceᚄ(ctx context.Context, sel ast.SelectionSet, v []Evidence) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return ec.marshalNEvidence2githubᚗcomᚐEvidence(ctx, sel, v[i])
	})
	return ret
}

func (ec *executionContext) marshalOEvidence2ᚕᚖgithubᚗcomᚐEvidenceᚄ(ctx context.Context, sel ast.SelectionSet, v []*Evidence) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return ec.marshalNEvidence2ᚖgithubᚗcomᚐEvidence(ctx, sel, v[i])
	})
	return ret
}

func (ec *executionContext) marshalNCommitment2ᚕᚖgithubᚗcomᚐCommitmentᚄ(ctx context.Context, sel ast.SelectionSet, v []*Commitment) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return ec.marshalNCommitment2ᚖgithubᚗcomᚐCommitment(ctx, sel, v[i])
	})
	return ret
}
`

func write(t *testing.T, src string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "generated.go")
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRewrite checks that the named type's list marshallers, and only
// they, call marshalInOrder, and that a second run changes nothing.
func TestRewrite(t *testing.T) {
	f := write(t, generated)
	for run := range 2 {
		if err := rewrite(f, []string{"Evidence"}); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := string(b)
		want := strings.Replace(generated, concurrent, inOrder, 2)
		if got != want {
			t.Fatalf("run %d: got\n%s\nwant\n%s", run, got, want)
		}
		if !strings.Contains(got, "marshalNCommitment2ᚕᚖgithubᚗcomᚐCommitmentᚄ(ctx context.Context, sel ast.SelectionSet, v []*Commitment) graphql.Marshaler {\n\tret := "+concurrent) {
			t.Errorf("run %d: Commitment's list was rewritten too", run)
		}
	}
}

// TestRewriteWithChooser checks that a type named as Type=chooser has its
// list marshallers call chooser(ctx, sel, v)'s choice, and only they.
func TestRewriteWithChooser(t *testing.T) {
	f := write(t, generated)
	for run := range 2 {
		if err := rewrite(f, []string{"Commitment=pick"}); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		head := "marshalNCommitment2ᚕᚖgithubᚗcomᚐCommitmentᚄ(ctx context.Context, sel ast.SelectionSet, v []*Commitment) graphql.Marshaler {\n\tret := "
		if got := string(b); !strings.Contains(got, head+"pick(ctx, sel, v)(ctx, len(v), 0, false, func(") ||
			strings.Count(got, concurrent) != 2 {
			t.Fatalf("run %d: got\n%s", run, got)
		}
	}
}

// TestRewriteFailsOnUnexpectedOutput checks that output it does not
// recognise fails the generation instead of staying concurrent unnoticed.
func TestRewriteFailsOnUnexpectedOutput(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		types     []string
		want      string
	}{
		{"no types named", generated, nil, "no GraphQL types named"},
		{"a type without a list marshaller", generated, []string{"Source"}, "no list marshaller of Source"},
		{"a marshaller that no longer calls MarshalSliceConcurrently",
			strings.ReplaceAll(generated, concurrent, "graphql.MarshalSliceInParallel("), []string{"Evidence"}, "calls graphql.MarshalSliceConcurrently( 0 times"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := write(t, tt.src)
			err := rewrite(f, tt.types)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if b, _ := os.ReadFile(f); string(b) != tt.src {
				t.Errorf("the file was changed although the rewrite failed")
			}
		})
	}
}
