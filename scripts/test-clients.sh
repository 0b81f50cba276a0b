#!/usr/bin/env bash
# Real GraphQL clients against the live server (built from ./server, started
# on a free port with a temporary data directory): graphql-js's standard
# introspection query + buildClientSchema + validation of the example
# queries, and graphql-http's GraphQL-over-HTTP server audit (0 errors,
# 0 warnings). Package versions are pinned by e2e/clients/js/package-lock.json.
# Usage: scripts/test-clients.sh   (needs go, node/npm)
set -euo pipefail
cd "$(dirname "$0")/../e2e/clients/js"
echo "== npm ci (graphql, graphql-http)"
npm ci --no-audit --no-fund
echo "== node --test"
node --test
