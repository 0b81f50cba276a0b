#!/usr/bin/env bash
# Runs the Python client's tests (clients/python/tests) in the notebook's
# pinned venv (scripts/notebook-venv.sh installs the client from its path)
# against a real server the tests build and start on a free port with a
# temporary data directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$("$root/scripts/notebook-venv.sh")"
cd "$root/clients/python"
exec "$python" -m pytest -q -p no:cacheprovider tests "$@"
