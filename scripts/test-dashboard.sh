#!/usr/bin/env bash
# The dashboard's checks, as CI runs them: the committed bundle must be what
# the sources build, then the browser tests run against the real server.
# Usage: scripts/test-dashboard.sh   (from anywhere; needs go, node/npm, root for apt-get)
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "== installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium
fi
"$CHROMIUM" --version 2>/dev/null | head -1 || true

echo "== npm ci"
(cd dashboard && npm ci --no-audit --no-fund)

echo "== rebuilding the bundle"
(cd dashboard && npm run build)
# A stale or hand-edited bundle fails here: added, changed or removed files.
if ! git diff --exit-code --stat -- dashboard/dist || [ -n "$(git ls-files --others --exclude-standard -- dashboard/dist)" ]; then
  echo "dashboard/dist differs from a fresh build: run 'cd dashboard && npm ci && npm run build' and commit dashboard/dist" >&2
  git status --short -- dashboard/dist >&2
  exit 1
fi

echo "== go test ./dashboard"
go test ./dashboard

echo "== browser tests (screenshots: ${DASHBOARD_SCREENSHOTS:-artifacts/screenshots})"
cd dashboard
CHROMIUM="$CHROMIUM" node --test test/*.test.mjs
