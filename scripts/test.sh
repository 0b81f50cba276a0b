#!/usr/bin/env bash
# Runs every check and test of the project, installing what they need first
# (Neo4j's jars through Maven, chromium, the Python virtual environment).
# This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - start))"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go') 2>&1)
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted"

step "go vet"
go vet ./...

step "generated code is current"
before=$(cat schema.graphqls gqlgen.yml graph/generated.go graph/model/models_gen.go graph/schema.resolvers.go | sha256sum)
go generate .
after=$(cat schema.graphqls gqlgen.yml graph/generated.go graph/model/models_gen.go graph/schema.resolvers.go | sha256sum)
[ "$before" = "$after" ] || fail "gqlgen output was stale; 'go generate .' has regenerated it: commit the result"

step "Neo4j test harness jars"
scripts/neo4j-deps.sh >/dev/null

step "Go tests (the Neo4j tests start a real Neo4j in-process)"
go test -count=1 -timeout 30m ./...

for extra in scripts/test-dashboard.sh; do
	if [ -x "$extra" ]; then
		step "$extra"
		"$extra"
	fi
done
# Python client against a real server (helper exports)
step "Python client (clients/python) against a running server"
scripts/test-python-client.sh

step "all tests passed"
