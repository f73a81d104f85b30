#!/usr/bin/env bash
# A publisher's proxy fleet and its collective, on loopback: one origin (cb4i site), three cb4i proxy instances of one
# site sharing quotas and logs through Redis, and the collective's issuer as two instances on one PostgreSQL database.
# Needs Java 17, Maven, redis-server and a PostgreSQL 15+ server (see README.md here). Ctrl-C stops everything.
#
#   examples/fleet/run.sh            start it (state under examples/fleet/.state)
#   examples/fleet/run.sh --fresh    forget the state and the database first
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="${FLEET_STATE:-$here/.state}"
server="${CB4I_FLEET_POSTGRES:-postgresql://cb4i:cb4i@127.0.0.1:5432}"
db="$server/cb4i_fleet"
redis_port="${FLEET_REDIS_PORT:-6391}"
cb4i="$root/cb4i"

command -v redis-server >/dev/null || { echo "fleet: redis-server is not installed (Debian: apt-get install redis-server)" >&2; exit 2; }
command -v psql >/dev/null || { echo "fleet: psql is not installed (Debian: apt-get install postgresql-client)" >&2; exit 2; }
psql "$server/postgres" -qtAc "SELECT 1" >/dev/null 2>&1 || { echo "fleet: PostgreSQL is not reachable at $server as role cb4i;" \
  "start it and create the role (README.md here), or name another server in CB4I_FLEET_POSTGRES" >&2; exit 2; }

if [ "${1:-}" = "--fresh" ]; then
  rm -rf "$state"
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS cb4i_fleet WITH (FORCE)" >/dev/null
fi
mkdir -p "$state"
psql "$server/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'cb4i_fleet'" | grep -q 1 \
  || psql "$server/postgres" -qc "CREATE DATABASE cb4i_fleet" >/dev/null
"$cb4i" --version >/dev/null   # builds the jar once, before the processes start

pids=()
stop() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "fleet: stopped"
}
trap stop INT TERM EXIT

# Waits until a log file has a line containing $2 (the process is up), or gives up after 60 s.
ready() {
  for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "fleet: $3 did not start; see $1" >&2; exit 1
}

cd "$state"
[ -f collective/private.jwk ] || "$cb4i" keys generate --out collective >/dev/null
[ -f publisher/private.jwk ] || "$cb4i" keys generate --out publisher >/dev/null
[ -f crawler/private.jwk ] || "$cb4i" keys generate --out crawler >/dev/null

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >redis.log 2>&1 &
pids+=($!)
"$cb4i" site --port 9100 >site.log 2>&1 &
pids+=($!)

for n in 1 2; do
  cat >"issuer-$n.yaml" <<YAML
id: https://fleet-collective.example
public_url: http://127.0.0.1:8091        # what a load balancer in front of both instances would be
listen: 127.0.0.1:809$n
key: collective/private.jwk
store: $db
status: {ttl: 5m, validity: 1d}          # strikes reach the proxies through /status/changes, not the ttl
collection: {interval: 0s, allow_plain_http: true, allow_private_addresses: true}
admin_listen: 127.0.0.1:919$n
YAML
  "$cb4i" issuer --config "issuer-$n.yaml" >"issuer-$n.log" 2>&1 &
  pids+=($!)
  ready "issuer-$n.log" "Ctrl-C" "issuer instance $n"
done

admin() { "$cb4i" issuer "$@" --config issuer-1.yaml --server http://127.0.0.1:8091 >/dev/null 2>&1 || true; }
admin member add --origin http://127.0.0.1:8180 --content-keys publisher/public.jwks
admin licensee add --id fleet-crawler --key crawler/public.jwk
admin agreement add --id fleet-2027 --licensee fleet-crawler --usages ai-train --quota-requests-per-day 6 --until 2030-01-01

for n in 1 2 3; do
  cat >"proxy-$n.yaml" <<YAML
listen: 127.0.0.1:818$n
origin: http://127.0.0.1:9100
publisher: http://127.0.0.1:8180         # the site's one public address (a load balancer's), the same for every instance
issuers:
  - id: https://fleet-collective.example
    jwks: http://127.0.0.1:8091/jwks
    token_endpoint: http://127.0.0.1:8091/token
    status_changes: http://127.0.0.1:8091/status/changes
paths:
  - match: /*
    access: licensed
    usages: [ai-train]
log:
  dir: ./proxy-$n-log
quota:
  store: redis://127.0.0.1:$redis_port
  on_store_unavailable: local_limits     # a choice: each instance counts alone while Redis is away
fleet:
  advertise: http://127.0.0.1:818$n
admin: 127.0.0.1:919$((n + 2))
access_log: off
allow_plain_http: true                   # loopback only: the issuer is on plain http here
allow_private_addresses: true
YAML
  "$cb4i" proxy --config "proxy-$n.yaml" >"proxy-$n.log" 2>&1 &
  pids+=($!)
  ready "proxy-$n.log" "Ctrl-C" "proxy instance $n"
done

cat <<TXT
fleet ready (state in $state):
  origin      http://127.0.0.1:9100   (cb4i site)
  proxies     http://127.0.0.1:8181 8182 8183   one site, publisher http://127.0.0.1:8180; metrics on :9193 :9194 :9195
  issuer      http://127.0.0.1:8091 8092        two instances on $server/cb4i_fleet; metrics on :9191 :9192
  redis       127.0.0.1:$redis_port

Try, from $state:
  $cb4i license request --issuer http://127.0.0.1:8091 --key crawler/private.jwk --out license.jwt
  $cb4i fetch http://127.0.0.1:8182/articles/collective-bargaining.html --license license.jwt --key crawler/private.jwk
      (6 fetches a day across all three instances: the 7th, on any instance, is 429)
  $cb4i issuer strike --licensee fleet-crawler --config issuer-2.yaml --server http://127.0.0.1:8092
      (through the other issuer instance: every proxy answers 401 within a second)
Ctrl-C stops everything.
TXT
wait
