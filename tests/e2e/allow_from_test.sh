#!/usr/bin/env bash
# allow_from_test.sh - issue 3: `--allow-from` and `--temporary`, end to end, on nftables and ufw.
#
#   bed: server world (stock nginx serving the validation file on :80/:443) with two outside
#        namespaces on two server interfaces: the CA's ($E2E_CA_IP4/$E2E_CA_IP6) and another
#        sender's ($E2E_OTHER_IP4/$E2E_OTHER_IP6).
#   nftables (table inet filter, policy drop, persisted in /etc/nftables.conf):
#     `check --allow-from CA` reports PORT_CLOSED_FIREWALL -> `fix --allow-from CA --temporary`
#     -> the CA's namespace gets 200 + content over IPv4/IPv6 on 80 and 443, the other namespace
#     is still blocked -> /etc/nftables.conf untouched (temporary openings are runtime only) ->
#     `cleanup` -> the CA is blocked again and `nft list ruleset` is what it was at the start ->
#     `rollback --last` (of the cleanup) -> the CA is served again.
#   ufw (enabled, default deny incoming), on the same bed after the nft ruleset is flushed:
#     `fix --allow-from CA --temporary` -> CA served, other blocked -> `cleanup` -> /etc/ufw and
#     `ufw status verbose` identical to before the fix.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_fw.sh"

e2e_require_root
e2e_require_tools ufw
e2e_require_agent
e2e_root_state_save
e2e_install_traps

e2e_file_target  # D, TOKEN, CONTENT, VPATH, TARGET (lib.sh)
ALLOW=(--allow-from "$E2E_CA_IP4" --allow-from "$E2E_CA_IP6/128")
URLS=("http://$D$VPATH" "https://$D$VPATH")

# expect_from WHO WANT: every URL over IPv4 and IPv6 from namespace WHO (ca|other) is
# served (WANT=served) or blocked (WANT=blocked)
expect_from() {
  local who=$1 want=$2 url fam
  for url in "${URLS[@]}"; do
    for fam in 4 6; do
      if [ "$want" = served ]; then E2E_FROM=$who fw_expect_served "$url" "$fam" "$E2E_DIR/content"
      else E2E_FROM=$who e2e_expect_blocked "$url" "$fam"; fi
    done
  done
}

NFT_POLICY_DROP='#!/usr/sbin/nft -f

flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif "lo" accept
		meta l4proto ipv6-icmp accept
		tcp dport 22 accept
	}
}
'

# ------------------------------------------------------------------ bed
e2e_step "bed: server world + the CA's namespace + another sender's namespace; nginx serving the file"
e2e_up
e2e_other_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
e2e_nginx_up
fw_site_serving "$TOKEN" "$E2E_DIR/content"
E2E_NFT_BLOCK=$NFT_POLICY_DROP e2e_nft_block
mkdir -p "$E2E_DIR/snap"
e2e_srv nft list ruleset >"$E2E_DIR/snap/nft.start" || e2e_die "nft list ruleset"
e2e_srv sha256sum /etc/nftables.conf >"$E2E_DIR/snap/nftconf.start" || e2e_die "sha256sum"
expect_from ca blocked
expect_from other blocked
e2e_phase "bed up, both senders blocked"

# ------------------------------------------------------------------ nftables
e2e_step "nftables: check --allow-from the CA's addresses"
e2e_agent check-json check "${TARGET[@]}" "${ALLOW[@]}" --json
e2e_expect_rc 1 "check (not ready)"
e2e_json_valid "$E2E_OUT" "check --json"
fw_jexpect "check: PORT_CLOSED_FIREWALL from nftables for IPv4 and IPv6" "$E2E_OUT" \
  'all(any(f["code"] == "PORT_CLOSED_FIREWALL" and ("IPv%d" % v) in f["evidence"] and f["source"].startswith("nft inet filter input") for f in d["findings"]) for v in (4, 6))'

e2e_step "nftables: fix --allow-from the CA --temporary"
e2e_agent fix-json fix "${TARGET[@]}" "${ALLOW[@]}" --temporary --json
e2e_json_valid "$E2E_OUT" "fix --json"
fw_jexpect "fix: only runtime nft commands, each admitting the CA's address only" "$E2E_OUT" \
  'all(s["kind"] == "run" and "saddr" in " ".join(s["argv"]) and "dcv-agent temporary" in " ".join(s["argv"]) for s in d["plan"] if s["remediator"] == "firewall.nftables") and any(s["remediator"] == "firewall.nftables" for s in d["plan"])'
expect_from ca served
expect_from other blocked
e2e_check "fix: /etc/nftables.conf untouched (a temporary opening is not persisted)" \
  cmp -s <(e2e_srv sha256sum /etc/nftables.conf) "$E2E_DIR/snap/nftconf.start"
e2e_srv nft list ruleset >"$E2E_DIR/snap/nft.fixed"
e2e_phase "nftables fix"

e2e_step "nftables: cleanup removes the temporary opening"
e2e_agent cleanup cleanup "${TARGET[@]}"
e2e_expect_rc 0 "cleanup"
expect_from ca blocked
e2e_check "cleanup: nft list ruleset is what it was before the fix" \
  cmp -s <(e2e_srv nft list ruleset) "$E2E_DIR/snap/nft.start"

e2e_step "nftables: rollback --last undoes the cleanup"
e2e_agent rollback rollback --last
e2e_expect_rc 0 "rollback --last"
expect_from ca served
e2e_check "rollback: nft list ruleset is what the fix left" \
  cmp -s <(e2e_srv nft list ruleset) "$E2E_DIR/snap/nft.fixed"
e2e_agent cleanup2 cleanup "${TARGET[@]}"
e2e_expect_rc 0 "cleanup again"
e2e_phase "nftables cleanup + rollback"

# ------------------------------------------------------------------ ufw
e2e_step "ufw: flush nft, enable ufw (default deny incoming)"
e2e_srv nft flush ruleset || e2e_die "nft flush"
e2e_srv ufw --force enable >/dev/null || e2e_die "ufw --force enable"
FW_SNAP_PATHS="/etc/ufw"
fw_snapshot ufw-start ufw status verbose
expect_from ca blocked

e2e_step "ufw: fix --allow-from the CA --temporary"
e2e_agent ufw-fix fix "${TARGET[@]}" "${ALLOW[@]}" --temporary --json
fw_jexpect "fix: ufw rules from the CA's addresses, marked temporary" "$E2E_OUT" \
  'sum(1 for s in d["plan"] if s["remediator"] == "firewall.ufw" and "from" in s["argv"] and "dcv-agent temporary" in " ".join(s["argv"])) == 4'
expect_from ca served
expect_from other blocked

e2e_step "ufw: cleanup"
e2e_agent ufw-cleanup cleanup "${TARGET[@]}"
e2e_expect_rc 0 "cleanup"
expect_from ca blocked
fw_snapshot ufw-clean ufw status verbose
e2e_check "cleanup: /etc/ufw files identical to before the fix" \
  cmp "$E2E_DIR/snap/ufw-start.fwfiles" "$E2E_DIR/snap/ufw-clean.fwfiles"
e2e_check "cleanup: ufw status verbose identical to before the fix" \
  cmp "$E2E_DIR/snap/ufw-start.fwstate" "$E2E_DIR/snap/ufw-clean.fwstate"
e2e_phase "ufw fix + cleanup"

e2e_finish allow_from
