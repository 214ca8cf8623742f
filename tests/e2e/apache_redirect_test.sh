#!/usr/bin/env bash
# apache_redirect_test.sh - issue 4 (Apache): dcv-agent end to end on stock Debian apache2.
#
#   bed: server world with stock Debian apache2 (its own copy-on-write /etc/apache2), mod_rewrite
#        and mod_ssl enabled, and a site for the domain whose *:80 VirtualHost sends everything
#        to https with `RewriteCond %{HTTPS} off` + `RewriteRule ^ https://... [R=301,L]`; the
#        *:443 VirtualHost serves /var/www/<domain>. nginx is installed on this machine too but
#        does not run in this world: its binary is hidden in the world's mount namespace so that
#        the world is an Apache-only host.
#   baseline really fails from outside (301 on http, 404 on https) -> `check` finds
#   REDIRECT_ON_PATH citing the RewriteRule's file:line -> `fix --dry-run` shows an Apache edit
#   and changes nothing -> `fix` (exit 0) -> outside curl gets 200 + exact content over
#   IPv4/IPv6, http/https; other URLs answer as before -> `verify --probe` exit 0 ->
#   `rollback --last` -> every file under /etc/apache2 byte-identical to the start, the redirect
#   is back.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_require_root
e2e_require_tools apache2 apache2ctl a2enmod a2ensite
e2e_require_agent
e2e_root_state_save
e2e_install_traps

e2e_file_target  # D, TOKEN, CONTENT, VPATH, TARGET (lib.sh)
PROBE_PORT=8080
SITE=/etc/apache2/sites-available/$D.conf

jexpect() {
  local desc=$1 file=$2 expr=$3 got
  got=$(e2e_jq "$file" "$expr" 2>&1)
  if [ "$got" = True ] || [ "$got" = true ]; then e2e_pass "$desc"
  else e2e_fail "$desc (got: ${got:0:300})"; fi
}
# the real /etc/apache2 must never change (the world writes to its overlay only)
real_apache_manifest() { find /etc/apache2 -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0r md5sum; }
# apache_snapshot NAME: every file, link and directory under the world's /etc/apache2
apache_snapshot() {
  e2e_srv /bin/sh -c '
    find /etc/apache2 -printf "%y %m %p -> %l\n" | LC_ALL=C sort
    find /etc/apache2 -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum' \
    >"$E2E_DIR/snap/$1.apache" || e2e_die "snapshot $1"
}
apache_same() { # apache_same A B DESC
  if diff -u "$E2E_DIR/snap/$1.apache" "$E2E_DIR/snap/$2.apache" >"$E2E_DIR/snap/diff.$1.$2"; then e2e_pass "$3"
  else e2e_fail "$3"; head -40 "$E2E_DIR/snap/diff.$1.$2" >&2; fi
}
# wait until http:// answers CODE from outside (a graceful reload is asynchronous)
await_status() {
  local code=$1 i
  for i in $(seq 1 50); do e2e_fetch "http://$D$VPATH" 4; [ "$E2E_CODE" = "$code" ] && return 0; sleep 0.1; done
  return 1
}

apache_up() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$E2E_DIR/key.pem" -out "$E2E_DIR/cert.pem" -subj "/CN=$D" \
    -addext "subjectAltName=DNS:$D" >/dev/null 2>&1 || e2e_die "openssl"
  chmod 644 "$E2E_DIR/cert.pem" "$E2E_DIR/key.pem"
  e2e_srv /bin/bash -euc '
    D=$1 H=$2 SITE=$3
    mount --bind /dev/null /usr/sbin/nginx   # this world is an Apache-only host
    mkdir -p /etc/ssl/dcv-e2e "/var/www/$H"
    install -m 644 "$D/cert.pem" /etc/ssl/dcv-e2e/cert.pem
    install -m 600 "$D/key.pem" /etc/ssl/dcv-e2e/key.pem
    printf "<html><body>home of %s</body></html>\n" "$H" > "/var/www/$H/index.html"
    cat > "$SITE" <<EOF
# $H: everything on port 80 goes to https
<VirtualHost *:80>
	ServerName $H
	DocumentRoot /var/www/$H
	RewriteEngine On
	RewriteCond %{HTTPS} off
	RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]
</VirtualHost>

<VirtualHost *:443>
	ServerName $H
	DocumentRoot /var/www/$H
	SSLEngine on
	SSLCertificateFile /etc/ssl/dcv-e2e/cert.pem
	SSLCertificateKeyFile /etc/ssl/dcv-e2e/key.pem
</VirtualHost>
EOF
    a2enmod -q rewrite ssl >/dev/null
    a2ensite -q "$H" >/dev/null
    apache2ctl -t
    apache2ctl start
  ' e2e "$E2E_DIR" "$D" "$SITE" || e2e_die "apache setup/start failed"
  local i
  for i in $(seq 1 100); do
    if e2e_srv curl -s -o /dev/null --max-time 1 --resolve "$D:80:127.0.0.1" "http://$D/" &&
       e2e_srv curl -s -o /dev/null --max-time 1 -k --resolve "$D:443:[::1]" "https://$D/"; then
      return 0; fi
    sleep 0.05
  done
  e2e_die "apache did not answer on :80 and :443"
}

# ------------------------------------------------------------------ bed
e2e_step "bed: netns pair + world, stock apache2 (:80 RewriteRule to https)"
REAL_APACHE=$(real_apache_manifest)
e2e_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
apache_up;                                                            e2e_phase "bed up (netns, world, apache2)"

e2e_step "baseline, as the CA sees it (curl from the outside namespace)"
e2e_expect_status "http://$D$VPATH" 4 301 "https://$D$VPATH"
e2e_expect_status "http://$D$VPATH" 6 301 "https://$D$VPATH"
e2e_expect_status "https://$D$VPATH" 4 404
apache_snapshot start
e2e_local_matrix "$E2E_DIR/matrix.start"
PROBE_OK=0
if e2e_probe_start "$PROBE_PORT"; then PROBE_OK=1; e2e_pass "probe serve is listening at $E2E_PROBE_URL"; fi
e2e_phase "baseline probes + snapshot"

# ------------------------------------------------------------------ check
e2e_step "check: diagnose (read-only)"
e2e_agent check-json check "${TARGET[@]}" --json
e2e_expect_rc 1 "check (not ready)"
e2e_json_valid "$E2E_OUT" "check --json"
cp "$E2E_OUT" "$E2E_DIR/check.json"
jexpect "check: finding REDIRECT_ON_PATH" "$E2E_DIR/check.json" '"REDIRECT_ON_PATH" in codes(d)'
jexpect "check: predicts 301 for http:// and 200 for https:// (as if the file were there: 404 now)" \
  "$E2E_DIR/check.json" \
  'any(p["status"] == 301 and p["url"].startswith("http://") for p in d["predictions"]) and any(p["status"] == 404 and p["url"].startswith("https://") for p in d["predictions"])'
RSRC=$(e2e_jq "$E2E_DIR/check.json" 'finding(d, "REDIRECT_ON_PATH").get("source", "")' 2>/dev/null)
if [[ "$RSRC" =~ ^(/etc/apache2/[^:]+):([0-9]+)$ ]]; then
  RLINE=$(e2e_srv sed -n "${BASH_REMATCH[2]}p" "${BASH_REMATCH[1]}" 2>/dev/null)
  if [[ "$RLINE" == *"RewriteRule ^ https://"* ]]; then e2e_pass "REDIRECT_ON_PATH source $RSRC is the line '${RLINE//$'\t'/}'"
  else e2e_fail "REDIRECT_ON_PATH source $RSRC is the line '$RLINE', not the RewriteRule"; fi
else
  e2e_fail "REDIRECT_ON_PATH source '$RSRC' is not /etc/apache2/<file>:<line>"
fi
apache_snapshot after-check
apache_same start after-check "check changed nothing under /etc/apache2"
e2e_phase "check"

# ------------------------------------------------------------------ fix --dry-run
e2e_step "fix --dry-run: a plan, and nothing changes"
e2e_agent dry-json fix "${TARGET[@]}" --dry-run --json
e2e_json_valid "$E2E_OUT" "fix --dry-run --json"
cp "$E2E_OUT" "$E2E_DIR/dry.json"
jexpect "dry-run: plan edits the Apache site with a diff that maps the token" "$E2E_DIR/dry.json" \
  'any(s["kind"] == "edit" and "/etc/apache2/" in (s.get("diff") or "") and "RewriteRule ^/\\.well-known/pki-validation/" in s["diff"] for s in d["plan"])'
jexpect "dry-run: plan tests and reloads Apache" "$E2E_DIR/dry.json" 'any(s["kind"] == "reload" for s in d["plan"])'
apache_snapshot after-dry
apache_same start after-dry "fix --dry-run changed nothing under /etc/apache2"
e2e_expect_status "http://$D$VPATH" 4 301 "https://$D$VPATH"
e2e_phase "fix --dry-run"

# ------------------------------------------------------------------ fix
e2e_step "fix"
e2e_agent fix-json fix "${TARGET[@]}" --json
e2e_expect_rc 0 "fix"
e2e_json_valid "$E2E_OUT" "fix --json"
cp "$E2E_OUT" "$E2E_DIR/fix.json"
jexpect "fix: verdict ready" "$E2E_DIR/fix.json" 'd["verdict"] == "ready"'
e2e_check "fix: the Apache configuration passes apache2ctl -t" e2e_srv apache2ctl -t
await_status 200 || e2e_log "http:// did not turn 200 within 5 s of the reload"
e2e_phase "fix"

e2e_step "as the CA sees it: curl from the outside namespace"
for fam in 4 6; do
  e2e_expect_served "http://$D$VPATH" "$fam" "$E2E_DIR/content"
  e2e_expect_served "https://$D$VPATH" "$fam" "$E2E_DIR/content"
  e2e_expect_status "http://$D/" "$fam" 301 "https://$D/"
  e2e_expect_status "https://$D/" "$fam" 200
done
e2e_local_matrix "$E2E_DIR/matrix.fixed"
e2e_check "URLs other than the validation path answer as before (status, Location, size; v4+v6)" \
  diff -u "$E2E_DIR/matrix.start" "$E2E_DIR/matrix.fixed"
if [ $PROBE_OK = 1 ]; then
  e2e_agent verify-json verify "${TARGET[@]}" --probe "$E2E_PROBE_URL" --json
  e2e_expect_rc 0 "verify --probe"
  cp "$E2E_OUT" "$E2E_DIR/verify.json"
  jexpect "verify: every check from the probe is 200 with matching content" "$E2E_DIR/verify.json" \
    'len(d["checks"]) > 0 and all(c["status"] == 200 and c["content_match"] and "10.99.0.2" in c["vantage"] for c in d["checks"])'
fi
e2e_phase "outside curl + verify after fix"

# ------------------------------------------------------------------ rollback
e2e_step "rollback --last"
e2e_agent rollback rollback --last
e2e_expect_rc 0 "rollback --last"
await_status 301 || e2e_log "http:// did not turn back to 301 within 5 s of the reload"
apache_snapshot rolled
apache_same start rolled "after rollback every file under /etc/apache2 is byte-identical to the start"
e2e_expect_status "http://$D$VPATH" 4 301 "https://$D$VPATH"
e2e_local_matrix "$E2E_DIR/matrix.rolled"
e2e_check "after rollback the other URLs answer as at the start" diff -u "$E2E_DIR/matrix.start" "$E2E_DIR/matrix.rolled"
e2e_phase "rollback"

e2e_check "the real /etc/apache2 is unchanged" test "$(real_apache_manifest)" = "$REAL_APACHE"
e2e_finish apache_redirect_test
