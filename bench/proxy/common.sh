# Shared by bench/proxy/run.sh and cpu-ab.sh (sourced, run in the work folder): the tools, the page, the nginx
# origin, and a collective's key with a crawler's license.

# Installs the Debian packages named (e.g. nginx-light haproxy wrk) whose command is missing.
need_tools() {
  local need=""
  for pkg in "$@"; do
    local cmd=${pkg%-light}
    command -v "$cmd" >/dev/null || need="$need $pkg"
  done
  if [ -n "$need" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; fi
}

# www/page.html: 20 KB of HTML.
write_page() {
  mkdir -p www tmp
  python3 -c "import sys; p='<p>Collective bargaining for information lets people who create it set the terms.</p>\n'; sys.stdout.write('<html><body><article>' + p*260 + '</article></body></html>\n')" > www/page.html
}

# An nginx origin serving www/ on 127.0.0.1:PORT (one worker, sendfile, keep-alive); its pid in origin.pid.
start_origin() { # port
  local work; work=$(pwd)
  cat > origin.conf <<CONF
user root; worker_processes 1; pid $work/origin.pid; error_log $work/origin-error.log;
events { worker_connections 4096; }
http { access_log off; sendfile on; keepalive_requests 1000000; client_body_temp_path $work/tmp; proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$1; root $work/www; } }
CONF
  nginx -c "$work/origin.conf" -p "$work/"
}

# collective/ and crawler/ keys, issuer.jwks.json, and license.jwt for the crawler (ai-train, a quota no bench reaches).
make_license() { # jar
  java -jar "$1" keys generate --out collective >/dev/null
  java -jar "$1" keys generate --out crawler >/dev/null
  cp collective/public.jwks issuer.jwks.json
  java -jar "$1" license issue --issuer-key collective/private.jwk --issuer https://collective.example --licensee bench \
    --crawler-key crawler/public.jwk --usages ai-train --quota-rps 1000000 --days 1 --out license.jwt >/dev/null
}
