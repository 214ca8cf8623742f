#!/usr/bin/env bash
# lighttpd_test.sh - issue 4 (lighttpd): dcv-agent end to end on Debian's lighttpd, running.
#
#   bed: server world running `lighttpd -f /etc/lighttpd/lighttpd.conf` (Debian's stock main
#        file, untouched) with a site in conf-enabled/: TLS on :443 and [::]:443 (mod_openssl),
#        and the common http->https redirect of every host (`$HTTP["scheme"] == "http"` +
#        url.redirect with %0), the domain's own document root without the file: http:// 301s
#        to https://, which answers 404.
#   The certificate is first root's alone (0600): lighttpd re-reads it as www-data on a graceful
#   restart and stops, so `fix` must refuse (exit 1, the file named, nothing changed, lighttpd
#   still answering); then the admin opens it to www-data (root:www-data 0640) and the flow of
#   lib_server_flow.sh runs: check -> fix --dry-run -> fix (a marked
#   `$HTTP["url"] == PATH` override at the end of the main file; SIGUSR1, lighttpd's graceful
#   restart) -> rollback -> fix + cleanup.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_server_flow.sh"

e2e_require_root
e2e_require_tools lighttpd
e2e_require_agent
e2e_root_state_save
e2e_install_traps

e2e_file_target
SERVER=lighttpd SERVER_DIR=/etc/lighttpd START_HTTP=301 START_HTTPS=404 START_BODY=""
CHECK_FINDING=REDIRECT_ON_PATH EDIT_MARK="\$HTTP[\"url\"] == \"$VPATH\""

lighttpd_up() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$E2E_DIR/key.pem" -out "$E2E_DIR/cert.pem" -subj "/CN=$D" \
    -addext "subjectAltName=DNS:$D" >/dev/null 2>&1 || e2e_die "openssl"
  cat "$E2E_DIR/cert.pem" "$E2E_DIR/key.pem" >"$E2E_DIR/server.pem"
  e2e_srv /bin/bash -euc '
    DIR=$1 H=$2
    mkdir -p /etc/ssl/dcv-e2e "/var/www/$H"
    install -m 600 "$DIR/server.pem" /etc/ssl/dcv-e2e/server.pem
    printf "<html><body>home of %s</body></html>\n" "$H" > "/var/www/$H/index.html"
    cat > /etc/lighttpd/conf-enabled/50-dcv-e2e-site.conf <<EOF
# TLS on 443 (both families); every http:// request goes to https://
server.modules += ( "mod_openssl" )
\$SERVER["socket"] == ":443" {
	ssl.engine = "enable"
	ssl.pemfile = "/etc/ssl/dcv-e2e/server.pem"
}
\$SERVER["socket"] == "[::]:443" {
	ssl.engine = "enable"
	ssl.pemfile = "/etc/ssl/dcv-e2e/server.pem"
}
\$HTTP["scheme"] == "http" {
	\$HTTP["host"] =~ ".*" {
		url.redirect = ( "^/(.*)" => "https://%0/\$1" )
	}
}
\$HTTP["host"] == "$H" {
	server.document-root = "/var/www/$H"
}
EOF
    lighttpd -tt -f /etc/lighttpd/lighttpd.conf
    lighttpd -f /etc/lighttpd/lighttpd.conf
  ' e2e "$E2E_DIR" "$D" || e2e_die "lighttpd setup/start failed"
  e2e_await_server lighttpd
}

e2e_step "bed: netns pair + world, Debian lighttpd running (stock main file, https redirect site)"
REAL_MANIFEST=$(real_server_manifest)
e2e_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
lighttpd_up;                                                           e2e_phase "bed up (netns, world, lighttpd)"

e2e_step "the certificate is root's alone: a reload would stop lighttpd, so fix refuses"
server_snapshot unreadable
e2e_agent refused fix "${TARGET[@]}" --json
e2e_expect_rc 1 "fix refuses (not ready)"
cp "$E2E_OUT" "$E2E_DIR/refused.json"
jexpect "fix: the refusal names the certificate and www-data" "$E2E_DIR/refused.json" \
  'any("re-reads /etc/ssl/dcv-e2e/server.pem as www-data" in e for e in d["errors"]) and not d["applied"]'
server_snapshot refused
server_same unreadable refused "the refused fix changed nothing under $SERVER_DIR"
expect_start_answers "after the refusal (lighttpd still running)"
e2e_srv /bin/sh -ec 'chgrp www-data /etc/ssl/dcv-e2e/server.pem; chmod 640 /etc/ssl/dcv-e2e/server.pem' ||
  e2e_die "chmod server.pem"
e2e_phase "refusal"

server_flow_run
e2e_check "the real /etc/lighttpd is unchanged" test "$(real_server_manifest)" = "$REAL_MANIFEST"
e2e_finish lighttpd_test
