#!/usr/bin/env bash
# Runs every check and test of the project, installing what they need first
# (Neo4j's jars through Maven, chromium, the Python virtual environment).
# This is the README's test command and what CI runs (.ci/run sets CI=true).
#
# Every step runs even when an earlier one fails; the failures are listed at
# the end and the exit status is 1 if there was any. No `set -e`: it would
# hide the steps after the first failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$SECONDS
failures=()
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - start))"; }
# run NAME CMD...: one step; its failure is recorded, not fatal.
run() {
	local name=$1
	shift
	step "$name"
	if ! "$@"; then
		echo "FAIL: $name" >&2
		failures+=("$name")
	fi
}

# What this script needs and cannot install itself. It installs chromium with
# apt-get only on Debian/Ubuntu as root; elsewhere it says so and that step fails.
prereqs() {
	local missing=0 tool
	for tool in go java mvn node npm python3 git; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "missing prerequisite: $tool (see README.md, Prerequisites; this script cannot install it)" >&2
			missing=1
		fi
	done
	if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
		echo "missing prerequisite: python3 venv/ensurepip (Debian: apt-get install python3-venv)" >&2
		missing=1
	fi
	if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		if [ -r /etc/debian_version ] && [ "$(id -u)" = 0 ]; then
			echo "chromium is not installed: the dashboard step installs it with apt-get"
		else
			echo "missing prerequisite: chromium at ${CHROMIUM:-/usr/bin/chromium}: this script installs it only on Debian as root;" >&2
			echo "  install chromium yourself and set CHROMIUM=/path/to/chromium" >&2
			missing=1
		fi
	fi
	return $missing
}

gofmt_clean() {
	local unformatted
	unformatted=$(gofmt -l $(git ls-files '*.go') 2>&1)
	[ -z "$unformatted" ] || { echo "gofmt would change: $unformatted" >&2; return 1; }
}

generated_current() {
	local files="gqlgen.yml graph/*.graphqls graph/*.resolvers.go graph/generated.go graph/model/models_gen.go client/schema.graphql client/generated.go"
	local before after
	before=$( (ls graph; cat $files) | sha256sum)
	go generate . ./client || return 1
	after=$( (ls graph; cat $files) | sha256sum)
	[ "$before" = "$after" ] || { echo "gqlgen or genqlient output was stale; 'go generate . ./client' has regenerated it: commit the result" >&2; return 1; }
}

run "prerequisites" prereqs
run "gofmt" gofmt_clean
run "go vet" go vet ./...
run "generated code is current" generated_current
run "GraphiQL's vendored files match the pinned packages" scripts/graphiql-vendor.sh --check
run "Neo4j test harness jars" sh -c 'scripts/neo4j-deps.sh >/dev/null'
# ./neo4j/ first: go test runs the packages in the order given, two at a time
# (-p is the number of cores), and the neo4j package is the longest by far
# (about 15 min alone); started last behind e2e and the others it ran alone
# at the end with a core idle. First, the others share the second core
# beside it (docs/benchmarks.md, "Test and CI time (session 13)").
run "Go tests (the Neo4j tests start a real Neo4j in-process)" go test -count=1 -timeout 30m ./neo4j/ ./...
# Brief fuzzing of the two parsers of outside input, from their committed corpora.
# Budgets are execution counts (about 20 s each on an idle 2-core machine), not
# durations: with a duration, Go 1.26's fuzz coordinator can report its own
# end-of-time deadline as a failure with no failing input (golang/go#75804,
# fixed in Go 1.27); a count has no deadline to race.
run "fuzz the GraphQL endpoint (80000 inputs)" go test ./httpapi -run '^$' -fuzz '^FuzzGraphQL$' -fuzztime 80000x
run "fuzz the dataset loader (150000 inputs)" go test ./dataset -run '^$' -fuzz '^FuzzLoad$' -fuzztime 150000x

# Further suites: each is its own step, run even when the Go tests failed.
for extra in scripts/test-dashboard.sh scripts/test-clients.sh scripts/test-python-client.sh scripts/test-compose.sh; do
	if [ -x "$extra" ]; then
		run "$extra" "$extra"
	fi
done

step "done in $((SECONDS - start))s"
if [ ${#failures[@]} -gt 0 ]; then
	echo "${#failures[@]} step(s) failed:" >&2
	printf '  - %s\n' "${failures[@]}" >&2
	exit 1
fi
echo "all tests passed"
