#!/usr/bin/env bash
# firewalld_test.sh - issue 3 (firewalld): dcv-agent end to end on stock nginx + stock firewalld.
#
#   bed: server world (stock Debian nginx serving the validation file itself on :80 and :443,
#        no redirect; a stock dbus-daemon on the world's private /run and stock firewalld with
#        its stock configuration: default zone public, and no active zone since there is no
#        NetworkManager) and an outside namespace (curl).
#   baseline blocked from outside over v4/v6 -> `check` reports PORT_CLOSED_FIREWALL naming
#   firewalld, zone public and its target -> `fix` -> curl from outside gets 200 + exact content
#   on 80 and 443 over IPv4 and IPv6 -> the permanent zone has http and https -> "reboot"
#   (`firewall-cmd --reload`: runtime rebuilt from the permanent configuration) -> still served
#   -> `rollback --last` -> zone files (firewalld's own Z.xml.old included), runtime and
#   permanent `--list-all` as at the start -> `fix --allow-from <the CA's addresses> --temporary`
#   -> the CA's namespace is served, a second outside namespace is not, the permanent zone is
#   untouched -> `cleanup` -> everything as at the start again.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_fw.sh"

e2e_require_root
e2e_require_tools firewalld firewall-cmd dbus-daemon
e2e_require_agent
e2e_root_state_save
e2e_install_traps

e2e_file_target  # D, TOKEN, CONTENT, VPATH, TARGET (lib.sh)
FW_SNAP_PATHS="/etc/firewalld"
FW_STATE=(/bin/sh -c 'firewall-cmd --get-active-zones; firewall-cmd --zone=public --list-all; firewall-cmd --permanent --zone=public --list-all')

# ------------------------------------------------------------------ bed
e2e_step "bed: netns pair + world, nginx serving the file on :80/:443, dbus + firewalld (no active zone)"
e2e_up
e2e_other_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
e2e_nginx_up
fw_site_serving "$TOKEN" "$E2E_DIR/content"
fw_firewalld_up
e2e_phase "bed up (netns, world, nginx, firewalld)"

e2e_step "baseline, as the CA sees it (curl from the outside namespace)"
for fam in 4 6; do
  e2e_expect_blocked "http://$D$VPATH" "$fam"
  e2e_expect_blocked "https://$D$VPATH" "$fam"
done
fw_snapshot start "${FW_STATE[@]}"
e2e_srv firewall-cmd --permanent --zone=public --list-all >"$E2E_DIR/snap/start.permanent"
e2e_check "baseline: no active zone (no NetworkManager)" test "$(e2e_srv firewall-cmd --get-active-zones)" = ""
e2e_phase "baseline probes + snapshot"

# ------------------------------------------------------------------ check
e2e_step "check: diagnose (read-only)"
e2e_agent check-json check "${TARGET[@]}" --json
e2e_expect_rc 1 "check (not ready)"
e2e_json_valid "$E2E_OUT" "check --json"
cp "$E2E_OUT" "$E2E_DIR/check.json"
fw_jexpect "check: PORT_CLOSED_FIREWALL from firewalld for IPv4 and IPv6, tcp/80 and tcp/443, naming zone public" \
  "$E2E_DIR/check.json" \
  'all(any(f["code"] == "PORT_CLOSED_FIREWALL" and f["evidence"].startswith("firewalld:") and ("IPv%d connection to tcp/%d" % (v, p)) in f["evidence"] and f["source"] == "firewalld zone public target default" for f in d["findings"]) for v in (4, 6) for p in (80, 443))'
fw_jexpect "check: no finding other than the firewall's stands in the way (errors)" "$E2E_DIR/check.json" \
  'all(f["code"] in ("PORT_CLOSED_FIREWALL", "LOCAL_VANTAGE_ONLY") for f in d["findings"] if f["severity"] == "error")'
fw_snapshot after-check "${FW_STATE[@]}"
e2e_check "check changed nothing (/etc/firewalld, zones)" diff -u "$E2E_DIR/snap/start.fwfiles" "$E2E_DIR/snap/after-check.fwfiles"
e2e_check "check changed nothing (runtime and permanent zone)" diff -u "$E2E_DIR/snap/start.fwstate" "$E2E_DIR/snap/after-check.fwstate"
e2e_phase "check"

# ------------------------------------------------------------------ fix
e2e_step "fix"
e2e_agent fix-json fix "${TARGET[@]}" --json
e2e_expect_rc 0 "fix"
e2e_json_valid "$E2E_OUT" "fix --json"
cp "$E2E_OUT" "$E2E_DIR/fix.json"
fw_jexpect "fix: verdict ready" "$E2E_DIR/fix.json" 'd["verdict"] == "ready"'
fw_jexpect "fix: two firewall-cmd calls (runtime, permanent), both services each" "$E2E_DIR/fix.json" \
  '[" ".join(s.get("argv", [])) for s in d["plan"] if s.get("argv", [""])[0] == "firewall-cmd"] == ["firewall-cmd --zone=public --add-service=http --add-service=https", "firewall-cmd --permanent --zone=public --add-service=http --add-service=https"]'
e2e_check "fix: permanent zone public has http and https" \
  e2e_srv /bin/sh -c 'firewall-cmd --permanent --zone=public --list-services | grep -qw http && firewall-cmd --permanent --zone=public --list-services | grep -qw https'
e2e_phase "fix"

e2e_step "as the CA sees it: curl from the outside namespace"
for fam in 4 6; do
  e2e_expect_served "http://$D$VPATH" "$fam" "$E2E_DIR/content"
  e2e_expect_served "https://$D$VPATH" "$fam" "$E2E_DIR/content"
done
e2e_phase "outside curl after fix"

# ------------------------------------------------------------------ reboot
e2e_step "reboot: firewall-cmd --reload (runtime rebuilt from the permanent configuration)"
e2e_srv firewall-cmd --reload >/dev/null || e2e_fail "firewall-cmd --reload"
for fam in 4 6; do
  fw_expect_served "http://$D$VPATH" "$fam" "$E2E_DIR/content"
  fw_expect_served "https://$D$VPATH" "$fam" "$E2E_DIR/content"
done
e2e_phase "reboot"

# ------------------------------------------------------------------ rollback
e2e_step "rollback --last"
e2e_agent rollback rollback --last
e2e_expect_rc 0 "rollback --last"
fw_snapshot rolled "${FW_STATE[@]}"
e2e_check "after rollback: runtime and permanent zone identical to the start" \
  diff -u "$E2E_DIR/snap/start.fwstate" "$E2E_DIR/snap/rolled.fwstate"
# firewalld keeps a backup (<zone>.xml.old) of every zone file it rewrites; the agent backs up
# the zone file and that backup before its permanent change and puts both back on rollback.
e2e_check "after rollback: /etc/firewalld identical to the start (firewalld's *.xml.old included)" \
  diff -u "$E2E_DIR/snap/start.fwfiles" "$E2E_DIR/snap/rolled.fwfiles"
e2e_expect_blocked "http://$D$VPATH" 4
e2e_expect_blocked "https://$D$VPATH" 6
e2e_phase "rollback"

# ------------------------------------------------------------------ --allow-from --temporary
e2e_step "fix --allow-from the CA's addresses --temporary: runtime rich rules only"
e2e_agent fix-temp fix "${TARGET[@]}" --allow-from "$E2E_CA_IP4" --allow-from "$E2E_CA_IP6" --temporary --json
e2e_json_valid "$E2E_OUT" "fix --allow-from --temporary --json"
fw_jexpect "fix: one runtime call with a rich rule per address and service, nothing permanent" "$E2E_OUT" \
  '[s["argv"][:2] + [len(s["argv"]) - 2] for s in d["plan"] if s.get("argv", [""])[0] == "firewall-cmd"] == [["firewall-cmd", "--zone=public", 4]] and all("source address=" in a for s in d["plan"] if s.get("argv", [""])[0] == "firewall-cmd" for a in s["argv"][2:])'
for fam in 4 6; do
  for url in "http://$D$VPATH" "https://$D$VPATH"; do
    E2E_FROM=ca fw_expect_served "$url" "$fam" "$E2E_DIR/content"
    E2E_FROM=other e2e_expect_blocked "$url" "$fam"
  done
done
e2e_check "fix --temporary: the permanent zone is as at the start" \
  diff -u "$E2E_DIR/snap/start.permanent" <(e2e_srv firewall-cmd --permanent --zone=public --list-all)
e2e_phase "fix --allow-from --temporary"

e2e_step "cleanup: the runtime-only openings go"
e2e_agent cleanup cleanup "${TARGET[@]}"
e2e_expect_rc 0 "cleanup"
fw_snapshot cleaned "${FW_STATE[@]}"
e2e_check "after cleanup: runtime and permanent zone identical to the start" \
  diff -u "$E2E_DIR/snap/start.fwstate" "$E2E_DIR/snap/cleaned.fwstate"
e2e_check "after cleanup: /etc/firewalld identical to the start" \
  diff -u "$E2E_DIR/snap/start.fwfiles" "$E2E_DIR/snap/cleaned.fwfiles"
e2e_expect_blocked "http://$D$VPATH" 4
e2e_phase "cleanup"

e2e_finish firewalld_test
