#!/usr/bin/env bash
# pebble_judge_test.sh - issue 5, "a real CA as judge": Debian's pebble (an RFC 8555 ACME server,
# a small Boulder) validates http-01 from the outside namespace, certbot drives real orders from
# the server world, and dcv-agent's prediction is held against the CA's verdict.
#
#   bed: server world (stock nginx, nft) <-> outside namespace running
#        pebble-challtestsrv  DNS on 10.99.0.2:53: every name -> 10.99.0.1 / fd99::1 (the
#                             default AAAA can be changed through its management API)
#        pebble               ACME on https://10.99.0.2:14000/dir, validates http-01 on port 80
#                             (httpPort 80, tlsPort 443), resolves through -dnsserver 10.99.0.2:53;
#                             PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0, PEBBLE_AUTHZREUSE=0,
#                             and never PEBBLE_VA_ALWAYS_VALID
#        The world resolves through the same DNS server (its /etc/resolv.conf; the test names are
#        taken out of its /etc/hosts), so the agent and the CA see the same addresses.
#
#   part 1, the judge: for each scenario the bed is arranged (nginx site, nft, DNS), then
#     certbot certonly --manual --manual-auth-hook pebble_hook.sh  runs in the world; the hook
#     puts the challenge file in place and runs
#       dcv-agent check --method acme-http --ca letsencrypt --domain D --token T --content KEYAUTH --json
#     on exactly that challenge, before pebble looks. Pebble's verdict is certbot's outcome
#     (certificate, or the CA's problem document). pebble_judge.py compares: ready vs valid, and
#     the agent's error findings vs the reason the CA gave. Where pebble's validation authority
#     is known to differ from Boulder's (its va/va.go: it dials only the first address, AAAA
#     first, with no IPv4 fallback; it follows redirects with Go's default policy - any port,
#     303 too; it reads the whole body, no 128-byte limit) the row says Boulder-differs and the
#     agent must follow Boulder (the ACME profile is Boulder's, agent/verify/ca_profile.cc).
#     The test fails when the agent disagrees with pebble where pebble and Boulder agree, when
#     it does not follow Boulder where they differ, and when pebble disagrees with Boulder in a
#     scenario where their rules are the same (then the bed is broken, not the agent).
#
#   part 2, issuance after fix: certbot with the agent as its hooks (README "ACME clients"):
#     --manual-auth-hook 'dcv-agent fix ...' --manual-cleanup-hook 'dcv-agent cleanup ...'
#     in fixable scenarios (nft drops tcp/80; a redirect to https where the file is not;
#     a redirect loop behind an nft drop): certbot must obtain a certificate from pebble, and
#     after cleanup the challenge file must be gone (world file system and outside fetch).
#
# lego is not exercised: it has no hook for http-01 (only --http.webroot or its own server).
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1 (keeps
# $E2E_DIR: judge/<scenario>/ has certbot's output and the agent's reports, pebble/ the CA's logs).
# shellcheck disable=SC2016,SC2015  # single-quoted scripts run in the world or the CA netns; A && B || die is intended
set -uo pipefail
E2E_DOMAIN=www.example.test   # the apex scenario needs the apex: example.test
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_require_root
e2e_require_tools pebble pebble-challtestsrv certbot dig python3
e2e_require_agent
e2e_root_state_save
e2e_install_traps

D=$E2E_DOMAIN
APEX=${D#www.}
P=                      # $E2E_DIR/pebble once the bed is up
ACME_DIR=https://$E2E_CA_IP4:14000/dir
CTS_API=http://$E2E_CA_IP4:8055
JUDGE=$E2E_LIB_DIR/pebble_judge.py
declare -a ROWS=()

# ------------------------------------------------------------------ helpers
# ca_daemon NAME CMD...: start CMD in the outside netns in the background; its PID (the very
# process: sh execs it) lands in $P/NAME.pid, its output in $P/NAME.log
ca_daemon() {
  local name=$1; shift
  e2e_ca /bin/sh -c 'echo $$ >"$1"; shift; exec "$@"' ca-daemon "$P/$name.pid" "$@" \
    </dev/null >"$P/$name.log" 2>&1 &
}
# ca_daemon_stop NAME: TERM (then KILL) the PID we started, only if it is still in our netns
ca_daemon_stop() {
  local pid; pid=$(cat "$P/$1.pid" 2>/dev/null) || return 0
  [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$E2E_CA_NETNS" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" != "$E2E_CA_NETNS" ] || kill -KILL "$pid" 2>/dev/null || true
}

# site NAME SERVERS: the world's only site for the test names is SERVERS (nginx server blocks,
# where @80@ / @443@ / @8443@ expand to the listen lines); every block gets an X-Judge header so
# that the reload is observed, not assumed.
site() {
  local name=$1 servers=$2 l80 l443 l8443 ssl
  l80=$'\tlisten 80;\n\tlisten [::]:80;'
  ssl=$'\tssl_certificate /etc/ssl/dcv-e2e/cert.pem;\n\tssl_certificate_key /etc/ssl/dcv-e2e/key.pem;'
  l443=$'\tlisten 443 ssl;\n\tlisten [::]:443 ssl;\n'"$ssl"
  l8443=$'\tlisten 8443 ssl;\n\tlisten [::]:8443 ssl;\n'"$ssl"
  servers=${servers//@80@/$l80}; servers=${servers//@443@/$l443}; servers=${servers//@8443@/$l8443}
  servers=${servers//@hdr@/$'\tadd_header X-Judge '"$name"' always;'}
  printf '# pebble_judge_test.sh scenario %s\n%s\n' "$name" "$servers" >"$E2E_DIR/site.conf"
  e2e_srv /bin/sh -ec 'install -m 644 "$1" /etc/nginx/sites-enabled/judge.conf; nginx -t -q; nginx -s reload' \
    e2e "$E2E_DIR/site.conf" || { e2e_fail "scenario $name: nginx rejected the site"; return 1; }
  local _
  for _ in $(seq 1 100); do
    if e2e_srv curl -s -o /dev/null -D - --max-time 2 --resolve "$D:80:127.0.0.1" "http://$D/" 2>/dev/null |
       grep -qi "^X-Judge: $name"; then return 0; fi
    sleep 0.05
  done
  e2e_fail "scenario $name: nginx did not pick up the site"; return 1
}

# nft_load RULESET: the admin's firewall for the scenario, persisted and loaded
nft_load() {
  printf '%s' "$1" >"$E2E_DIR/nftables.conf"
  e2e_srv /bin/sh -ec 'install -m 755 "$1" /etc/nftables.conf; nft -f /etc/nftables.conf' e2e \
    "$E2E_DIR/nftables.conf" || e2e_die "nft load failed"
}
nft_rules() { # FAMILY(ip|ip6|inet): drop tcp/80 in that family
  printf '#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable %s judge {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tct state established,related accept\n\t\tiif "lo" accept\n\t\ttcp dport 80 drop\n\t}\n}\n' "$1"
}

# dns_v6 ADDR: the AAAA every name gets from the test's DNS server; verified from the world
dns_v6() {
  e2e_ca curl -s -o /dev/null --max-time 5 -X POST -d "{\"ip\":\"$1\"}" "$CTS_API/set-default-ipv6" ||
    e2e_die "challtestsrv: set-default-ipv6 $1"
  local got; got=$(e2e_srv dig +short +time=2 +tries=1 AAAA "$D" 2>/dev/null | head -1)
  [ "$got" = "$1" ] || e2e_die "world resolves $D AAAA to '$got', want $1"
}

# reset: no firewall (the stock /etc/nftables.conf), AAAA -> fd99::1, no challenge files
reset() {
  e2e_srv /bin/sh -ec 'nft flush ruleset; install -m 755 "$1" /etc/nftables.conf
    rm -rf /var/www/judge /var/www/judge-www; mkdir -p /var/www/judge /var/www/judge-www
    echo "judge home" >/var/www/judge/index.html' e2e "$E2E_DIR/nftables.orig" || e2e_die reset
  dns_v6 "$E2E_SRV_IP6"
}

# certbot_world DIR ARGS...: certbot in the server world against pebble; output in DIR
certbot_world() {
  local dir=$1; shift
  e2e_srv env REQUESTS_CA_BUNDLE="$P/ca.pem" "${JUDGE_ENV[@]}" timeout -k 5 240 certbot certonly \
    --non-interactive --agree-tos --register-unsafely-without-email --server "$ACME_DIR" \
    --manual --preferred-challenges http --key-type ecdsa "$@" >"$dir/certbot.out" 2>&1
  echo $? >"$dir/certbot.rc"
}

# judge NAME BOULDER BOULDER_CODES DIFFERS BODY DOMAIN...: one order for DOMAIN..., the hook
# writes the file into /var/www/judge with BODY (exact|pad|footer), then the table row
judge() {
  local name=$1 boulder=$2 bcodes=$3 differs=$4 body=$5; shift 5
  local dir=$E2E_DIR/judge/$name d args=() t0 row rc
  mkdir -p "$dir"; chmod 755 "$dir"
  for d in "$@"; do args+=(-d "$d"); done
  JUDGE_ENV=(JUDGE_OUT="$dir" JUDGE_WEBROOT=/var/www/judge JUDGE_BODY="$body" DCV_AGENT="$DCV_AGENT")
  t0=$(e2e_ms)
  certbot_world "$dir" --manual-auth-hook "/bin/sh $E2E_LIB_DIR/pebble_hook.sh" \
    --config-dir "$dir/le/config" --work-dir "$dir/le/work" --logs-dir "$dir/le/logs" "${args[@]}"
  if [ -s "$dir/le/config/live/$1/cert.pem" ]; then echo 1; else echo 0; fi >"$dir/cert.present"
  e2e_log "scenario $name: certbot exit $(cat "$dir/certbot.rc") in $(( $(e2e_ms) - t0 )) ms"
  local j v r want
  for j in "$dir"/agent.*.json; do   # each report: the schema, and an exit status that says the same
    [ -f "$j" ] || continue
    e2e_json_valid "$j" "scenario $name: $(basename "$j")"
    v=$(e2e_jq "$j" 'd["verdict"]' 2>/dev/null); r=$(cat "${j%.json}.rc" 2>/dev/null)
    want=1; [ "$v" = ready ] && want=0
    e2e_check "scenario $name: check exited $r for verdict $v ($(basename "$j"))" test "$r" = "$want"
  done
  row=$(python3 "$JUDGE" row "$dir" "$name" "$boulder" "$bcodes" "$differs"); rc=$?
  ROWS+=("$row")
  if [ $rc = 0 ]; then e2e_pass "scenario $name: $(cut -f5 <<<"$row") (pebble $(cut -f2 <<<"$row"), agent $(cut -f3 <<<"$row"))"
  else
    e2e_fail "scenario $name: $(cut -f5 <<<"$row"): pebble $(cut -f2 <<<"$row"), agent $(cut -f3 <<<"$row"), Boulder $(cut -f4 <<<"$row"); $(cut -f6 <<<"$row")"
    tail -n 15 "$dir/certbot.out" | sed 's/^/  certbot| /' >&2
    for d in "$dir"/agent.*.stderr; do [ -f "$d" ] && tail -n 8 "$d" | sed 's/^/  agent| /' >&2; done
  fi
  e2e_phase "judge: $name"
}

# arranged URL FAM WANT: the arrangement seen from outside (a marker file), WANT served|blocked
arranged() {
  if [ "$3" = served ]; then e2e_expect_served "$1" "$2" "$E2E_DIR/marker"; else e2e_expect_blocked "$1" "$2"; fi
}

# ------------------------------------------------------------------ bed
e2e_step "bed: server world with nginx; outside: pebble-challtestsrv (DNS) + pebble (ACME)"
e2e_up
P=$E2E_DIR/pebble
mkdir -p "$P" "$E2E_DIR/judge"; chmod 755 "$P" "$E2E_DIR/judge"
e2e_nginx_up   # stock nginx + the test certificate; its site for $D is replaced per scenario
e2e_srv /bin/sh -ec '
  rm -f "/etc/nginx/sites-enabled/$1"
  sed -i "/[[:space:]]$1\$/d; /[[:space:]]$2\$/d" /etc/hosts   # resolve through the test DNS
  rm -f /etc/resolv.conf; printf "nameserver %s\noptions timeout:1 attempts:2\n" "$3" >/etc/resolv.conf
  cat /etc/nftables.conf' e2e "$D" "$APEX" "$E2E_CA_IP4" >"$E2E_DIR/nftables.orig" || e2e_die "world setup"

# pebble's own TLS (the ACME API): a throw-away CA and a certificate for 10.99.0.2
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout "$P/ca.key" \
  -out "$P/ca.pem" -subj "/CN=dcv-e2e pebble API test CA" >/dev/null 2>&1 &&
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$P/wfe.key" -out "$P/wfe.csr" \
  -subj "/CN=pebble" >/dev/null 2>&1 &&
openssl x509 -req -in "$P/wfe.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -days 2 \
  -out "$P/wfe.pem" -extfile <(printf 'subjectAltName=IP:%s\n' "$E2E_CA_IP4") >/dev/null 2>&1 ||
  e2e_die "openssl (pebble API certificate)"
chmod 644 "$P"/*
cat >"$P/config.json" <<EOF
{
  "pebble": {
    "listenAddress": "$E2E_CA_IP4:14000",
    "managementListenAddress": "$E2E_CA_IP4:15000",
    "certificate": "$P/wfe.pem",
    "privateKey": "$P/wfe.key",
    "httpPort": 80,
    "tlsPort": 443,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
EOF
ca_daemon challtestsrv pebble-challtestsrv -defaultIPv4 "$E2E_SRV_IP4" -defaultIPv6 "$E2E_SRV_IP6" \
  -dns01 "$E2E_CA_IP4:53" -management "$E2E_CA_IP4:8055" -http01 "" -https01 "" -tlsalpn01 ""
ca_daemon pebble env -u PEBBLE_VA_ALWAYS_VALID PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
  PEBBLE_AUTHZREUSE=0 pebble -config "$P/config.json" -dnsserver "$E2E_CA_IP4:53"
for _ in $(seq 1 100); do
  if e2e_ca curl -s -o /dev/null --max-time 1 --cacert "$P/ca.pem" "$ACME_DIR" &&
     [ "$(e2e_srv dig +short +time=1 +tries=1 A "$D" 2>/dev/null)" = "$E2E_SRV_IP4" ]; then break; fi
  sleep 0.1
done
e2e_check "pebble answers $ACME_DIR (with its API CA) from the world" \
  e2e_srv curl -sf -o /dev/null --max-time 3 --cacert "$P/ca.pem" "$ACME_DIR"
e2e_check "the world resolves $D and $APEX through pebble-challtestsrv (A $E2E_SRV_IP4, AAAA $E2E_SRV_IP6)" \
  test "$(e2e_srv dig +short A "$D") $(e2e_srv dig +short AAAA "$APEX")" = "$E2E_SRV_IP4 $E2E_SRV_IP6"
e2e_check "pebble validates for real (PEBBLE_VA_ALWAYS_VALID unset)" \
  bash -c '! grep -q "always returns valid" "$1"' _ "$P/pebble.log"
[ "$E2E_FAILS" = 0 ] || { sed 's/^/  /' "$P"/*.log >&2; e2e_die "the CA side did not come up"; }
printf 'arranged\n' >"$E2E_DIR/marker"
MARK=/.well-known/acme-challenge/arranged
put_marker() { e2e_srv install -D -m 644 "$E2E_DIR/marker" "/var/www/judge$MARK"; }
e2e_phase "bed + pebble up"

# ------------------------------------------------------------------ part 1: the judge
# nginx sites (server blocks; @80@/@443@/@8443@ = listen lines, @hdr@ = the X-Judge header)
SERVE="server {
@80@
	server_name $D $APEX;
@hdr@
	root /var/www/judge;
}"
SERVE_443="server {
@443@
	server_name $D;
@hdr@
	root /var/www/judge;
}"
redirect_site() { # CODE TARGET-PREFIX OTHER-SERVERS: port 80 redirects everything to TARGET-PREFIX$request_uri
  printf 'server {\n@80@\n\tserver_name %s;\n@hdr@\n\treturn %s %s$request_uri;\n}\n%s\n' "$D" "$1" "$2" "$3"
}

e2e_step "part 1: pebble judges, dcv-agent predicts (the hook runs check before pebble looks)"

reset; site fine "$SERVE"
judge fine valid - - exact "$D"

reset; site v4-blocked "$SERVE"; nft_load "$(nft_rules ip)"; put_marker
arranged "http://$D$MARK" 4 blocked; arranged "http://$D$MARK" 6 served
# Boulder: the first AAAA is tried first and connects; the A is never tried
judge v4-blocked valid - - exact "$D"

reset; site v6-blocked "$SERVE"; nft_load "$(nft_rules ip6)"; put_marker
arranged "http://$D$MARK" 4 served; arranged "http://$D$MARK" 6 blocked
# Boulder: a dial error on the AAAA falls back to the first A
judge v6-blocked valid - "pebble dials only the first address, the AAAA, and never falls back to IPv4" exact "$D"

reset; site aaaa-nowhere "$SERVE"; dns_v6 fd99::dead
nobody_at() { ! e2e_ca curl -s -o /dev/null --connect-timeout 2 "http://[$1]/"; }
e2e_check "aaaa-nowhere: the world resolves $D AAAA to fd99::dead, and nobody answers there" nobody_at fd99::dead
judge aaaa-nowhere valid - "pebble dials only the first address, the AAAA, and never falls back to IPv4" exact "$D"

reset; site redirect-https "$(redirect_site 301 "https://\$host" "$SERVE_443")"
judge redirect-https valid - - exact "$D"

reset
site redirect-8443 "$(redirect_site 301 "https://\$host:8443" "server {
@8443@
	server_name $D;
@hdr@
	root /var/www/judge;
}")"
# Boulder processRedirect: an explicit port must be 80 or 443
judge redirect-8443 invalid REDIRECT_BAD_TARGET "pebble follows redirects with Go's default policy: any port" exact "$D"

reset; site redirect-303 "$(redirect_site 303 "https://\$host" "$SERVE_443")"
# Boulder processRedirect: only 301, 302, 307, 308 (303 refused since PR #5384)
judge redirect-303 invalid REDIRECT_BAD_TARGET "pebble follows redirects with Go's default policy: 303 too" exact "$D"

reset
# http redirects to https, whose challenge location redirects back to http
LOOP_SITE="$(redirect_site 301 "https://\$host" "server {
@443@
	server_name $D;
@hdr@
	root /var/www/judge;
	location /.well-known/acme-challenge/ {
		return 301 http://\$host\$request_uri;
	}
}")"
site redirect-loop "$LOOP_SITE"
judge redirect-loop invalid REDIRECT_BAD_TARGET - exact "$D"

reset; site body-padded "$SERVE"
# Boulder: the body is read up to 128 bytes; 128 or more fails before any comparison
judge body-padded invalid FILE_CONTENT_MISMATCH "pebble reads the whole body (no 128-byte limit) and trims trailing newlines" pad "$D"

reset; site body-footer "$SERVE"
judge body-footer invalid FILE_CONTENT_MISMATCH - footer "$D"

reset
site deny "server {
@80@
	server_name $D;
@hdr@
	root /var/www/judge;
	location /.well-known/acme-challenge/ {
		deny all;
	}
}"
judge deny invalid DENIED_ON_PATH - exact "$D"

reset
site apex-only "server {
@80@
	server_name $APEX;
@hdr@
	root /var/www/judge;
}
server {
@80@
	server_name $D;
@hdr@
	root /var/www/judge-www;
}"
judge apex-only invalid FILE_MISSING,WWW_APEX_INCOMPLETE - exact "$APEX" "$D"

# ------------------------------------------------------------------ part 2: issuance after fix
e2e_step "part 2: certbot with dcv-agent fix / cleanup as its manual hooks obtains a certificate"
# exactly the README's hook lines (certbot runs hooks through a shell: \$CERTBOT_* expand there)
AUTH_HOOK="$DCV_AGENT fix --method acme-http --ca letsencrypt --domain \"\$CERTBOT_DOMAIN\" --token \"\$CERTBOT_TOKEN\" --content \"\$CERTBOT_VALIDATION\""
CLEANUP_HOOK="$DCV_AGENT cleanup --method acme-http --ca letsencrypt --domain \"\$CERTBOT_DOMAIN\" --token \"\$CERTBOT_TOKEN\" --content \"\$CERTBOT_VALIDATION\""

# issue NAME: certbot certonly for $D with the agent as hooks, default certbot paths in the world
issue() {
  local name=$1 dir=$E2E_DIR/issue/$1 token t0 lines
  mkdir -p "$dir"; chmod 755 "$dir"
  JUDGE_ENV=()
  lines=$(wc -l <"$P/pebble.log")
  t0=$(e2e_ms)
  certbot_world "$dir" --manual-auth-hook "$AUTH_HOOK" --manual-cleanup-hook "$CLEANUP_HOOK" \
    --cert-name "judge-$name" -d "$D"
  e2e_log "issue $name: certbot exit $(cat "$dir/certbot.rc") in $(( $(e2e_ms) - t0 )) ms"
  token=$(tail -n +"$((lines + 1))" "$P/pebble.log" |
          sed -n "s|.*Attempting to validate w/ HTTP: http://$D:80/\.well-known/acme-challenge/\([A-Za-z0-9_-]*\).*|\1|p" | tail -1)
  if [ "$(cat "$dir/certbot.rc")" = 0 ] && e2e_srv test -s "/etc/letsencrypt/live/judge-$name/cert.pem"; then
    e2e_pass "issue $name: certbot obtained /etc/letsencrypt/live/judge-$name/cert.pem"
  else
    e2e_fail "issue $name: no certificate (certbot exit $(cat "$dir/certbot.rc"))"
    sed 's/^/  certbot| /' "$dir/certbot.out" | tail -n 30 >&2
  fi
  e2e_srv openssl x509 -in "/etc/letsencrypt/live/judge-$name/cert.pem" -noout -issuer -ext subjectAltName \
    >"$dir/cert.txt" 2>&1
  e2e_check "issue $name: the certificate names $D and was issued by pebble" \
    bash -c 'grep -q "DNS:$2" "$1" && grep -qi "issuer=.*pebble" "$1"' _ "$dir/cert.txt" "$D"
  e2e_check "issue $name: pebble fetched a token over http-01 ($token)" test -n "$token"
  if [ -n "$token" ]; then
    e2e_check "issue $name: cleanup removed the challenge file (nothing named $token under /var/www)" \
      test -z "$(e2e_srv find /var/www -name "$token" 2>&1)"
    e2e_fetch "http://$D/.well-known/acme-challenge/$token" 4
    e2e_check "issue $name: outside, the challenge URL no longer serves it (HTTP $E2E_CODE)" \
      test "$E2E_CODE" != 200
  fi
  e2e_phase "issue: $name"
}

reset; site fix-nft "$SERVE"; nft_load "$(nft_rules inet)"; put_marker
arranged "http://$D$MARK" 4 blocked; arranged "http://$D$MARK" 6 blocked
issue nft
# without --temporary the opening is the admin's now (persisted): cleanup leaves it
arranged "http://$D$MARK" 4 served; arranged "http://$D$MARK" 6 served

reset; site fix-redirect "$(redirect_site 301 "https://\$host" "server {
@443@
	server_name $D;
@hdr@
	root /var/www/judge-www;
}")"
issue redirect

reset; site fix-loop-nft "$LOOP_SITE"
nft_load "$(nft_rules inet)"
issue loop-nft

# ------------------------------------------------------------------ the table
printf '\n==== agreement: pebble (a real ACME CA) vs dcv-agent check --method acme-http --ca letsencrypt\n' >&2
{
  printf '%s\t%s\t%s\t%s\t%s\n' scenario pebble dcv-agent Boulder result
  printf '%s\n' "${ROWS[@]}" | cut -f1-5
} | column -t -s $'\t' >&2
printf '\nnotes:\n' >&2
printf '%s\n' "${ROWS[@]}" | awk -F'\t' '$6 != "" { print "  " $1 ": " $6 }' >&2

ca_daemon_stop pebble
ca_daemon_stop challtestsrv
e2e_finish pebble_judge
