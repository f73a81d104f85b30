#!/usr/bin/env bash
# CI: runs the fleet example as a publisher would (run.sh --fresh), then checks what its README promises: a license from
# one issuer instance, a quota shared by the three proxy instances, one instance's log reached through another, and a
# strike made through the other issuer instance reaching every proxy within a second.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export FLEET_STATE="${FLEET_STATE:-$(mktemp -d)/fleet}"
cb4i="$root/cb4i"
log="$(mktemp)"

setsid "$here/run.sh" --fresh >"$log" 2>&1 &
runner=$!
finish() { kill -- -"$runner" 2>/dev/null || kill "$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; }
trap finish EXIT
for _ in $(seq 1 1200); do grep -q "^fleet ready" "$log" && break; kill -0 "$runner" 2>/dev/null || { cat "$log"; exit 1; }; sleep 0.1; done
grep -q "^fleet ready" "$log" || { echo "fleet check: the fleet did not start"; cat "$log"; exit 1; }
cd "$FLEET_STATE"

fail() { echo "fleet check: FAILED: $*"; exit 1; }
fetch() { "$cb4i" fetch "http://127.0.0.1:$1/articles/collective-bargaining.html" --license license.jwt --key crawler/private.jwk 2>&1 || true; }

"$cb4i" license request --issuer http://127.0.0.1:8091 --key crawler/private.jwk --out license.jwt >/dev/null || fail "no license from the issuer"
n=0
for port in 8181 8182 8183 8181 8182 8183; do
  fetch "$port" | grep -q "200" || fail "fetch $((n + 1)) through $port was not served: $(fetch "$port")"
  n=$((n + 1))
done
out="$(fetch 8182)"
echo "$out" | grep -q "429" || fail "the 7th fetch of the day should be 429 on any instance; got: $out"
echo "fleet check: 6 fetches served across three instances, the 7th refused 429 (one quota for the site)"

id1="$(grep -o 'log id *[A-Za-z0-9_-]*' proxy-1.log | head -1 | awk '{print $3}')"
[ -n "$id1" ] || fail "proxy 1 did not name its log"
cp="$("$cb4i" fetch "http://127.0.0.1:8183/.well-known/cb4i/logs/$id1/checkpoint" --license license.jwt --key crawler/private.jwk 2>&1 || true)"
echo "$cp" | grep -q "200" || fail "proxy 1's log through proxy 3: $cp"
echo "fleet check: proxy 1's log $id1 answered through proxy 3"

"$cb4i" issuer strike --licensee fleet-crawler --config issuer-2.yaml --server http://127.0.0.1:8092 >/dev/null || fail "the strike was refused"
start=$(date +%s%N)
watchers=()
# One watcher per proxy, at once; each cb4i fetch starts a JVM (about a second), which these times include.
for port in 8181 8182 8183; do
  (until fetch "$port" | grep -q "401"; do
     [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 10000 ] || { echo "TIMEOUT $port"; exit 1; }
   done
   echo "$port $(( ($(date +%s%N) - start) / 1000000 ))") >"struck-$port" &
  watchers+=($!)
done
for w in "${watchers[@]}"; do wait "$w" || true; done
for port in 8181 8182 8183; do
  read -r p ms <"struck-$port" || true
  [ "$p" = "$port" ] || fail "proxy $port still serves 10 s after the strike"
  times="${times:-}${times:+, }$port: $ms ms"
done
echo "fleet check: a strike through issuer instance 2 reached every proxy ($times, each including a cb4i fetch's JVM start; status ttl 5 min)"
echo "fleet check: passed"
