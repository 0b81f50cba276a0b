#!/usr/bin/env bash
# Vendors GraphiQL's dist files (versions pinned by httpapi/graphiql/package.json
# and its lock) into httpapi/graphiql/dist, which the binary embeds: no CDN.
# With --check it fails when the committed files differ from a fresh copy.
# Usage: scripts/graphiql-vendor.sh [--check]   (needs node/npm)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../httpapi/graphiql"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
mkdir -p dist
cp node_modules/react/umd/react.production.min.js dist/react.production.min.js
cp node_modules/react-dom/umd/react-dom.production.min.js dist/react-dom.production.min.js
cp node_modules/graphiql/graphiql.min.js dist/graphiql.min.js
cp node_modules/graphiql/graphiql.min.css dist/graphiql.min.css
cp node_modules/@graphiql/plugin-explorer/dist/index.umd.js dist/plugin-explorer.umd.js
cp node_modules/@graphiql/plugin-explorer/dist/style.css dist/plugin-explorer.css
if [ "${1:-}" = "--check" ]; then
	if ! git diff --exit-code --stat -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
		echo "httpapi/graphiql/dist differs from the pinned packages: run scripts/graphiql-vendor.sh and commit httpapi/graphiql/dist" >&2
		exit 1
	fi
fi
