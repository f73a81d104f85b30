#!/usr/bin/env bash
# Renders `cb4i value`'s HTML report in headless Chromium and checks what a reader sees: runs `cb4i demo` for a real
# dataset (two member sites crawled through their proxies), values the members' texts on an evaluation text, dumps
# the DOM Chromium built and takes a screenshot (valuation/target/report.png). Installs Debian's chromium when missing
# (as root). Run by .ci/run after mvn -B verify.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
work="$(mktemp -d /tmp/cb4i-value-check.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$root/cb4i" demo --dir "$work/demo" > "$work/demo.txt" || { cat "$work/demo.txt"; exit 1; }
mkdir -p "$work/eval"
printf 'How should a collective of writers bargain with the builders of language models?\n\nLicenses, receipts and strikes.\n' > "$work/eval/questions.txt"
"$root/cb4i" value "$work/demo/dataset" --trust "$work/demo/trust.json" --eval "$work/eval" --format html --report "$work/value.html" \
  --weights-out "$work/allocation.json" 2> "$work/value.txt" || { cat "$work/value.txt"; exit 1; }
flags="--headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1000"
timeout 120 chromium $flags --dump-dom "file://$work/value.html" > "$work/dom.html" 2>/dev/null
for expected in "What each member's data is worth" 'id="value-chart"' 'bits per byte with every member' '50.00%' 'tmc-shapley'; do
  grep -q -- "$expected" "$work/dom.html" || { echo "check-report (valuation): the rendered page lacks: $expected"; exit 1; }
done
grep -q '"value"' "$work/allocation.json" || { echo "check-report (valuation): no allocation written"; exit 1; }
mkdir -p "$root/valuation/target"
timeout 120 chromium $flags --screenshot="$root/valuation/target/report.png" "file://$work/value.html" >/dev/null 2>&1
size=$(stat -c %s "$root/valuation/target/report.png")
head -c 8 "$root/valuation/target/report.png" | od -An -tx1 | grep -q '89 50 4e 47' || { echo "check-report (valuation): no PNG screenshot"; exit 1; }
[ "$size" -gt 15000 ] || { echo "check-report (valuation): the screenshot is $size bytes: a blank page?"; exit 1; }
echo "check-report (valuation): the report renders in Chromium; screenshot valuation/target/report.png ($size bytes)"
