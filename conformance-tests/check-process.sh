#!/usr/bin/env bash
# The black-box suite as a third party runs it: cb4i's proxy as a process of its own, configured from the
# conformance profile, and the standalone jar pointed at its URL. Needs `mvn -B verify` (or package) first.
# Usage: conformance-tests/check-process.sh [REPORT.json]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suite="$root/conformance-tests/target/cb4i-conformance.jar"
cli="$root/cli/target/cb4i.jar"
for j in "$suite" "$cli"; do
  [ -f "$j" ] || { echo "check-process: $j is missing; run 'mvn -B verify' first" >&2; exit 2; }
done
work="$(mktemp -d)"
listen=127.0.0.1:18080
java -jar "$suite" --cb4i-config "$work" --listen "$listen" >/dev/null
java -jar "$cli" proxy --config "$work/proxy.yaml" >"$work/proxy.log" 2>&1 &
proxy=$!
trap 'kill $proxy 2>/dev/null || true; wait $proxy 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/18080) 2>/dev/null; then break; fi
  if ! kill -0 $proxy 2>/dev/null; then echo "check-process: the proxy exited:" >&2; cat "$work/proxy.log" >&2; exit 2; fi
  sleep 0.2
done
set +e
java -jar "$suite" --proxy "http://$listen" --known-failures "$root/conformance-tests/known-failures.txt" --json "${1:-$work/report.json}"
rc=$?
set -e
[ $rc -eq 0 ] || { echo "--- proxy log ---" >&2; tail -50 "$work/proxy.log" >&2; }
exit $rc
