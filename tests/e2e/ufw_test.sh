#!/usr/bin/env bash
# ufw_test.sh - issue 3 (ufw): dcv-agent end to end on stock nginx + stock ufw.
#
#   bed: server world (stock Debian nginx serving the validation file itself on :80 and :443,
#        no redirect; `ufw --force enable` with the stock default deny incoming, written only
#        to the world's /etc/ufw overlay) and an outside namespace (curl).
#   baseline blocked from outside over v4/v6 -> `check` reports PORT_CLOSED_FIREWALL naming
#   ufw, the family and the default policy -> `fix --dry-run` changes nothing -> `fix` -> curl
#   from outside gets 200 + exact content on 80 and 443 over IPv4 and IPv6 -> the rules are in
#   /etc/ufw/user.rules and user6.rules -> "reboot" (`ufw --force disable; ufw --force enable`:
#   reload only what ufw persisted) -> still served -> `rollback --last` -> /etc/ufw files and
#   `ufw status verbose` identical to the start, blocked again.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_fw.sh"

e2e_require_root
e2e_require_tools ufw iptables
e2e_require_agent
e2e_root_state_save
e2e_install_traps

e2e_file_target  # D, TOKEN, CONTENT, VPATH, TARGET (lib.sh)
FW_SNAP_PATHS="/etc/ufw /etc/default/ufw"
UFW_STATUS=(ufw status verbose)

# ------------------------------------------------------------------ bed
e2e_step "bed: netns pair + world, nginx serving the file on :80/:443, ufw enabled (deny incoming)"
e2e_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
e2e_nginx_up
fw_site_serving "$TOKEN" "$E2E_DIR/content"
e2e_srv ufw --force enable >/dev/null || e2e_die "ufw --force enable"
e2e_phase "bed up (netns, world, nginx, ufw)"

e2e_step "baseline, as the CA sees it (curl from the outside namespace)"
for fam in 4 6; do
  e2e_expect_blocked "http://$D$VPATH" "$fam"
  e2e_expect_blocked "https://$D$VPATH" "$fam"
done
fw_snapshot start "${UFW_STATUS[@]}"
e2e_check "baseline: ufw status says active" grep -q '^Status: active' "$E2E_DIR/snap/start.fwstate"
e2e_phase "baseline probes + snapshot"

# ------------------------------------------------------------------ check
e2e_step "check: diagnose (read-only)"
e2e_agent check-json check "${TARGET[@]}" --json
e2e_expect_rc 1 "check (not ready)"
e2e_json_valid "$E2E_OUT" "check --json"
cp "$E2E_OUT" "$E2E_DIR/check.json"
fw_jexpect "check: PORT_CLOSED_FIREWALL from ufw for IPv4 and IPv6, tcp/80 and tcp/443, naming the policy" \
  "$E2E_DIR/check.json" \
  'all(any(f["code"] == "PORT_CLOSED_FIREWALL" and f["evidence"].startswith("ufw:") and ("IPv%d connection to tcp/%d" % (v, p)) in f["evidence"] and f["source"] == "ufw default incoming policy deny" for f in d["findings"]) for v in (4, 6) for p in (80, 443))'
fw_jexpect "check: no finding other than the firewall's stands in the way (errors)" "$E2E_DIR/check.json" \
  'all(f["code"] in ("PORT_CLOSED_FIREWALL", "LOCAL_VANTAGE_ONLY") for f in d["findings"] if f["severity"] == "error")'
fw_snapshot after-check "${UFW_STATUS[@]}"
e2e_check "check changed nothing in /etc/ufw" diff -u "$E2E_DIR/snap/start.fwfiles" "$E2E_DIR/snap/after-check.fwfiles"
e2e_phase "check"

# ------------------------------------------------------------------ fix --dry-run
e2e_step "fix --dry-run: the plan names ufw allow, nothing changes"
e2e_agent dry-json fix "${TARGET[@]}" --dry-run --json
e2e_json_valid "$E2E_OUT" "fix --dry-run --json"
cp "$E2E_OUT" "$E2E_DIR/dry.json"
fw_jexpect "dry-run: plan runs ufw allow 80/tcp and ufw allow 443/tcp" "$E2E_DIR/dry.json" \
  '{" ".join(s.get("argv", [])) for s in d["plan"]} >= {"ufw allow 80/tcp", "ufw allow 443/tcp"}'
fw_snapshot after-dry "${UFW_STATUS[@]}"
e2e_check "fix --dry-run changed nothing (/etc/ufw files)" diff -u "$E2E_DIR/snap/start.fwfiles" "$E2E_DIR/snap/after-dry.fwfiles"
e2e_check "fix --dry-run changed nothing (ufw status verbose)" diff -u "$E2E_DIR/snap/start.fwstate" "$E2E_DIR/snap/after-dry.fwstate"
e2e_phase "fix --dry-run"

# ------------------------------------------------------------------ fix
e2e_step "fix"
e2e_agent fix-json fix "${TARGET[@]}" --json
e2e_expect_rc 0 "fix"
e2e_json_valid "$E2E_OUT" "fix --json"
cp "$E2E_OUT" "$E2E_DIR/fix.json"
fw_jexpect "fix: verdict ready" "$E2E_DIR/fix.json" 'd["verdict"] == "ready"'
for f in user.rules user6.rules; do
  e2e_check "fix: /etc/ufw/$f persists tcp/80 and tcp/443" \
    e2e_srv /bin/sh -c 'grep -q -- "--dport 80 -j ACCEPT" "$1" && grep -q -- "--dport 443 -j ACCEPT" "$1"' e2e "/etc/ufw/$f"
done
e2e_phase "fix"

e2e_step "as the CA sees it: curl from the outside namespace"
for fam in 4 6; do
  e2e_expect_served "http://$D$VPATH" "$fam" "$E2E_DIR/content"
  e2e_expect_served "https://$D$VPATH" "$fam" "$E2E_DIR/content"
done
e2e_phase "outside curl after fix"

# ------------------------------------------------------------------ reboot
e2e_step "reboot: ufw --force disable; ufw --force enable (only what ufw persisted)"
e2e_srv ufw --force disable >/dev/null || e2e_fail "ufw --force disable"
e2e_srv ufw --force enable >/dev/null || e2e_fail "ufw --force enable"
for fam in 4 6; do
  fw_expect_served "http://$D$VPATH" "$fam" "$E2E_DIR/content"
  fw_expect_served "https://$D$VPATH" "$fam" "$E2E_DIR/content"
done
e2e_phase "reboot"

# ------------------------------------------------------------------ check after: ready
e2e_agent check-after check "${TARGET[@]}" --json
fw_jexpect "check after the fix: no PORT_CLOSED_FIREWALL" "$E2E_OUT" \
  'not any(f["code"] == "PORT_CLOSED_FIREWALL" for f in d["findings"])'

# ------------------------------------------------------------------ rollback
e2e_step "rollback --last"
e2e_agent rollback rollback --last
e2e_expect_rc 0 "rollback --last"
fw_snapshot rolled "${UFW_STATUS[@]}"
e2e_check "after rollback: /etc/ufw files identical to the start" diff -u "$E2E_DIR/snap/start.fwfiles" "$E2E_DIR/snap/rolled.fwfiles"
e2e_check "after rollback: ufw status verbose identical to the start" diff -u "$E2E_DIR/snap/start.fwstate" "$E2E_DIR/snap/rolled.fwstate"
e2e_expect_blocked "http://$D$VPATH" 4
e2e_expect_blocked "https://$D$VPATH" 6
e2e_phase "rollback"

e2e_finish ufw_test
