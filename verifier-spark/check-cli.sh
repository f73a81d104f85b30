#!/usr/bin/env bash
# CI: `cb4i verify --engine spark` as a user runs it (through ./cb4i, Spark in local[*]) writes the same text, JSON and
# HTML reports, byte for byte (the HTML report's time of making aside), as the default engine, on a dataset with its
# content in WARC.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
d="$(mktemp -d)"
trap 'rm -rf "$d"' EXIT
"$root/cb4i" --version >/dev/null
java -cp "$root/cli/target/cb4i.jar" "$root/bench/verifier/GenManifest.java" "$d/ds" 3000 1 warc >/dev/null
for f in text json html; do
  "$root/cb4i" verify "$d/ds" --trust "$d/ds/trust.json" --format "$f" --report "$d/local.$f" >/dev/null 2>&1 || true
  "$root/cb4i" verify "$d/ds" --trust "$d/ds/trust.json" --format "$f" --report "$d/spark.$f" --engine spark >/dev/null 2>"$d/spark.err" || true
  [ -s "$d/spark.$f" ] || { echo "spark check: no $f report from --engine spark"; cat "$d/spark.err"; exit 1; }
  # The HTML report says when it was made: that line aside, the same bytes.
  cmp <(sed -E 's/ on [0-9T:.-]+Z\.<\/p>/ on (time)<\/p>/' "$d/local.$f") <(sed -E 's/ on [0-9T:.-]+Z\.<\/p>/ on (time)<\/p>/' "$d/spark.$f") \
    || { echo "spark check: the $f reports differ"; exit 1; }
done
echo "spark check: text, JSON and HTML reports of --engine spark are the default engine's, byte for byte ($(head -1 "$d/local.text"))"
