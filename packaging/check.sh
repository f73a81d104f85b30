#!/usr/bin/env bash
# Checks the packaging as far as this machine can without an image registry or a running systemd: the unit passes
# `systemd-analyze verify`, and the proxy runs from the packaged configuration with the container's entry point (its JVM
# options, as a user that may write only the log folder) and answers the container's own health check.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
"$root/cb4i" --version >/dev/null   # builds the jar when it is missing

if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$here/systemd/cb4i-proxy.service"
  echo "packaging: systemd-analyze verify: ok ($(systemd-analyze security --offline=yes "$here/systemd/cb4i-proxy.service" 2>/dev/null | tail -1 | sed 's/→ //'))"
elif [ "${CI:-}" = "true" ]; then
  echo "packaging: systemd-analyze is missing (Debian: apt-get install systemd)" >&2; exit 1
else
  echo "packaging: systemd-analyze is missing; the unit is not checked (Debian: apt-get install systemd)"
fi

work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
# The packaged configuration with a local origin (cb4i site), the issuer's keys from a file, and the volumes under $work.
"$root/cb4i" keys generate --out "$work/issuer" >/dev/null
mkdir -p "$work/etc" "$work/state"
port=${PACKAGING_PORT:-18380}
admin=$((port + 1))
for p in "$port" "$admin"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "packaging: port $p is taken; set PACKAGING_PORT to another" >&2; exit 2; fi
done
sed -e "s|0.0.0.0:8080|127.0.0.1:$port|" -e "s|127.0.0.1:9090|127.0.0.1:$admin|" -e "s|/var/lib/cb4i|$work/state|" \
    -e "s|http://origin.internal:8081|http://127.0.0.1:9|" \
    -e "s|jwks: https://licenses.collective.example/.well-known/jwks.json|jwks: file:$work/issuer/public.jwks|" \
    "$here/proxy.yaml" > "$work/etc/proxy.yaml"
chmod -R a-w "$work/etc"

# The container's ENTRYPOINT and CMD, as they are written there.
# (JSON arrays of plain strings: the brackets, quotes and separators dropped; \\ in the health check read as \.)
entry=$(grep '^ENTRYPOINT' "$here/container/Containerfile" | sed 's/^ENTRYPOINT \[//; s/\]$//; s/", "/ /g; s/"//g')
entry=${entry/\/opt\/cb4i\/cb4i.jar/$root/cli/target/cb4i.jar}
$entry --config "$work/etc/proxy.yaml" > "$work/proxy.out" 2>&1 &
pid=$!
health=$(grep -A1 '^HEALTHCHECK' "$here/container/Containerfile" | tail -1 | sed 's/^ *CMD \["bash", "-c", "//; s/"\]$//; s/\\\\/\\/g')
health=${health//9090/$admin}
for i in $(seq 1 60); do
  if bash -c "$health" 2>/dev/null; then
    echo "packaging: the container's health check passes against the proxy started by its entry point"
    [ -d "$work/state/log" ] || { echo "packaging: no receipts log under the state volume" >&2; exit 1; }
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
echo "packaging: the proxy did not become ready; its output:" >&2
cat "$work/proxy.out" >&2
exit 1
