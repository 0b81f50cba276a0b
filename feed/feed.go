// Package feed is the in-process side of the change feed (cg.ChangeFeed):
// a Broker fans events out to this process's subscribers, each resumable
// from a cursor. The embedded store publishes into one as it writes and
// the Broker keeps the last events in memory; the Neo4j store publishes
// what it tails from its outbox and gives the Broker its backlog.
package feed

import (
	"context"
	"sync"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Backlog reads the feed's past: up to limit events after the cursor
// after, oldest first, or CURSOR_EXPIRED when events after it are gone.
type Backlog interface {
	ChangesAfter(ctx context.Context, after int64, limit int) ([]cg.ChangeEvent, error)
}

// Options configure a Broker.
type Options struct {
	// Backlog is where subscribers catch up from; nil keeps the last
	// Retain events in memory and catches up from them.
	Backlog Backlog
	// Retain is how many events the memory backlog keeps (DefaultRetain
	// when 0).
	Retain int
	// Start is the cursor before the first event: the Broker numbers
	// events it is given without one from Start+1.
	Start int64
}

// DefaultRetain is the memory backlog's size.
const DefaultRetain = 10000

// subscriberBuffer is how many events a subscriber may fall behind live
// delivery before it catches up from the backlog instead, so a slow
// subscriber never holds up writes and never loses an event the backlog
// still has.
const subscriberBuffer = 256

// catchUpBatch is how many events one backlog read returns.
const catchUpBatch = 500

// Broker fans events out to subscribers; it is safe for concurrent use.
type Broker struct {
	backlog Backlog

	mu     sync.Mutex
	last   int64
	retain int
	// ring holds the last events when there is no Backlog; pruned is the
	// cursor of the newest event it dropped (or Start).
	ring     []cg.ChangeEvent
	pruned   int64
	versions map[string]int
	subs     map[*subscriber]struct{}
}

type subscriber struct {
	live chan cg.ChangeEvent
	// lagged is set (under the Broker's mu) when live was full: the
	// subscriber then catches up from the backlog.
	lagged bool
	kick   chan struct{}
}

// New returns a Broker with no subscribers.
func New(o Options) *Broker {
	if o.Retain <= 0 {
		o.Retain = DefaultRetain
	}
	return &Broker{backlog: o.Backlog, last: o.Start, pruned: o.Start, retain: o.Retain,
		versions: map[string]int{}, subs: map[*subscriber]struct{}{}}
}

// Last is the cursor of the newest event published.
func (b *Broker) Last() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// Publish delivers ev to every subscriber and returns it as delivered, with
// its cursor: ev's own, or the next one when it has none. An event whose
// cursor is not past the last one, or whose commitment version was
// published already, is a duplicate and is dropped (ok false).
func (b *Broker) Publish(ev cg.ChangeEvent) (_ cg.ChangeEvent, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ev.Commitment == nil || ev.Cursor != 0 && ev.Cursor <= b.last {
		return ev, false
	}
	c := ev.Commitment
	if v, seen := b.versions[c.ID]; seen && c.Version <= v {
		// The cursor still moves on: a tailer reads from Last.
		b.last = max(b.last, ev.Cursor)
		return ev, false
	}
	if ev.Cursor == 0 {
		ev.Cursor = b.last + 1
	}
	b.last = ev.Cursor
	b.versions[c.ID] = c.Version
	if b.backlog == nil {
		b.ring = append(b.ring, ev)
		if n := len(b.ring) - b.retain; n > 0 {
			b.pruned = b.ring[n-1].Cursor
			// Copy rather than reslice, so the dropped events' memory goes.
			b.ring = append(make([]cg.ChangeEvent, 0, b.retain+1), b.ring[n:]...)
		}
	}
	for s := range b.subs {
		if s.lagged {
			continue
		}
		select {
		case s.live <- ev:
		default:
			s.lagged = true
			select {
			case s.kick <- struct{}{}:
			default:
			}
		}
	}
	return ev, true
}

// ChangesAfter reads the memory backlog, or the Backlog given.
func (b *Broker) ChangesAfter(ctx context.Context, after int64, limit int) ([]cg.ChangeEvent, error) {
	if b.backlog != nil {
		return b.backlog.ChangesAfter(ctx, after, limit)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if after < b.pruned {
		return nil, cg.CursorExpired(after, b.pruned)
	}
	var out []cg.ChangeEvent
	for _, ev := range b.ring {
		if ev.Cursor > after {
			out = append(out, ev)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// Changes implements cg.ChangeFeed. The subscriber is registered before
// the backlog is read, so an event committed meanwhile is in one or the
// other, and delivery skips any cursor it has passed: no gap and no repeat
// at the seam.
func (b *Broker) Changes(ctx context.Context, after *int64) (<-chan cg.ChangeEvent, error) {
	s := &subscriber{live: make(chan cg.ChangeEvent, subscriberBuffer), kick: make(chan struct{}, 1)}
	b.mu.Lock()
	pos := b.last
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	var first []cg.ChangeEvent
	if after != nil {
		pos = *after
		var err error
		if first, err = b.ChangesAfter(ctx, pos, catchUpBatch); err != nil {
			b.unsubscribe(s)
			return nil, err
		}
	}
	out := make(chan cg.ChangeEvent)
	go func() {
		defer close(out)
		defer b.unsubscribe(s)
		send := func(ev cg.ChangeEvent) bool {
			if ev.Cursor <= pos {
				return true
			}
			select {
			case out <- ev:
				pos = ev.Cursor
				return true
			case <-ctx.Done():
				return false
			}
		}
		// catchUp delivers the backlog after pos until it is exhausted.
		catchUp := func(evs []cg.ChangeEvent) bool {
			for {
				for _, ev := range evs {
					if !send(ev) {
						return false
					}
				}
				if evs != nil && len(evs) < catchUpBatch {
					return true
				}
				var err error
				if evs, err = b.ChangesAfter(ctx, pos, catchUpBatch); err != nil {
					return false
				}
				if len(evs) == 0 {
					return true
				}
			}
		}
		if after != nil && !catchUp(first) {
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-s.live:
				if !send(ev) {
					return
				}
			case <-s.kick:
				b.mu.Lock()
				s.lagged = false
				b.mu.Unlock()
				// Events published from here on arrive live; those before
				// are in the backlog, read now.
				if !catchUp(nil) {
					return
				}
			}
		}
	}()
	return out, nil
}

func (b *Broker) unsubscribe(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.subs, s)
}

var _ cg.ChangeFeed = (*Broker)(nil)
