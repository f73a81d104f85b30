#!/usr/bin/env bash
# The verifier on Spark (local[2] here: these two cores) against cb4i verify's own engine in the same run, on synthetic
# manifests of SMALL and LARGE records (manifest-only: receipts, licenses and a distinct publisher credential per record,
# GenManifest). Prints each engine's seconds, their ratio, the floor (Ed25519 verifications/s on all cores: one per
# credential, the work the spec mandates), and how Spark's cost splits into start-up and per record (from the two
# sizes), so that a cluster's time can be predicted: start-up + records x per-record / workers' cores x 2.
# Usage: bash bench/verifier/spark.sh   (SMALL=10000 LARGE=1000000 by default)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SMALL="${SMALL:-10000}"
LARGE="${LARGE:-1000000}"
work="$(mktemp -d /tmp/cb4i-spark-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
command -v bc >/dev/null || { echo "needs bc (apt-get install bc)"; exit 2; }
"$root/cb4i" --version >/dev/null
jar="$root/cli/target/cb4i.jar"
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
declare -A local_s spark_s
for n in "$SMALL" "$LARGE"; do
  d="$work/d-$n"
  floor=$(java -Xmx4g -cp "$jar" "$root/bench/verifier/GenManifest.java" "$d" "$n" 1 | awk '/floor/ {print $2}')
  local_s[$n]=$(secs "$root/cb4i" verify "$d" --trust "$d/trust.json" --format json --report "$d/local.json")
  spark_s[$n]=$(secs "$root/cb4i" verify "$d" --trust "$d/trust.json" --format json --report "$d/spark.json" --engine spark --spark-master 'local[2]')
  same=$(cmp -s "$d/local.json" "$d/spark.json" && echo "same report" || echo "REPORTS DIFFER")
  printf "%8d records: cb4i verify %7.1f s (%6.0f records/s, floor %6.0f/s, ratio %.2f)   spark local[2] %7.1f s (%6.0f records/s, %.2fx the local engine)  %s\n" \
    "$n" "${local_s[$n]}" "$(echo "$n / ${local_s[$n]}" | bc -l)" "$floor" "$(echo "$floor / ($n / ${local_s[$n]})" | bc -l)" \
    "${spark_s[$n]}" "$(echo "$n / ${spark_s[$n]}" | bc -l)" "$(echo "${spark_s[$n]} / ${local_s[$n]}" | bc -l)" "$same"
  rm -rf "$d"
done
per=$(echo "(${spark_s[$LARGE]} - ${spark_s[$SMALL]}) / ($LARGE - $SMALL)" | bc -l)
start=$(echo "${spark_s[$SMALL]} - $SMALL * $per" | bc -l)
printf "spark's cost: start-up %.1f s (JVM, Spark, the driver's session and the manifest's header), then %.1f µs per record on 2 cores\n" "$start" "$(echo "$per * 1000000" | bc -l)"
