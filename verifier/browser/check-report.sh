#!/usr/bin/env bash
# Renders the verifier's HTML report in headless Chromium and checks what a reader sees: runs `cb4i demo` for a real
# dataset (one record tampered), writes the report, dumps the DOM Chromium built from it and takes a screenshot
# (verifier/target/report.png). Installs Debian's chromium when missing (as root). Run by .ci/run after mvn -B verify.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
work="$(mktemp -d /tmp/cb4i-report-check.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$root/cb4i" demo --dir "$work/demo" > "$work/demo.txt" || { cat "$work/demo.txt"; exit 1; }
set +e
"$root/cb4i" verify "$work/demo/dataset-tampered" --trust "$work/demo/trust.json" --format html --report "$work/report.html"
code=$?
set -e
[ "$code" = 1 ] || { echo "check-report: cb4i verify should exit 1 on a tampered dataset, exited $code"; exit 1; }
flags="--headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1400"
timeout 120 chromium $flags --dump-dom "file://$work/report.html" > "$work/dom.html" 2>/dev/null
for expected in '7 of 10 records verified' 'TAMPERED' 'BYTES_DIGEST_MISMATCH, VER-1' 'NO_RECEIPT, VER-5' 'id="status-chart"'; do
  grep -q -- "$expected" "$work/dom.html" || { echo "check-report: the rendered page lacks: $expected"; exit 1; }
done
mkdir -p "$root/verifier/target"
timeout 120 chromium $flags --screenshot="$root/verifier/target/report.png" "file://$work/report.html" >/dev/null 2>&1
size=$(stat -c %s "$root/verifier/target/report.png")
head -c 8 "$root/verifier/target/report.png" | od -An -tx1 | grep -q '89 50 4e 47' || { echo "check-report: no PNG screenshot"; exit 1; }
[ "$size" -gt 20000 ] || { echo "check-report: the screenshot is $size bytes: a blank page?"; exit 1; }
echo "check-report: the report renders in Chromium ($(chromium --version 2>/dev/null | head -1)); screenshot verifier/target/report.png ($size bytes)"
