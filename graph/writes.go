package graph

import (
	"context"
	"errors"
	"sync"
	"time"

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

// publish tells subscribers about a write, unless the store answered it
// from its request log: a retried request changed nothing the first one
// had not, and subscribers saw that one.
func (r *Resolver) publish(replayed func() bool, t model.ChangeType, c *cg.Commitment) {
	if !replayed() {
		r.Broker.Publish(t, c)
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

// Broker fans commitment changes out to subscriptions in this process.
type Broker struct {
	mu   sync.Mutex
	next int
	subs map[int]chan *model.CommitmentChange
}

// NewBroker returns an empty broker.
func NewBroker() *Broker { return &Broker{subs: map[int]chan *model.CommitmentChange{}} }

// subscriberBuffer is how many changes a slow subscriber may fall behind
// before it is dropped, so that one stuck client never holds up writes.
const subscriberBuffer = 64

// Subscribe returns a channel of changes that closes when ctx ends.
func (b *Broker) Subscribe(ctx context.Context, keep func(*cg.Commitment) bool) <-chan *model.CommitmentChange {
	in := make(chan *model.CommitmentChange, subscriberBuffer)
	out := make(chan *model.CommitmentChange)
	b.mu.Lock()
	id := b.next
	b.next++
	b.subs[id] = in
	b.mu.Unlock()
	go func() {
		// A panic here (the filter is the resolver's) would end the
		// process: it ends this subscription instead, closing its stream.
		defer func() { _ = recover() }()
		defer close(out)
		defer b.unsubscribe(id)
		for {
			select {
			case <-ctx.Done():
				return
			case ch, ok := <-in:
				if !ok {
					return
				}
				if !keep(ch.Commitment) {
					continue
				}
				select {
				case out <- ch:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func (b *Broker) unsubscribe(id int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ch, ok := b.subs[id]; ok {
		delete(b.subs, id)
		close(ch)
	}
}

// Publish tells every subscriber about a change, dropping subscribers too
// far behind.
func (b *Broker) Publish(t model.ChangeType, c *cg.Commitment) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for id, ch := range b.subs {
		select {
		case ch <- &model.CommitmentChange{Type: t, Commitment: c}:
		default:
			delete(b.subs, id)
			close(ch)
		}
	}
}
