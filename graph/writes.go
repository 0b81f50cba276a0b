package graph

import (
	"context"
	"errors"
	"time"

	"github.com/99designs/gqlgen/graphql"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph/model"
)

type principalKey struct{}

// WithPrincipal marks the request as made with the API key of this name;
// the HTTP layer sets it after checking the key.
func WithPrincipal(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, principalKey{}, name)
}

// Principal is the name of the request's API key, "" when it has none.
func Principal(ctx context.Context) string {
	s, _ := ctx.Value(principalKey{}).(string)
	return s
}

// writer returns the store's Writer and the write's metadata, or the error
// that refuses the write.
func (r *Resolver) writer(ctx context.Context, requestID, reason *string, effectiveAt *time.Time) (cg.Writer, cg.WriteMeta, error) {
	by := Principal(ctx)
	if by == "" {
		return nil, cg.WriteMeta{}, &cg.Error{Code: cg.CodeUnauthenticated, Message: "mutations need an API key: send Authorization: Bearer <key>"}
	}
	if r.Writer == nil {
		return nil, cg.WriteMeta{}, &cg.Error{Code: cg.CodeReadOnly, Message: "this store is read-only"}
	}
	m := cg.WriteMeta{By: by, At: r.now()}
	if requestID != nil {
		m.RequestID = *requestID
	}
	if reason != nil {
		m.Reason = *reason
	}
	if effectiveAt != nil {
		m.EffectiveAt = *effectiveAt
	}
	return r.Writer, m, nil
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// reportToken puts the consistency token of the state a write made into
// the response's extensions (consistencyToken): a client that sends it
// back in the Consistency-Token header reads that state or a later one
// through any instance. The embedded store gives none.
func reportToken(ctx context.Context, token func() string) {
	if t := token(); t != "" {
		graphql.RegisterExtension(ctx, "consistencyToken", t)
	}
}

// entityHistory answers Entity.history: the store's versions (a read-only
// store has only the one it serves), those recorded by asOf when given.
func (r *Resolver) entityHistory(ctx context.Context, obj *cg.Entity, asOf *time.Time) ([]*model.EntityVersion, error) {
	versions := []cg.EntityVersion{{Entity: obj, PutStamp: cg.CuratedStamp()}}
	if r.Writer != nil {
		var err error
		if versions, err = r.Writer.EntityHistory(ctx, obj.ID); err != nil {
			return nil, err
		}
	}
	stamps := make([]cg.PutStamp, len(versions))
	for i, v := range versions {
		stamps[i] = v.PutStamp
	}
	out := []*model.EntityVersion{}
	for _, v := range versions[:cg.StampAsOf(stamps, asOf)+1] {
		at, by, reason := stampFields(v.PutStamp)
		out = append(out, &model.EntityVersion{Version: v.Version, RecordedAt: at, RecordedBy: by, Reason: reason, Entity: v.Entity})
	}
	return out, nil
}

// sourceHistory answers Source.history, as entityHistory.
func (r *Resolver) sourceHistory(ctx context.Context, obj *cg.Source, asOf *time.Time) ([]*model.SourceVersion, error) {
	versions := []cg.SourceVersion{{Source: obj, PutStamp: cg.CuratedStamp()}}
	if r.Writer != nil {
		var err error
		if versions, err = r.Writer.SourceHistory(ctx, obj.ID); err != nil {
			return nil, err
		}
	}
	stamps := make([]cg.PutStamp, len(versions))
	for i, v := range versions {
		stamps[i] = v.PutStamp
	}
	out := []*model.SourceVersion{}
	for _, v := range versions[:cg.StampAsOf(stamps, asOf)+1] {
		at, by, reason := stampFields(v.PutStamp)
		out = append(out, &model.SourceVersion{Version: v.Version, RecordedAt: at, RecordedBy: by, Reason: reason, Source: v.Source})
	}
	return out, nil
}

func stampFields(s cg.PutStamp) (*time.Time, *string, *string) {
	var at *time.Time
	if !s.RecordedAt.IsZero() {
		t := s.RecordedAt
		at = &t
	}
	return at, nullable(s.RecordedBy), nullable(s.Reason)
}

// inputError points a store's field error at the mutation's input object.
func inputError(err error) error {
	var e *cg.Error
	if errors.As(err, &e) && e.Field != "" {
		c := *e
		c.Field = "input." + e.Field
		return &c
	}
	return err
}

func evidenceInputs(in []*model.EvidenceInput) []cg.Evidence {
	out := make([]cg.Evidence, 0, len(in))
	for _, e := range in {
		ev := cg.Evidence{SourceID: e.Source, Quote: e.Quote}
		if e.AttributedTo != nil {
			ev.AttributedTo = *e.AttributedTo
		}
		out = append(out, ev)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
