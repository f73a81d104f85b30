#!/usr/bin/env bash
# Verifier scale: manifest-only verification of synthetic datasets (receipts proven against one N-entry log, a
# publisher credential per record) at two sizes, with distinct credentials and with repeated ones (a re-verification).
# Prints records/s, the ratio to the floor (Ed25519 verifications/s on all cores, measured here: one per distinct
# credential) and the peak RSS, from one run each, with the heap capped at 512 MiB (memory must not grow with the
# dataset). SMALL=10000 LARGE=1000000 by default. Then, with the content in WARC (WARC_N=100000 distinct ~20 KB
# articles): the time against the floor, the larger of `gzip -dc data.warc.gz | openssl dgst -sha256` and one jsoup
# parse per page on all cores (target: within 1.5x).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SMALL="${SMALL:-10000}"
LARGE="${LARGE:-1000000}"
work="$(mktemp -d /tmp/cb4i-verify-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$root/cb4i" --version >/dev/null
jar="$root/cli/target/cb4i.jar"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }
run() { # n distinct
  local d="$work/d-$1-$2"
  local floor
  floor=$(java -Xmx4g -cp "$jar" "$root/bench/verifier/GenManifest.java" "$d" "$1" "$2" | awk '/floor/ {print $2}')
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$d/rss" java -Xmx512m -jar "$jar" verify "$d" --trust "$d/trust.json" --format json --report "$d/report.json" >/dev/null 2> >(grep -v '^cb4i verify: [0-9]* records' >&2) || true
  t1=$(date +%s.%N)
  python3 - "$1" "$2" "$t0" "$t1" "$floor" "$(tail -1 "$d/rss")" "$(du -m "$d/manifest.jsonl" | cut -f1)" <<'PY'
import sys
n, distinct, t0, t1, floor, rss, mb = int(sys.argv[1]), sys.argv[2] != "0", float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
rate = n / (t1 - t0)
target = floor if distinct else 200000
print("%8d records (%s MB), %-22s %8.0f records/s  floor %8.0f/s  ratio %.2f  peak RSS %4d MiB" % (
    n, mb, "distinct credentials:" if distinct else "credentials repeating:", rate, target, rate / target, rss // 1024))
PY
  rm -rf "$d"
}
if [ "${ONLY:-}" != warc ]; then  # ONLY=warc runs just the content-in-WARC measurement
  run "$SMALL" 1
  run "$LARGE" 1
  run "$LARGE" 0
fi

warc_run() { # n
  local d="$work/w-$1"
  local out jsoup
  out=$(java -Xmx4g -cp "$jar" "$root/bench/verifier/GenManifest.java" "$d" "$1" 1 warc)
  jsoup=$(echo "$out" | awk '/jsoup_floor_seconds/ {print $2}')
  local g0 g1 t0 t1
  g0=$(date +%s.%N)
  gzip -dc "$d/data.warc.gz" | openssl dgst -sha256 >/dev/null
  g1=$(date +%s.%N)
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$d/rss" java -Xmx512m -jar "$jar" verify "$d" --trust "$d/trust.json" --format json --report "$d/report.json" >/dev/null 2> >(grep -v '^cb4i verify: [0-9]* records' >&2) || true
  t1=$(date +%s.%N)
  python3 - "$1" "$t0" "$t1" "$g0" "$g1" "$jsoup" "$(tail -1 "$d/rss")" "$(du -m "$d/data.warc.gz" | cut -f1)" <<'PY'
import sys
n, t0, t1, g0, g1, jsoup, rss, mb = int(sys.argv[1]), *map(float, sys.argv[2:7]), int(sys.argv[7]), sys.argv[8]
t, gz = t1 - t0, g1 - g0
floor = max(gz, jsoup)
print("%8d records with content in WARC (%s MB gz): %.2f s (%.0f records/s); floors: gzip|openssl %.2f s, jsoup %.2f s; ratio %.2f (target <= 1.5)  peak RSS %4d MiB" % (
    n, mb, t, n / t, gz, jsoup, t / floor, rss // 1024))
PY
  rm -rf "$d"
}
warc_run "${WARC_N:-100000}"
