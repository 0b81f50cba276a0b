#!/usr/bin/env bash
# The query-set benchmark of issue 13, one command:
#   scripts/bench.sh                      # SIZES=10000,100000 DURATION=10s CONNECTIONS=1,8,32
#   SIZES=10000 DURATION=3s scripts/bench.sh   # a quick run
#   scripts/bench.sh --deps               # only install the peer and load tool; prints their directory
#
# For each size it generates storetest.SyntheticSkewed(size, size/20, 1), serves it from the
# embedded store (bbolt in a temp dir) and from a Neo4j 5.26 started by internal/testsupport
# (free port, temp dir), and beside the Neo4j API the same queries as raw Cypher through the Go
# driver (the floor) and through @neo4j/graphql on graphql-yoga (the peer) on the same Neo4j.
# Answers are checked equal before any timing. Load: autocannon, one run per store, query and
# connection count. Results: the "Query set" section of docs/benchmarks.md (BENCH_OUT=file
# writes them there instead). Not part of CI; bench/peer_test.go is its CI-sized check.
#
# Node 20+ and npm; the peer's packages are pinned in bench/peer/package-lock.json and
# installed with `npm ci` into a cache directory keyed by that file.
# Neo4j is filled the way an operator fills an empty database at scale: the import files
# (neo4j/importfiles), `neo4j-admin database import full` with the tool's default memory
# settings, then the harness's Neo4j started on the imported store, its schema made and every
# index ONLINE before timing, then the plan warm-up the server runs at start (neo4j/warmup.go), untimed
# (a cut cold plan is not cached), and the answers check asks every query once before any timing.
# Then an unchanged Store.Load over
# that graph is timed (issue 13's reload target).
# Other knobs: QUERIES=regexp (by query name), BENCH_TIMEOUT (go test -timeout, default 6h),
# BENCH_NEO4J_LOAD=load (fill with Store.Load's batched statements instead of the import tool),
# BENCH_RELOAD=0 (skip the unchanged reload), NEO4J_PAGECACHE_MB (the harness Neo4j's page cache,
# default 128 MiB as in the tests; the 1M store is about 2.1 GB),
# NEO4J_URI (an empty Neo4j 5 without auth to use instead of starting one; implies load).
# It starts a Neo4j: on a shared machine run it through the Neo4j slot limiter.
# The answers check alone (small data, a few minutes): go test -tags bench -run TestPeerAnswersAsTheAPI ./bench
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

peer_src="$root/bench/peer"
hash="$( { node --version; cat "$peer_src/package-lock.json"; } | sha256sum | cut -c1-16)"
peer_dir="${XDG_CACHE_HOME:-$HOME/.cache}/coalitiongraph/bench-peer-$hash"
if [ ! -f "$peer_dir/.installed" ]; then
	echo "== npm ci (the peer and autocannon) into $peer_dir" >&2
	rm -rf "$peer_dir"
	mkdir -p "$peer_dir"
	cp "$peer_src/package.json" "$peer_src/package-lock.json" "$peer_dir/"
	(cd "$peer_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
	touch "$peer_dir/.installed"
fi
cp "$peer_src"/*.mjs "$peer_dir/"
if [ "${1:-}" = "--deps" ]; then
	echo "$peer_dir"
	exit 0
fi

export BENCH_PEER_DIR="$peer_dir"
export BENCH_SIZES="${SIZES:-10000,100000}"
export BENCH_DURATION="${DURATION:-10s}"
export BENCH_CONNECTIONS="${CONNECTIONS:-1,8,32}"
export BENCH_QUERIES="${QUERIES:-}"
export BENCH_NEO4J_LOAD="${BENCH_NEO4J_LOAD:-}"
export BENCH_RELOAD="${BENCH_RELOAD:-}"
if [ -n "${NEO4J_PAGECACHE_MB:-}" ]; then export COALITIONGRAPH_NEO4J_PAGECACHE_MB="$NEO4J_PAGECACHE_MB"; fi
export BENCH_OUT="${BENCH_OUT:-$root/docs/benchmarks.md}"
echo "== sizes $BENCH_SIZES, $BENCH_DURATION a run, connections $BENCH_CONNECTIONS; results to $BENCH_OUT" >&2
go test -tags bench -count=1 -run '^$' -bench '^BenchmarkQuerySet$' -benchtime 1x -timeout "${BENCH_TIMEOUT:-6h}" -v ./bench
