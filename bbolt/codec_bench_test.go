package bbolt

import (
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkDecodeCommitments decodes the values of 100,000 synthetic
// commitments in each format's encoding, on one goroutine, and reports
// the time and allocations per commitment (docs/benchmarks.md, "The
// embedded store at 1M").
func BenchmarkDecodeCommitments(b *testing.B) {
	ds := storetest.SyntheticSkewed(100_000, 5_000, 1)
	for name, codec := range map[string]commitmentCodec{"json": jsonCodec, "cbor": binaryCodec} {
		b.Run(name, func(b *testing.B) {
			values := make([][]byte, len(ds.Commitments))
			size := 0
			for i, c := range ds.Commitments {
				v, err := codec.encode(c)
				if err != nil {
					b.Fatal(err)
				}
				values[i], size = v, size+len(v)
			}
			decode := codec.decoder()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				block := make([]cg.Commitment, len(values))
				for i, v := range values {
					if err := decode(v, &block[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
			n := float64(b.N) * float64(len(values))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/commitment")
			b.ReportMetric(float64(size)/float64(len(values)), "bytes/commitment")
			b.ReportMetric(0, "ns/op")
		})
	}
}
