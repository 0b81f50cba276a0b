#!/usr/bin/env bash
# Resolves the Java classpath of the Neo4j test harness (internal/testsupport/neo4j/pom.xml)
# and caches it, so the Go integration tests can start a real Neo4j without Docker.
#
# CI calls this before `go test`; the Go test support also calls it when needed, so it
# must stay idempotent and cheap when the cache is warm. Maven's downloads stay in its
# local repository (~/.m2 unless configured otherwise) and are reused between runs.
#
# The cache file is keyed by the pom's hash, so editing the pom re-resolves. It is
# also re-resolved when any jar it lists has gone (e.g. a wiped Maven repository).
#
# stdout: exactly one line, the path of the cache file (one classpath line inside).
# stderr: progress. Exit status 3 means a required tool (java, mvn) is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pom="$root/internal/testsupport/neo4j/pom.xml"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/coalitiongraph"
# A plugin version must be pinned: left to itself Maven 3.8 picks a 2.x
# dependency plugin whose build-classpath goal fails.
dep_plugin="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

hash="$(sha256sum "$pom" | cut -c1-16)"
cache="$cache_dir/neo4j-classpath-$hash.txt"

complete() {
	[[ -s "$1" ]] || return 1
	local jar
	local IFS=:
	for jar in $(<"$1"); do
		[[ -f "$jar" ]] || return 1
	done
}

if complete "$cache"; then
	echo "$cache"
	exit 0
fi

for tool in java mvn; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "neo4j-deps: '$tool' not found; install a JDK (17 or 21) and Maven" >&2
		exit 3
	fi
done

mkdir -p "$cache_dir"
# Parallel `go test` packages may all get here on a cold machine; Maven's local
# repository is not safe for concurrent writers, so resolution is serialised.
exec 9>"$cache_dir/neo4j-classpath.lock"
flock 9
if complete "$cache"; then # another process resolved it while we waited
	echo "$cache"
	exit 0
fi

echo "neo4j-deps: resolving Neo4j harness classpath with Maven (first run downloads ~170 MB)..." >&2
start=$SECONDS
tmp="$(mktemp "$cache_dir/.neo4j-classpath.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
if ! mvn -B -q -Dstyle.color=never -f "$pom" "$dep_plugin:build-classpath" -Dmdep.outputFile="$tmp" >&2; then
	echo "neo4j-deps: Maven failed to resolve the classpath of $pom" >&2
	exit 1
fi
if ! complete "$tmp"; then
	echo "neo4j-deps: Maven produced an empty or incomplete classpath" >&2
	exit 1
fi
mv "$tmp" "$cache"
trap - EXIT
echo "neo4j-deps: classpath resolved in $((SECONDS - start))s -> $cache" >&2
echo "$cache"
