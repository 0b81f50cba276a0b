package inmem

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// randomWriter writes at random to a store whose dataset holds the source
// "src-text" ("a quote" on line 1): a record between two of ends, a change
// of status (and of date, when dates are given) or a retraction, each a
// third of the time; live are the ids not retracted.
type randomWriter struct {
	t     *testing.T
	s     *Store
	r     *rand.Rand
	ends  []string
	dates []string // "" is an unknown date; none: dates left as they are
	live  []string
}

func (w *randomWriter) write(i int) {
	w.t.Helper()
	ctx := w.t.Context()
	m := cg.WriteMeta{By: "test", At: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), Reason: "test"}
	ev := []cg.Evidence{{SourceID: "src-text", Quote: "a quote", Line: 1}}
	date := func() cg.Date { return cg.MustDate(w.dates[w.r.IntN(len(w.dates))]) }
	switch op := w.r.IntN(3); {
	case op == 0 || len(w.live) == 0:
		kind := cg.CommitmentKinds[w.r.IntN(len(cg.CommitmentKinds))]
		c := &cg.Commitment{ID: fmt.Sprintf("n%05d", i), Kind: kind, ActorID: w.ends[w.r.IntN(len(w.ends))],
			TargetID: w.ends[w.r.IntN(len(w.ends))], Status: kind.AllowedStatuses()[0], Evidence: ev}
		if len(w.dates) > 0 {
			c.Date = date()
		}
		if _, err := w.s.RecordCommitment(ctx, c, m); err != nil {
			w.t.Fatalf("record: %v", err)
		}
		w.live = append(w.live, c.ID)
	case op == 1:
		h, err := w.s.CommitmentHistory(ctx, w.live[w.r.IntN(len(w.live))])
		if err != nil {
			w.t.Fatal(err)
		}
		cur := h[len(h)-1]
		allowed := cur.Kind.AllowedStatuses()
		ch := cg.CommitmentChange{ID: cur.ID, BaseVersion: cur.Version, Status: allowed[w.r.IntN(len(allowed))], Evidence: ev}
		if len(w.dates) > 0 {
			d := date()
			ch.Date = &d
		}
		if _, err := w.s.ChangeCommitment(ctx, ch, m); err != nil {
			w.t.Fatalf("change %s: %v", cur.ID, err)
		}
	default:
		j := w.r.IntN(len(w.live))
		h, err := w.s.CommitmentHistory(ctx, w.live[j])
		if err != nil {
			w.t.Fatal(err)
		}
		if _, err := w.s.RetractCommitment(ctx, w.live[j], h[len(h)-1].Version, m); err != nil {
			w.t.Fatalf("retract %s: %v", w.live[j], err)
		}
		w.live = slices.Delete(w.live, j, j+1)
	}
}
