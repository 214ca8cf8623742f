# shellcheck shell=bash
# tests/e2e/lib_fw.sh - helpers for the firewall-backend end-to-end tests (ufw, firewalld),
# on top of lib.sh (source lib.sh first). Everything runs in the bed's world through e2e_srv:
# ufw writes only the world's /etc/ufw overlay, firewalld and its dbus-daemon live only in the
# world (private /run, so the host bus is invisible).

# fw_site_serving TOKEN CONTENTFILE: replace the bed's site with one that serves the validation
# file itself on :80 and :443 (no redirect), so that only the firewall stands in the way.
fw_site_serving() {
  local token=$1 content=$2
  printf '%s\n' \
    "# $E2E_DOMAIN: serves the site on :80 and :443" \
    'server {' \
    '	listen 80;' \
    '	listen [::]:80;' \
    '	listen 443 ssl;' \
    '	listen [::]:443 ssl;' \
    "	server_name $E2E_DOMAIN;" \
    '	ssl_certificate /etc/ssl/dcv-e2e/cert.pem;' \
    '	ssl_certificate_key /etc/ssl/dcv-e2e/key.pem;' \
    "	root /var/www/$E2E_DOMAIN;" \
    '	location / {' \
    '		try_files $uri $uri/ =404;' \
    '	}' \
    '}' >"$E2E_DIR/site.conf"
  e2e_srv /bin/sh -ec '
    H=$1 T=$2 C=$3 S=$4
    mkdir -p "/var/www/$H/.well-known/pki-validation"
    install -m 644 "$C" "/var/www/$H/.well-known/pki-validation/$T"
    install -m 644 "$S" "/etc/nginx/sites-available/$H"
    nginx -t -q
    nginx -s reload
  ' e2e "$E2E_DOMAIN" "$token" "$content" "$E2E_DIR/site.conf" || e2e_die "serving site setup failed"
  sleep 0.3   # the reload is asynchronous
}

# fw_snapshot NAME CMD...: every file under the world's paths in $FW_SNAP_PATHS (type, mode,
# sha256) and the output of CMD (the backend's own view), into $E2E_DIR/snap/NAME.fw*
fw_snapshot() {
  local name=$1; shift
  # shellcheck disable=SC2086
  e2e_srv /bin/sh -c '
    find "$@" -printf "%y %m %p -> %l\n" 2>/dev/null | LC_ALL=C sort
    find "$@" -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0r sha256sum
  ' e2e $FW_SNAP_PATHS >"$E2E_DIR/snap/$name.fwfiles" || e2e_die "snapshot $name (files)"
  e2e_srv "$@" >"$E2E_DIR/snap/$name.fwstate" 2>&1 || e2e_die "snapshot $name ($*)"
}

# fw_expect_served URL FAM CONTENTFILE [TRIES]: like e2e_expect_served, retrying a few times
# first (a firewall reload may take a moment to reach the kernel)
fw_expect_served() {
  local url=$1 fam=$2 want=$3 tries=${4:-5} i
  for i in $(seq 1 "$tries"); do
    e2e_fetch "$url" "$fam"
    if [ "$E2E_CURLRC" = 0 ] && [ "$E2E_CODE" = 200 ] && e2e_body_matches "$E2E_DIR/fetch.body" "$want"; then break; fi
    sleep 0.3
  done
  e2e_expect_served "$url" "$fam" "$want"
}

# fw_jexpect DESC FILE EXPR: EXPR (Python, `d` = the document) must be True
fw_jexpect() {
  local desc=$1 file=$2 expr=$3 got
  got=$(e2e_jq "$file" "$expr" 2>&1)
  if [ "$got" = True ] || [ "$got" = true ]; then e2e_pass "$desc"
  else e2e_fail "$desc (got: ${got:0:300})"; fi
}

# fw_firewalld_up: a stock dbus-daemon (system bus on the world's private /run) and stock
# firewalld in the world; waits until `firewall-cmd --state` answers.
fw_firewalld_up() {
  local i
  e2e_srv /bin/sh -c 'mkdir -p /run/dbus && exec dbus-daemon --system --nofork --nopidfile' \
    </dev/null >"$E2E_DIR/out/dbus.log" 2>&1 &
  for i in $(seq 1 200); do e2e_srv test -S /run/dbus/system_bus_socket && break; sleep 0.05; done
  e2e_srv test -S /run/dbus/system_bus_socket || e2e_die "dbus-daemon did not start"
  e2e_srv firewalld --nofork --nopid </dev/null >"$E2E_DIR/out/firewalld.log" 2>&1 &
  for i in $(seq 1 100); do
    e2e_srv firewall-cmd --state >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  e2e_die "firewalld did not start (see $E2E_DIR/out/firewalld.log)"
}
