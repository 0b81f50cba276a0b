#!/usr/bin/env bash
# Creates the Python virtual environment the analysts' notebook runs in
# (notebooks/requirements.txt, with every transitive package pinned by
# notebooks/constraints.txt) and prints its python.
#
# The Go test notebooks/notebook_test.go calls it before every run, so it must be
# cheap when nothing changed: pip runs only when the hash of the two files (and of
# the interpreter's version) differs from the marker left by the last install.
# Concurrent callers are serialised with a lock, so two test processes never pip
# into the same venv at once.
#
# The venv lives in the user's cache, one per hash (below), and .venv-notebooks
# (gitignored) links to it: a fresh clone, as every CI run is, then finds its
# venv made instead of spending some 40 s of pip on it (docs/benchmarks.md,
# "Test and CI time (session 14)"). A venv is never changed once its marker
# is written; an edit to the pinned files or the client makes another.
#
# Usage: scripts/notebook-venv.sh        (venv in ~/.cache/coalitiongraph, linked from .venv-notebooks)
#        NOTEBOOK_VENV=/path scripts/notebook-venv.sh   (that venv, kept up to date in place)
#        PYTHON=python3.11 scripts/notebook-venv.sh
# stdout: exactly one line, the path of the venv's python.
# stderr: progress. Exit status 3 means python3, its venv module or pip is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
req="$root/notebooks/requirements.txt"
cons="$root/notebooks/constraints.txt"
py="${PYTHON:-python3}"

if ! command -v "$py" >/dev/null 2>&1; then
	echo "notebook-venv: $py not found" >&2
	exit 3
fi
pyversion="$("$py" -c 'import sys; print(sys.version.split()[0])')"

client="$root/clients/python"
# The Python client is installed from its path, so its sources are part of the hash.
hash="$( { echo "$pyversion"; cat "$req"; if [[ -f "$cons" ]]; then cat "$cons"; fi
	find "$client/pyproject.toml" "$client/src" -type f -name '*.py' -o -name pyproject.toml | sort | xargs cat; } | sha256sum | cut -c1-16)"
cache="${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}"
link=""
if [[ -n "${NOTEBOOK_VENV:-}" ]]; then
	venv="$NOTEBOOK_VENV"
elif [[ -n "$cache" ]]; then
	venv="$cache/coalitiongraph/venv-notebooks-$hash"
	link="$root/.venv-notebooks"
else
	venv="$root/.venv-notebooks"
fi
marker="$venv/.requirements-$hash"

# linked: .venv-notebooks points at the venv (the notebooks' README runs
# .venv-notebooks/bin/python); a directory left there by an older version
# of this script is replaced.
linked() {
	[[ -n "$link" ]] || return 0
	if [[ "$(readlink "$link" 2>/dev/null)" != "$venv" ]]; then
		rm -rf "$link"
		ln -s "$venv" "$link"
	fi
}

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9

if [[ -f "$marker" ]] && "$venv/bin/python" -c '' >/dev/null 2>&1; then
	linked
	echo "$venv/bin/python"
	exit 0
fi

if ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
	# Missing, or made by an interpreter that has gone: start afresh.
	rm -rf "$venv"
	echo "notebook-venv: creating $venv with $py $pyversion" >&2
	if ! "$py" -m venv "$venv" >&2; then
		echo "notebook-venv: '$py -m venv' failed (on Debian: apt-get install python3-venv)" >&2
		rm -rf "$venv"
		exit 3
	fi
fi
if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
	echo "notebook-venv: pip is missing from $venv" >&2
	exit 3
fi

start=$SECONDS
echo "notebook-venv: installing notebooks/requirements.txt (this takes a minute or two the first time)" >&2
args=(-r "$req")
if [[ -f "$cons" ]]; then args+=(-c "$cons"); fi
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q "${args[@]}" >&2
# Not editable, so the venv tests what pip would install; --no-deps since
# requirements.txt pins its dependencies.
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q --no-deps --force-reinstall "$client" >&2
rm -f "$venv"/.requirements-*
touch "$marker"
linked
echo "notebook-venv: installed in $((SECONDS - start))s" >&2
echo "$venv/bin/python"
