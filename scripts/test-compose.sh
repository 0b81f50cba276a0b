#!/usr/bin/env bash
# Validates docker-compose.yml and the reverse proxy's deploy/Caddyfile
# without a container engine: `docker-compose config` (Debian's
# docker-compose, the Python implementation) parses and resolves the compose
# file, and `caddy validate` (Debian's caddy) loads the Caddyfile as Caddy
# would. On Debian as root it installs both with apt-get; elsewhere it needs
# them on PATH. What it cannot run here: building the image, starting the
# services and a request through the proxy (no engine); see
# docs/instances.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need() {
	local tool=$1 pkg=$2
	command -v "$tool" >/dev/null 2>&1 && return 0
	if [ -r /etc/debian_version ] && [ "$(id -u)" = 0 ]; then
		echo "installing $pkg (apt-get)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$pkg" >/dev/null ||
			{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$pkg" >/dev/null; }
	fi
	command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool: install $pkg (this script installs it only on Debian as root)" >&2; return 1; }
}
need docker-compose docker-compose
need caddy caddy

# The compose file resolves; two instances behind the proxy, which mounts
# the Caddyfile validated below.
resolved=$(docker-compose -f docker-compose.yml config)
for want in '/deploy/Caddyfile:/etc/caddy/Caddyfile:ro' 'image: caddy:'; do
	grep -qF -- "$want" <<<"$resolved" || { echo "docker-compose config lacks $want" >&2; exit 1; }
done
services=$(docker-compose -f docker-compose.yml config --services | sort | tr '\n' ' ')
[ "$services" = "neo4j proxy seed server-a server-b " ] || { echo "unexpected services: $services" >&2; exit 1; }
echo "docker-compose config: ok ($services)"

# The proxy's upstreams are those services, by name.
for svc in server-a server-b; do
	grep -q "$svc:8080" deploy/Caddyfile || { echo "deploy/Caddyfile does not proxy to $svc" >&2; exit 1; }
done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
caddy validate --config deploy/Caddyfile --adapter caddyfile >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
echo "caddy validate deploy/Caddyfile: ok"
