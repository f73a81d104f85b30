#!/usr/bin/env bash
# Signs a tree of generated 20 KB article pages with cb4i sign, and compares with the floor: a bare jsoup parse of the
# same pages on all cores (JsoupFloor.java, warmed). Prints pages/s and the ratio, then where the time of a page goes
# on a warm thread (Steps.java). PAGES=10000 by default.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PAGES="${PAGES:-10000}"
work="$(mktemp -d /tmp/cb4i-sign-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$root/cb4i" --version >/dev/null
jar="$root/cli/target/cb4i.jar"
python3 - "$work/site" "$PAGES" <<'PY'
import os, sys, random
root, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
words = "collective bargaining information writers creators license terms crawler dataset provenance receipt signal".split()
for i in range(n):
    d = os.path.join(root, "a%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    paras = []
    size = 0
    while size < 19000:
        p = " ".join(random.choice(words) for _ in range(60))
        paras.append("<p>%s.</p>" % p)
        size += len(p) + 8
    html = ("<!doctype html><html><head><meta charset=utf-8><title>Article %d</title></head><body><nav>Home</nav><article><h1>Article %d</h1>%s</article>"
            "<footer>footer</footer></body></html>\n") % (i, i, "\n".join(paras))
    open(os.path.join(d, "p%05d.html" % i), "w").write(html)
PY
sync # the generator's writes flushed now, not during the runs measured
echo "pages: $PAGES of about $(( $(du -sk "$work/site" | cut -f1) / PAGES )) KB"
java -jar "$jar" keys generate --out "$work/key" >/dev/null
floors=$(java -cp "$jar" "$root/bench/sign/JsoupFloor.java" "$work/site")
cold=$(echo "$floors" | awk '/cold/ {print $2}')
floor=$(echo "$floors" | awk '/warm/ {print $2}')
t0=$(date +%s.%N)
java -jar "$jar" sign "$work/site" --key "$work/key/private.jwk" --publisher https://news.example >/dev/null
t1=$(date +%s.%N)
sync
t2=$(date +%s.%N)
java -jar "$jar" sign "$work/site" --key "$work/key/private.jwk" --publisher https://news.example > "$work/again.txt"
t3=$(date +%s.%N)
steps=$(java -cp "$jar" "$root/bench/sign/Steps.java" "$work/site" "$work/key/private.jwk")
python3 - "$PAGES" "$t0" "$t1" "$t2" "$t3" "$floor" "$cold" "$work/again.txt" <<'PY'
import sys
n, t0, t1, t2, t3, floor, cold = int(sys.argv[1]), *map(float, sys.argv[2:8])
sign = n / (t1 - t0)
print("jsoup parse floor, all cores:         %8.0f pages/s warm, %8.0f pages/s on a cold JVM" % (floor, cold))
print("cb4i sign (a cold run, all cores):    %8.0f pages/s   ratio to the warm floor %.2f, to the cold floor %.2f (goal: >= 0.50)" % (sign, sign / floor, sign / cold))
print("cb4i sign again, nothing changed:     %8.0f pages/s   (%s)" % (n / (t3 - t2), open(sys.argv[8]).read().strip()))
PY
echo "$steps"
