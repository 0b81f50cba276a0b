package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// testConcurrentChanges has writers race to change one commitment, each
// reading the current version and basing its change on it. In each round
// all writers read before any writes, so they all hold the same base: every
// attempt must either make exactly the next version or be refused with
// CONFLICT, exactly one per round must win, and the history must hold every
// successful change, numbered without gaps or repeats (no lost update).
const raceWriters, raceRounds = 16, 4

func testConcurrentChanges(t *testing.T, s cg.WritableStore) {
	const writers, rounds = raceWriters, raceRounds
	id := c(1)[0]
	type success struct {
		version int
		quote   string
	}
	var (
		mu        sync.Mutex
		successes []success
		conflicts int
	)
	start := ts("2025-09-01T00:00:00Z")
	for r := range rounds {
		var read, wrote sync.WaitGroup
		gate := make(chan struct{})
		for w := range writers {
			read.Add(1)
			wrote.Add(1)
			go func() {
				defer wrote.Done()
				ctx := t.Context()
				p, err := s.Commitments(ctx, cg.CommitmentFilter{IDs: []string{id}}, cg.Page{})
				read.Done()
				if err != nil || len(p.Commitments) != 1 {
					t.Errorf("writer %d: reading %s: %v", w, id, err)
					return
				}
				base := p.Commitments[0].Version
				quote := fmt.Sprintf("writer %d, round %d", w, r)
				status := cg.StatusPledged
				if (w+r)%2 == 0 {
					status = cg.StatusOffered
				}
				<-gate
				got, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: id, BaseVersion: base, Status: status,
					Evidence: []cg.Evidence{{SourceID: "src-a", Quote: quote}}},
					cg.WriteMeta{By: fmt.Sprintf("writer-%d", w), At: start.Add(time.Duration(r*writers+w) * time.Second)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && got.Version == base+1 && got.Status == status && got.Evidence[len(got.Evidence)-1].Quote == quote:
					successes = append(successes, success{got.Version, quote})
				case err == nil:
					t.Errorf("writer %d: change based on version %d made version %d with status %s, last evidence %q",
						w, base, got.Version, got.Status, got.Evidence[len(got.Evidence)-1].Quote)
				case cg.ErrorCode(err) == cg.CodeConflict:
					conflicts++
				default:
					t.Errorf("writer %d: %v, want success or CONFLICT", w, err)
				}
			}()
		}
		read.Wait()
		close(gate)
		wrote.Wait()
	}
	if len(successes) != rounds || conflicts != (writers-1)*rounds {
		t.Errorf("%d changes succeeded and %d conflicted; want one success per round (%d) and the rest (%d) conflicts",
			len(successes), conflicts, rounds, (writers-1)*rounds)
	}
	h := must(s.CommitmentHistory(t.Context(), id))(t)
	if len(h) != 1+len(successes) {
		t.Errorf("history has %d versions after %d successful changes, want %d", len(h), len(successes), 1+len(successes))
	}
	for i, v := range h {
		if v.Version != i+1 {
			t.Errorf("history[%d] is version %d, want %d", i, v.Version, i+1)
		}
		// Each version adds one evidence item to the previous one's.
		if want := len(Fixture().Commitments[0].Evidence) + i; len(v.Evidence) != want {
			t.Errorf("version %d has %d evidence items, want %d", v.Version, len(v.Evidence), want)
		}
	}
	for _, sc := range successes {
		if sc.version < 2 || sc.version > len(h) {
			t.Errorf("successful change made version %d; the history has %d", sc.version, len(h))
			continue
		}
		v := h[sc.version-1]
		if got := v.Evidence[len(v.Evidence)-1].Quote; got != sc.quote {
			t.Errorf("version %d holds %q, but the change that returned it added %q (lost update)", sc.version, got, sc.quote)
		}
	}
	cur := read(t, s, id, nil)
	if cur == nil || cur.Version != len(h) {
		t.Errorf("current version %v, want %d", cur, len(h))
	}
}

// raceText is what the racing writers quote: each cites its own words,
// which the fixture's src-a holds.
func raceText() string {
	var b strings.Builder
	for r := range raceRounds {
		for w := range raceWriters {
			fmt.Fprintf(&b, "writer %d, round %d.\n", w, r)
		}
	}
	return b.String()
}
