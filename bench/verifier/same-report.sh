#!/usr/bin/env bash
# Behaviour guard for refactors of the verifier: builds BASE (a git revision, default HEAD) and the working tree,
# verifies the same generated datasets with both (re-verification: 20,000 records with repeating credentials; 5,000
# distinct; 2,000 with their content in WARC) and compares the JSON reports byte for byte. Exit 0 when all are
# identical, 1 when one differs (the first differing lines are shown).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="${1:-HEAD}"
work="$(mktemp -d /tmp/cb4i-same-report.XXXXXX)"
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/base" "$base"
echo "building $base and the working tree..." >&2
(cd "$work/base" && mvn -B -q -o -DskipTests -pl cli -am package >&2)
(cd "$root" && mvn -B -q -o -DskipTests -pl cli -am package >&2)
new="$root/cli/target/cb4i.jar"
old="$work/base/cli/target/cb4i.jar"
status=0
for spec in "repeating 20000 0" "distinct 5000 1" "warc 2000 1 warc"; do
  set -- $spec
  name=$1; shift
  d="$work/$name"
  java -Xmx2g -cp "$new" "$root/bench/verifier/GenManifest.java" "$d" "$@" >/dev/null
  java -Xmx512m -jar "$old" verify "$d" --trust "$d/trust.json" --format json --report "$work/$name.old.json" >/dev/null 2>&1 || true
  java -Xmx512m -jar "$new" verify "$d" --trust "$d/trust.json" --format json --report "$work/$name.new.json" >/dev/null 2>&1 || true
  if cmp -s "$work/$name.old.json" "$work/$name.new.json"; then
    echo "$name: identical ($(wc -c < "$work/$name.new.json") bytes)"
  else
    echo "$name: DIFFERENT"
    diff <(tr ',' '\n' < "$work/$name.old.json") <(tr ',' '\n' < "$work/$name.new.json") | head -20 || true
    status=1
  fi
done
exit $status
