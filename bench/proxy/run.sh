#!/usr/bin/env bash
# Side-by-side proxy benchmark on loopback, one run: the same nginx origin serving a 20 KB page, the same wrk
# settings, for: origin direct; nginx proxy_pass; HAProxy 2.6 jwt_verify ES256; cb4i pass-through (a human);
# cb4i licensed (bound token + reused Web Bot Auth signature + policy + quota + receipts log + body hash);
# cb4i licensed with a fresh per-request signature on every request. Prints req/s, p50/p99 and peak RSS, then ratios.
#
#   bench/proxy/run.sh              (DURATION=10 CONNECTIONS=32 by default; installs nginx-light, haproxy, wrk if missing)
#   PROXY_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/proxy.jfr,settings=profile" bench/proxy/run.sh
#                                   (extra JVM options for the cb4i proxy, e.g. to profile it)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
work="$(mktemp -d /tmp/cb4i-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/origin.pid" ] && kill "$(cat "$work/origin.pid")" 2>/dev/null || true
  [ -f "$work/nginxproxy.pid" ] && kill "$(cat "$work/nginxproxy.pid")" 2>/dev/null || true
  [ -f "$work/haproxy.pid" ] && kill "$(cat "$work/haproxy.pid")" 2>/dev/null || true
}
trap cleanup EXIT

. "$root/bench/proxy/common.sh"
need_tools nginx-light haproxy wrk
"$root/cb4i" --version >/dev/null   # builds the jar when needed
jar="$root/cli/target/cb4i.jar"
cd "$work"

write_page
mkdir -p www/fresh
cp www/page.html www/fresh/page.html
echo "page: $(wc -c < www/page.html) bytes"
start_origin 18080

cat > nginxproxy.conf <<CONF
user root; worker_processes 2; pid $work/nginxproxy.pid; error_log $work/nginxproxy-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path $work/tmp; proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  upstream origin { server 127.0.0.1:18080; keepalive 64; }
  server { listen 127.0.0.1:18081; location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
nginx -c "$work/nginxproxy.conf" -p "$work/"

# HAProxy verifying an ES256 bearer JWT on every request (it has no EdDSA).
node -e "
const c=require('crypto'),fs=require('fs');
const {privateKey,publicKey}=c.generateKeyPairSync('ec',{namedCurve:'P-256'});
fs.writeFileSync('es.pub.pem',publicKey.export({type:'spki',format:'pem'}));
const b=o=>Buffer.from(JSON.stringify(o)).toString('base64url');
const hp=b({alg:'ES256',typ:'JWT'})+'.'+b({sub:'crawler',exp:Math.floor(Date.now()/1000)+3600});
fs.writeFileSync('jwt.txt',hp+'.'+c.sign('sha256',Buffer.from(hp),{key:privateKey,dsaEncoding:'ieee-p1363'}).toString('base64url')+'\n');"
cat > haproxy.cfg <<CONF
global
  nbthread 2
  maxconn 8192
  pidfile $work/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:18082
  http-request deny unless { http_auth_bearer,jwt_verify("ES256","$work/es.pub.pem") -m int 1 }
  default_backend be
backend be
  http-reuse always
  server origin 127.0.0.1:18080
CONF
haproxy -D -f haproxy.cfg

# cb4i: a collective, a crawler, a license, and the proxy.
make_license "$jar"
cat > cb4i.yaml <<CONF
listen: 127.0.0.1:18083
origin: http://127.0.0.1:18080
publisher: https://news.example
issuers:
  - id: https://collective.example
    jwks: file:issuer.jwks.json
paths:
  - match: /fresh/*
    access: licensed
    usages: [ai-train]
    signature: per-request
  - match: /*
    access: licensed
    usages: [ai-train]
log:
  dir: ./cb4i-log
admin: 127.0.0.1:18093
access_log: "off"
CONF
java -Xms256m -Xmx256m -XX:+UseParallelGC ${PROXY_JAVA_OPTS:-} -jar "$jar" proxy --config cb4i.yaml > cb4i.out 2> cb4i.err &
cb4i_pid=$!
pids+=("$cb4i_pid")
for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:18083/robots.txt && break; sleep 0.2; done

run() { # name url [lua] [connections]
  local name=$1 url=$2 lua=${3:-} c=${4:-$CONNECTIONS}
  local out
  out=$(wrk -t1 -c"$c" -d"${DURATION}s" --latency ${lua:+-s "$lua"} "$url")
  local rps p50 p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf '%-34s %10s req/s   p50 %8s   p99 %8s   %s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:+NON-2XX: $non2xx}"
  echo "$name $rps" >> results.txt
}
rss() { awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$1/status"; }

# Check every contender answers 200 before measuring anything.
printf 'License %s\n' "$(cat license.jwt)" > auth.txt
java -cp "$jar" "$root/bench/proxy/SignRequests.java" crawler/private.jwk http://127.0.0.1:18083 /fresh/page.html 100000 fresh.tsv reusable.txt > floor.txt
{ cat auth.txt; cat reusable.txt; } > licensed-headers.txt
for u in http://127.0.0.1:18080/page.html http://127.0.0.1:18081/page.html http://127.0.0.1:18083/page.html; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$u")" = 200 ] || { echo "not 200: $u"; exit 1; }
done
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat jwt.txt)" http://127.0.0.1:18082/page.html)" = 200 ] || { echo "haproxy jwt_verify refused the token"; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18082/page.html)" = 403 ] || { echo "haproxy served without a token"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$(sed -n 1p licensed-headers.txt | sed 's/^/Authorization: /')" \
  -H "Signature-Input: $(sed -n 2p licensed-headers.txt)" -H "Signature: $(sed -n 3p licensed-headers.txt)" http://127.0.0.1:18083/page.html)
[ "$code" = 200 ] || { echo "cb4i refused the licensed request ($code)"; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -A GPTBot http://127.0.0.1:18083/page.html)" = 402 ] || { echo "cb4i served an unlicensed crawler"; exit 1; }

echo "warming the JVM (not measured)..."
DURATION_SAVE=$DURATION; DURATION=15
run "(warm-up) cb4i human" http://127.0.0.1:18083/page.html >/dev/null
run "(warm-up) cb4i licensed" http://127.0.0.1:18083/page.html "$root/bench/proxy/licensed.lua" >/dev/null
DURATION=5
run "(warm-up) cb4i fresh" http://127.0.0.1:18083/fresh/page.html "$root/bench/proxy/fresh.lua" >/dev/null
DURATION=$DURATION_SAVE
rm -f results.txt
echo
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s, 20 KB page, loopback, $(nproc) cores"
run "origin direct (nginx)" http://127.0.0.1:18080/page.html
run "nginx proxy_pass" http://127.0.0.1:18081/page.html
run "haproxy 2.6 jwt_verify ES256" http://127.0.0.1:18082/page.html "$root/bench/proxy/jwt.lua"
run "cb4i pass-through (human)" http://127.0.0.1:18083/page.html
run "cb4i licensed (reused signature)" http://127.0.0.1:18083/page.html "$root/bench/proxy/licensed.lua"
run "cb4i licensed, fresh signature" http://127.0.0.1:18083/fresh/page.html "$root/bench/proxy/fresh.lua"
run "cb4i licensed, 256 connections" http://127.0.0.1:18083/page.html "$root/bench/proxy/licensed.lua" 256
echo
echo "peak RSS: cb4i $(rss "$cb4i_pid") (JVM, -Xmx256m)"
curl -s http://127.0.0.1:18093/metrics | awk '/^cb4i_proxy_log_entries/ {print "receipts logged: " $2}'
awk '{print "Ed25519 verify floor: " $2 " /s on one thread (" 2*$2 " /s on 2 cores)"}' floor.txt
echo
awk '{r[$1" "$2" "$3" "$4" "$5]=$NF} END {}' results.txt
python3 - results.txt <<'PY'
import sys
r = {}
for line in open(sys.argv[1]):
    name, v = line.rsplit(" ", 1)
    r[name] = float(v)
def ratio(a, b):
    return r[a] / r[b] if r.get(b) else float("nan")
print("ratios (one run; the machine is noisy):")
print("  cb4i licensed / nginx proxy_pass          %.2f  (target >= 0.8)" % ratio("cb4i licensed (reused signature)", "nginx proxy_pass"))
print("  cb4i licensed / haproxy jwt_verify        %.2f  (target >= 1.5)" % ratio("cb4i licensed (reused signature)", "haproxy 2.6 jwt_verify ES256"))
print("  cb4i fresh signature / haproxy jwt_verify %.2f  (target >= 0.8)" % ratio("cb4i licensed, fresh signature", "haproxy 2.6 jwt_verify ES256"))
print("  cb4i pass-through / nginx proxy_pass      %.2f" % ratio("cb4i pass-through (human)", "nginx proxy_pass"))
PY
