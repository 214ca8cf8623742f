#!/usr/bin/env bash
# harness_test.sh - proves the e2e harness itself, with real tools and without the agent:
#   the guards refuse foreign namespaces; the baseline (redirect + tcp/80 drop) really fails from
#   the outside namespace; a hand-made fix (nft accept in the dropping chain, persisted, plus a
#   server-level `rewrite ... break` and a `location ^~ /.well-known/pki-validation/`) really makes
#   it pass over IPv4 and IPv6, http and https, and survives a "reboot"; a hand-made rollback
#   gives byte-identical snapshots; the snapshots notice a change; probe start/stop by PID works;
#   teardown leaves nothing behind.
# So when the agent scenario fails, the agent is at fault, not the bed.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_require_root
e2e_require_tools
e2e_root_state_save
e2e_install_traps

TOKEN=dcv-e2e-$E2E_ID.txt
CONTENT="harness-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
D=$E2E_DOMAIN
VURL=/.well-known/pki-validation/$TOKEN

e2e_step "bed: netns pair, world, stock nginx"
e2e_up;                                                        e2e_phase "netns + world up"
printf '%s' "$CONTENT" >"$E2E_DIR/content"
e2e_nginx_up;                                                  e2e_phase "nginx (cert + start)"

e2e_step "guards refuse anything but this run's namespaces"
( E2E_WORLD_MNT=$E2E_ROOT_MNT e2e_srv touch "$E2E_DIR/guard-1" ) 2>/dev/null
e2e_check "e2e_srv refuses when the world mount ns would be the root one" test $? = 97 -a ! -e "$E2E_DIR/guard-1"
( E2E_SRV_NETNS=$E2E_ROOT_NET e2e_srv touch "$E2E_DIR/guard-2" ) 2>/dev/null
e2e_check "e2e_srv refuses when the server netns would be the root one" test $? = 97 -a ! -e "$E2E_DIR/guard-2"
( E2E_INIT_START=1 e2e_srv touch "$E2E_DIR/guard-3" ) 2>/dev/null
e2e_check "e2e_srv refuses when the world init's PID was recycled" test $? = 97 -a ! -e "$E2E_DIR/guard-3"
( E2E_CA_NETNS=$E2E_ROOT_NET e2e_ca touch "$E2E_DIR/guard-4" ) 2>/dev/null
e2e_check "e2e_ca refuses a foreign netns" test $? = 97 -a ! -e "$E2E_DIR/guard-4"
e2e_check "world: /proc shows only the world's processes (PID 1 is its init)" \
  test "$(e2e_srv cat /proc/1/comm)" = bash
e2e_check "world: /etc is this run's overlay" e2e_srv grep -q "^dcvetc$E2E_ID /etc overlay" /proc/self/mounts
e2e_check "CA hosts file resolves $D to both server addresses, real /etc/hosts untouched" \
  test "$(e2e_ca_named getent ahosts "$D" | awk '{print $1}' | sort -u | tr '\n' ' ')" = "10.99.0.1 fd99::1 "
e2e_check "world /etc/hosts has $D" e2e_srv grep -q "^10.99.0.1 $D\$" /etc/hosts
e2e_phase "guards"

e2e_step "control: before the firewall, the outside sees the redirect"
e2e_expect_status "http://$D$VURL" 4 301 "https://$D$VURL"
e2e_expect_status "http://$D$VURL" 6 301 "https://$D$VURL"
e2e_expect_status "https://$D$VURL" 4 404
e2e_phase "control probes"

e2e_step "block tcp/80 (persisted in the world's /etc/nftables.conf)"
e2e_nft_block
e2e_check "world /etc/nftables.conf is in the overlay, not the real /etc" \
  cmp -s "$E2E_DIR/upper/etc/nftables.conf" "$E2E_DIR/nftables.conf"
e2e_expect_blocked "http://$D$VURL" 4
e2e_expect_blocked "http://$D$VURL" 6
e2e_expect_status "https://$D$VURL" 4 404
e2e_expect_status "https://$D$VURL" 6 404
e2e_check "self-check from the server is a false positive (loopback: 301, not blocked)" \
  test "$(e2e_srv curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$D$VURL")" = 301
e2e_phase "baseline probes"

e2e_step "snapshots are deterministic and notice changes"
e2e_snapshot s1; e2e_snapshot s2
e2e_snapshot_same s1 s2 "files ruleset upper" "two snapshots without a change are identical"
e2e_srv /bin/sh -c 'echo "# x" >> /etc/nginx/conf.d/e2e-sensitivity.conf'
e2e_srv nft add rule inet filter input tcp dport 9 drop
e2e_snapshot s3
if diff -q "$E2E_DIR/snap/s1.files" "$E2E_DIR/snap/s3.files" >/dev/null ||
   diff -q "$E2E_DIR/snap/s1.ruleset" "$E2E_DIR/snap/s3.ruleset" >/dev/null ||
   diff -q "$E2E_DIR/snap/s1.upper" "$E2E_DIR/snap/s3.upper" >/dev/null; then
  e2e_fail "snapshots must notice a new nginx file and a new rule"
else e2e_pass "snapshots notice a new nginx file, a new rule and the write in the overlay"; fi
e2e_srv rm /etc/nginx/conf.d/e2e-sensitivity.conf
e2e_nft_reboot
e2e_snapshot start
e2e_snapshot_same s1 start "files ruleset" "reverting the change restores the snapshot"
e2e_local_matrix "$E2E_DIR/matrix.start"
e2e_phase "snapshots"

e2e_step "hand-made fix (what the agent is expected to do)"
e2e_srv /bin/bash -euc '
  H=$1 T=$2 C=$3 D=$4
  cp -a "/etc/nginx/sites-available/$H" "$D/site.orig"; cp -a /etc/nftables.conf "$D/nftables.orig"
  nft insert rule inet filter input tcp dport 80 accept comment "\"dcv-agent\""
  { echo "#!/usr/sbin/nft -f"; echo; echo "flush ruleset"; echo; nft list ruleset; } > /etc/nftables.conf.new
  chmod --reference=/etc/nftables.conf /etc/nftables.conf.new
  nft -c -f /etc/nftables.conf.new && mv /etc/nftables.conf.new /etc/nftables.conf
  mkdir -p /var/www/dcv-agent/.well-known/pki-validation
  printf "%s" "$C" > "/var/www/dcv-agent/.well-known/pki-validation/$T"
  chmod 644 "/var/www/dcv-agent/.well-known/pki-validation/$T"
  loc="	location ^~ /.well-known/pki-validation/ {\n\t\troot /var/www/dcv-agent;\n\t\tdefault_type text/plain;\n\t\ttry_files \$uri =404;\n\t}"
  # :80: the exemption must come before the server-level return (a location alone loses to it)
  awk -v loc="$loc" "
    /server_name/ && !done80 { print; print \"\trewrite ^(/\\\\.well-known/pki-validation/.*)\$ \$1 break;\"; print loc; done80=1; next }
    /ssl_certificate_key/ { print; print loc; next }
    { print }" "$D/site.orig" > "/etc/nginx/sites-available/$H"
  nginx -t -q
  nginx -s reload
' e2e "$D" "$TOKEN" "$CONTENT" "$E2E_DIR" || e2e_fail "hand-made fix failed"
sleep 0.3   # nginx -s reload is asynchronous
e2e_phase "hand-made fix"

e2e_step "outside: served over IPv4 and IPv6, http and https; other URLs unchanged"
for fam in 4 6; do
  e2e_expect_served "http://$D$VURL" "$fam" "$E2E_DIR/content"
  e2e_expect_served "https://$D$VURL" "$fam" "$E2E_DIR/content"
  e2e_expect_status "http://$D/" "$fam" 301 "https://$D/"
  e2e_expect_status "https://$D/" "$fam" 200
done
e2e_local_matrix "$E2E_DIR/matrix.fixed"
e2e_check "URLs other than the validation path answer as before (local matrix)" \
  diff -u "$E2E_DIR/matrix.start" "$E2E_DIR/matrix.fixed"
e2e_phase "open probes"

e2e_step "reboot: flush the ruleset, load only /etc/nftables.conf"
e2e_nft_reboot
e2e_expect_served "http://$D$VURL" 4 "$E2E_DIR/content"
e2e_expect_served "http://$D$VURL" 6 "$E2E_DIR/content"
e2e_phase "reboot"

e2e_step "hand-made rollback"
e2e_srv /bin/bash -euc '
  H=$1 T=$2 D=$3
  h=$(nft -a list chain inet filter input | sed -n "s/.*comment \"dcv-agent\" # handle \([0-9]*\)/\1/p")
  nft delete rule inet filter input handle "$h"
  cat "$D/nftables.orig" > /etc/nftables.conf
  cat "$D/site.orig" > "/etc/nginx/sites-available/$H"
  rm -rf /var/www/dcv-agent
  nginx -t -q && nginx -s reload
' e2e "$D" "$TOKEN" "$E2E_DIR" || e2e_fail "hand-made rollback failed"
sleep 0.3
e2e_snapshot rolled
e2e_snapshot_same start rolled "files ruleset" "after rollback: nginx files, nftables.conf and ruleset byte-identical"
e2e_expect_blocked "http://$D$VURL" 4
e2e_expect_status "https://$D$VURL" 4 404
e2e_local_matrix "$E2E_DIR/matrix.rolled"
e2e_check "local matrix after rollback equals the start" diff -u "$E2E_DIR/matrix.start" "$E2E_DIR/matrix.rolled"
e2e_phase "rollback"

e2e_step "probe start/stop by PID (stand-in for dcv-agent probe serve)"
cat >"$E2E_DIR/fake-agent" <<'EOF'
#!/bin/sh
# stand-in: prints the readiness line, then waits (exec keeps the PID)
getent hosts "$E2E_TEST_NAME" >/dev/null || { echo "cannot resolve $E2E_TEST_NAME" >&2; exit 1; }
echo "listening on $4"
exec sleep 300
EOF
chmod 755 "$E2E_DIR/fake-agent"
REAL_AGENT=$DCV_AGENT DCV_AGENT=$E2E_DIR/fake-agent
export E2E_TEST_NAME=$D
if e2e_probe_start 8080; then
  pid=$E2E_PROBE_PID
  e2e_check "probe pid is the stand-in itself, in the outside netns" \
    test "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep
  e2e_probe_stop
  e2e_check "probe stopped by PID" test ! -e "/proc/$pid"
fi
DCV_AGENT=$REAL_AGENT
e2e_phase "probe start/stop"

e2e_finish harness_test
