#!/usr/bin/env bash
# iptables_test.sh - issue 3: dcv-agent end to end on stock nginx + iptables, three cases,
# each in a fresh bed (legacy tables stay registered until their network namespace dies):
#   nft     iptables-nft drops tcp/80+443 (v4: multiport DROP; v6: REJECT 80, DROP 443);
#           no /etc/iptables yet: the agent creates rules.v4/rules.v6 from the save output
#   legacy  the same with iptables-legacy (the world's `iptables` alternative set to legacy),
#           rules.v4/rules.v6 already persisted by the admin: the agent edits them in place
#   mixed   as legacy, plus an iptables-nft ACCEPT for 80/443 (the legacy DROP still wins)
# nginx already serves the validation file on :80 and :443 (the site is adapted here), so the
# firewall is the only thing in the way. Per case: outside curl is blocked -> `check` reports
# PORT_CLOSED_FIREWALL naming backend, family and rule -> `fix` -> curl from outside gets the
# file on 80 and 443 over IPv4 and IPv6 -> "reboot" (flush, then restore only the rules files)
# -> still served -> `rollback --last` -> every stack's save output (minus `#` lines) and the
# rules files byte-identical to before.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1,
# IPT_CASE=nft|legacy|mixed (one case; default: each case in its own child run).
set -uo pipefail
if [ -z "${IPT_CASE:-}" ]; then
  rc=0
  for c in nft legacy mixed; do
    IPT_CASE=$c E2E_ID= bash "${BASH_SOURCE[0]}" || rc=1
  done
  exit $rc
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_iptables.sh"

e2e_require_root
e2e_require_tools
e2e_require_agent
e2e_root_state_save
e2e_install_traps

e2e_file_target  # D, TOKEN, CONTENT, VPATH, TARGET (lib.sh)

jexpect() {
  local desc=$1 file=$2 expr=$3 got
  got=$(e2e_jq "$file" "$expr" 2>&1)
  if [ "$got" = True ] || [ "$got" = true ]; then e2e_pass "$desc"
  else e2e_fail "$desc (got: ${got:0:400})"; fi
}

e2e_step "[$IPT_CASE] bed: netns pair + world, nginx serving the file on :80 and :443"
e2e_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
e2e_nginx_up
ipt_serve_file "$TOKEN" "$E2E_DIR/content"
case $IPT_CASE in
  nft)    ipt_block nft; BACKEND=iptables-nft ;;
  legacy) ipt_use_legacy; ipt_block legacy; ipt_persist_now legacy; BACKEND=iptables-legacy ;;
  mixed)  ipt_use_legacy; ipt_block legacy; ipt_persist_now legacy; ipt_accept_in_front nft
          BACKEND=iptables-legacy ;;
esac
e2e_phase "bed up"

e2e_step "[$IPT_CASE] baseline from outside: blocked on 80 and 443, v4 and v6"
for fam in 4 6; do
  e2e_expect_blocked "http://$D$VPATH" $fam
  e2e_expect_blocked "https://$D$VPATH" $fam
done
ipt_snapshot start

e2e_step "[$IPT_CASE] check"
e2e_agent check check "${TARGET[@]}" --json
e2e_expect_rc 1 "check (not ready)"
cp "$E2E_OUT" "$E2E_DIR/check.json"
jexpect "check names PORT_CLOSED_FIREWALL by $BACKEND for IPv4 and IPv6, with the rule" "$E2E_DIR/check.json" \
  "{('IPv4' in f['evidence'], 'IPv6' in f['evidence']) for f in d['findings'] if f['code'] == 'PORT_CLOSED_FIREWALL' and '$BACKEND' in f['evidence'] and 'tables-${BACKEND#iptables-} filter INPUT' in f['source'] and ' -j ' in f['source']} == {(True, False), (False, True)}"
jexpect "check: no PORT_CLOSED_FIREWALL from nftables (iptables-nft tables are not its)" "$E2E_DIR/check.json" \
  "not any(f['source'].startswith('nft ') for f in d['findings'] if f['code'] == 'PORT_CLOSED_FIREWALL')"
e2e_log "findings: $(e2e_jq "$E2E_DIR/check.json" "[f['source'] for f in d['findings']]" 2>&1)"
ipt_snapshot after-check
ipt_same start after-check "check changed nothing"
e2e_phase "check"

e2e_step "[$IPT_CASE] fix"
e2e_agent fix fix "${TARGET[@]}" --json
e2e_expect_rc 0 "fix"
cp "$E2E_OUT" "$E2E_DIR/fix.json"
e2e_log "plan: $(e2e_jq "$E2E_DIR/fix.json" "[s['description'] for s in d['plan']]" 2>&1)"
for fam in 4 6; do
  e2e_expect_served "http://$D$VPATH" $fam "$E2E_DIR/content"
  e2e_expect_served "https://$D$VPATH" $fam "$E2E_DIR/content"
done
e2e_phase "fix + outside curl"

e2e_step "[$IPT_CASE] reboot: flush, then restore only /etc/iptables/rules.v4 and rules.v6"
ipt_reboot
for fam in 4 6; do
  e2e_expect_served "http://$D$VPATH" $fam "$E2E_DIR/content"
  e2e_expect_served "https://$D$VPATH" $fam "$E2E_DIR/content"
done
e2e_phase "reboot"

e2e_step "[$IPT_CASE] rollback --last"
e2e_agent rollback rollback --last
e2e_expect_rc 0 "rollback --last"
ipt_snapshot rolled
ipt_same start rolled "after rollback: save output of every stack and the rules files byte-identical to the start"
e2e_expect_blocked "http://$D$VPATH" 4
e2e_expect_blocked "https://$D$VPATH" 6
e2e_phase "rollback"

e2e_finish "iptables_test[$IPT_CASE]"
