#!/usr/bin/env bash
# The black-box suites as a third party runs them: cb4i's proxy as a process of its own, configured from the
# conformance profile, and the standalone jar pointed at its URL; then cb4i's issuer as a process, with --issuer; then
# `cb4i verify` as the command of --verifier.
# Needs `mvn -B verify` (or package) first.
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
[ $rc -eq 0 ] || { echo "--- proxy log ---" >&2; tail -50 "$work/proxy.log" >&2; exit $rc; }

# The issuer suite, against cb4i's issuer as a process of its own (its embedded default): the suite registers its own
# member, licensee and agreement through POST /admin with the admin token the issuer wrote.
java -jar "$cli" issuer --port 18094 --state "$work/issuer-state" >"$work/issuer.log" 2>&1 &
issuer=$!
trap 'kill $proxy $issuer 2>/dev/null || true; wait $proxy $issuer 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
  if [ -f "$work/issuer-state/issuer/admin.token" ] && (exec 3<>/dev/tcp/127.0.0.1/18094) 2>/dev/null; then break; fi
  if ! kill -0 $issuer 2>/dev/null; then echo "check-process: the issuer exited:" >&2; cat "$work/issuer.log" >&2; exit 2; fi
  sleep 0.2
done
set +e
java -jar "$suite" --issuer http://127.0.0.1:18094 --admin-token "$work/issuer-state/issuer/admin.token"
rc=$?
set -e
[ $rc -eq 0 ] || { echo "--- issuer log ---" >&2; tail -50 "$work/issuer.log" >&2; exit $rc; }

# The verifier suite, with `cb4i verify` as the command each dataset of the spec's verification corpus is given to.
java -jar "$suite" --verifier "java -jar $cli verify {dataset} --trust {trust} --usage {usage} --format json"
