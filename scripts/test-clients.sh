#!/usr/bin/env bash
# Real GraphQL clients against the live server (built from ./server, started
# on a free port with a temporary data directory):
#   - graphql-js: the standard introspection query with every option,
#     buildClientSchema, validation of the example queries, /schema.graphql;
#   - graphql-http's GraphQL-over-HTTP server audit (0 errors, 0 warnings);
#   - Python's gql with fetch_schema_from_transport=True.
# Versions are pinned: e2e/clients/js/package-lock.json and
# e2e/clients/python/requirements.txt (installed into .venv-clients, only
# when that file changed).
# Usage: scripts/test-clients.sh   (needs go, node/npm, python3 with venv)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin_dir="$(mktemp -d)"
trap 'rm -rf "$bin_dir"' EXIT
echo "== go build ./server"
go build -o "$bin_dir/server" ./server
export CLIENTS_SERVER_BIN="$bin_dir/server"
status=0

echo "== graphql-js and the graphql-http audit (npm ci)"
(cd e2e/clients/js && npm ci --no-audit --no-fund && node --test) || status=1

echo "== Python gql"
venv="${CLIENTS_VENV:-$root/.venv-clients}"
req="$root/e2e/clients/python/requirements.txt"
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
	echo "python3 with venv is missing (Debian: apt-get install python3-venv)" >&2
	exit 1
fi
marker="$venv/.requirements-$( { python3 -V; cat "$req"; } | sha256sum | cut -c1-16)"
if [ ! -f "$marker" ]; then
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
	touch "$marker"
fi
"$venv/bin/python" -m unittest discover -s e2e/clients/python -v || status=1
exit $status
