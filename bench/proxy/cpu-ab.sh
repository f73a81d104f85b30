#!/usr/bin/env bash
# CPU time per request of two builds of the proxy, measured as the proxy-in-production issue says: the whole
# process's CPU (every JVM thread: JIT and GC count) from /proc/PID/stat, divided by the requests wrk completed,
# after 10 s of warm-up per phase, in three alternating rounds, the lowest of each kept. Phases: pass-through (a
# person's browser on a licensed path) and licensed (a reused Web Bot Auth signature), 20 KB page from an nginx origin.
#
#   bench/proxy/cpu-ab.sh A.jar B.jar        (e.g. a build of the commit before a refactor, and cli/target/cb4i.jar)
#   ROUNDS=6 MEASURE=20 PHASES=licensed bench/proxy/cpu-ab.sh A.jar B.jar     (more rounds of one phase)
#   A_YAML="transport: nio" B_YAML="transport: epoll" bench/proxy/cpu-ab.sh X.jar X.jar   (one build, two configurations)
#   A_JAVA=java B_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/proxy/cpu-ab.sh X.jar X.jar   (two JVMs)
# On two shared cores a round moves by +-25%: compare the lowest of several rounds, and say how many.
#
# Both proxies run at once on their own ports with their own logs; only one is loaded at a time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
A="$(realpath "$1")"; B="$(realpath "$2")"
WARM="${WARM:-10}"; MEASURE="${MEASURE:-10}"; ROUNDS="${ROUNDS:-3}"; CONNECTIONS="${CONNECTIONS:-32}"; PHASES="${PHASES:-pass-through licensed}"
work="$(mktemp -d /tmp/cb4i-cpu.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/origin.pid" ] && kill "$(cat "$work/origin.pid")" 2>/dev/null || true
}
trap cleanup EXIT
. "$root/bench/proxy/common.sh"
need_tools nginx-light wrk
cd "$work"
write_page
start_origin 18180
make_license "$B"
printf 'License %s\n' "$(cat license.jwt)" > auth.txt
declare -A port=([A]=18183 [B]=18184) jar=([A]="$A" [B]="$B") pid=() yaml=([A]="${A_YAML:-}" [B]="${B_YAML:-}") jvm=([A]="${A_JAVA:-java}" [B]="${B_JAVA:-java}")
for n in A B; do
  mkdir -p "$n"
  cp issuer.jwks.json "$n/"
  cat > "$n/cb4i.yaml" <<CONF
listen: 127.0.0.1:${port[$n]}
origin: http://127.0.0.1:18180
publisher: https://news.example
issuers:
  - id: https://collective.example
    jwks: file:issuer.jwks.json
paths:
  - match: /*
    access: licensed
    usages: [ai-train]
log:
  dir: ./log
access_log: "off"
${yaml[$n]}
CONF
  (cd "$n" && exec "${jvm[$n]}" -Xms256m -Xmx256m -XX:+UseParallelGC ${PROXY_JAVA_OPTS:-} -jar "${jar[$n]}" proxy --config cb4i.yaml > out.txt 2> err.txt) &
  pid[$n]=$!
  pids+=("${pid[$n]}")
done
for n in A B; do
  for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:${port[$n]}/robots.txt" && break; sleep 0.2; done
  # the JVM is the child of the subshell's exec: its pid is the one started
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
headers() { # n: a fresh reusable signature for the proxy's authority (they expire after minutes)
  java -cp "$B" "$root/bench/proxy/SignRequests.java" crawler/private.jwk "http://127.0.0.1:${port[$1]}" /page.html 1 /dev/null reusable.txt >/dev/null
  { cat auth.txt; cat reusable.txt; } > licensed-headers.txt
}
phase() { # n kind -> prints microseconds of CPU per request
  local n=$1 kind=$2 lua=""
  [ "$kind" = licensed ] && { headers "$n"; lua="$root/bench/proxy/licensed.lua"; }
  wrk -t1 -c"$CONNECTIONS" -d"${WARM}s" ${lua:+-s "$lua"} "http://127.0.0.1:${port[$n]}/page.html" >/dev/null
  local t0 out t1 reqs non2xx
  t0=$(ticks "${pid[$n]}")
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${MEASURE}s" ${lua:+-s "$lua"} "http://127.0.0.1:${port[$n]}/page.html")
  t1=$(ticks "${pid[$n]}")
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  [ -z "$non2xx" ] || { echo "$n $kind: $non2xx answers were not 2xx" >&2; exit 1; }
  python3 -c "print('%.1f' % (($t1 - $t0) / $hz * 1e6 / $reqs))"
}
declare -A best
for r in $(seq 1 "$ROUNDS"); do
  for n in A B; do
    for kind in $PHASES; do
      us=$(phase "$n" "$kind")
      echo "round $r  $n  $kind  $us us/request"
      k="$n $kind"
      if [ -z "${best[$k]:-}" ] || python3 -c "import sys; sys.exit(0 if $us < ${best[$k]} else 1)"; then best[$k]=$us; fi
    done
  done
done
echo
echo "lowest of $ROUNDS rounds, CPU of the whole proxy process per request ($CONNECTIONS connections, ${MEASURE}s measured after ${WARM}s warm-up):"
for kind in $PHASES; do
  python3 -c "a=${best[A $kind]}; b=${best[B $kind]}; print('  %-13s A %6.1f us   B %6.1f us   B/A %.3f' % ('$kind', a, b, b / a))"
done
