package export_test

import (
	"context"
	"io"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/export"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkTidy measures the tidy export of 20,000 synthetic commitments:
// the snapshot, then each table as CSV and as Parquet, side by side.
func BenchmarkTidy(b *testing.B) {
	st, err := inmem.New(storetest.Synthetic(20000, 500, 1))
	if err != nil {
		b.Fatal(err)
	}
	e := &export.Exporter{Store: st, CallTimeout: time.Minute}
	ctx := context.Background()
	b.Run("snapshot", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.Snapshot(ctx, cg.CommitmentFilter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	s, err := e.Snapshot(ctx, cg.CommitmentFilter{})
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"commitments", "evidence"} {
		tab, _ := export.TableByName(name)
		b.Run(name+"/csv", func(b *testing.B) {
			for b.Loop() {
				if err := export.WriteCSV(io.Discard, tab, s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/parquet", func(b *testing.B) {
			for b.Loop() {
				if err := export.WriteParquet(io.Discard, tab, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
