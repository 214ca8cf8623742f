#!/usr/bin/env bash
# nginx_nftables_test.sh - issue 2, item 10: dcv-agent end to end on stock nginx + nftables.
#
#   bed: server world (stock Debian nginx; its :80 block for the domain does
#        `return 301 https://$host$request_uri;`, :443 serves the site; an nftables ruleset in
#        table inet filter / chain input drops tcp/80, persisted in /etc/nftables.conf) and an
#        outside namespace (curl, `dcv-agent probe serve`).
#   baseline really fails from outside (curl) -> `check` finds REDIRECT_ON_PATH and
#   PORT_CLOSED_FIREWALL with their sources -> `verify --probe` agrees it fails -> `fix --dry-run`
#   prints a plan and changes nothing at all -> `fix --json` (exit 0, schema-valid) -> outside
#   curl gets 200 + exact content over IPv4/IPv6, http/https; other URLs answer as before ->
#   `verify --probe` exit 0, checks from the probe vantage -> "reboot" (reload only the persisted
#   ruleset) still serves -> `rollback --last` -> nginx files, /etc/nftables.conf and
#   `nft list ruleset` byte-identical to the start.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_require_root
e2e_require_tools
e2e_require_agent
e2e_python get /dev/stdin 'True' <<<'{}' >/dev/null || e2e_die "python3 helper broken"
e2e_root_state_save
e2e_install_traps

e2e_file_target  # D, TOKEN, CONTENT, VPATH, TARGET (lib.sh)
PROBE_PORT=8080

# jexpect DESC FILE EXPR: EXPR (Python, `d` = the document) must be True
jexpect() {
  local desc=$1 file=$2 expr=$3 got
  got=$(e2e_jq "$file" "$expr" 2>&1)
  if [ "$got" = True ] || [ "$got" = true ]; then e2e_pass "$desc"
  else e2e_fail "$desc (got: ${got:0:300})"; fi
}

# ------------------------------------------------------------------ bed
e2e_step "bed: netns pair + world, stock nginx (:80 redirects to https), nft drops tcp/80"
e2e_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
e2e_nginx_up
e2e_nft_block;                                                         e2e_phase "bed up (netns, world, nginx, nft)"

e2e_step "baseline, as the CA sees it (curl from the outside namespace)"
e2e_expect_blocked "http://$D$VPATH" 4
e2e_expect_blocked "http://$D$VPATH" 6
e2e_expect_status "https://$D$VPATH" 4 404
e2e_expect_status "https://$D$VPATH" 6 404
e2e_snapshot start
e2e_local_matrix "$E2E_DIR/matrix.start";                             e2e_phase "baseline probes + snapshot"

e2e_step "outside probe: dcv-agent probe serve in the outside namespace"
PROBE_OK=0
if e2e_probe_start "$PROBE_PORT"; then PROBE_OK=1; e2e_pass "probe serve is listening at $E2E_PROBE_URL"; fi
e2e_phase "probe start"

# ------------------------------------------------------------------ check
e2e_step "check: diagnose (read-only)"
e2e_agent check-json check "${TARGET[@]}" --json
CHECK_MS=$E2E_MS
e2e_expect_rc 1 "check (not ready)"
e2e_json_valid "$E2E_OUT" "check --json"
cp "$E2E_OUT" "$E2E_DIR/check.json"
jexpect "check: verdict not_ready" "$E2E_DIR/check.json" 'd["verdict"] == "not_ready"'
jexpect "check: finding REDIRECT_ON_PATH" "$E2E_DIR/check.json" '"REDIRECT_ON_PATH" in codes(d)'
jexpect "check: finding PORT_CLOSED_FIREWALL" "$E2E_DIR/check.json" '"PORT_CLOSED_FIREWALL" in codes(d)'
# REDIRECT_ON_PATH names the nginx file:line, and that line really is the redirect
RSRC=$(e2e_jq "$E2E_DIR/check.json" 'finding(d, "REDIRECT_ON_PATH").get("source", "")' 2>/dev/null)
if [[ "$RSRC" =~ ^(/etc/nginx/[^:]+):([0-9]+)$ ]]; then
  RLINE=$(e2e_srv sed -n "${BASH_REMATCH[2]}p" "${BASH_REMATCH[1]}" 2>/dev/null)
  if [[ "$RLINE" == *"return 301"* ]]; then e2e_pass "REDIRECT_ON_PATH source $RSRC is the line '${RLINE//$'\t'/}'"
  else e2e_fail "REDIRECT_ON_PATH source $RSRC is the line '$RLINE', not the return 301"; fi
else
  e2e_fail "REDIRECT_ON_PATH source '$RSRC' is not /etc/nginx/<file>:<line>"
fi
# PORT_CLOSED_FIREWALL names the nft table/chain that drops
FSRC=$(e2e_jq "$E2E_DIR/check.json" 'finding(d, "PORT_CLOSED_FIREWALL").get("source", "")' 2>/dev/null)
if [[ "$FSRC" =~ filter ]] && [[ "$FSRC" =~ input ]]; then e2e_pass "PORT_CLOSED_FIREWALL source names the chain: $FSRC"
else e2e_fail "PORT_CLOSED_FIREWALL source '$FSRC' does not name table inet filter / chain input"; fi
jexpect "check: findings carry evidence and remedy" "$E2E_DIR/check.json" \
  'all(f["evidence"] and f["remedy"] for f in d["findings"] if f["code"] in ("REDIRECT_ON_PATH", "PORT_CLOSED_FIREWALL"))'
jexpect "check: predicts the :80 redirect for the validation URL" "$E2E_DIR/check.json" \
  'any(p["status"] in (301, 302, 307, 308) and p["url"].startswith("http://") for p in d["predictions"])'
e2e_agent check-text check "${TARGET[@]}"
e2e_expect_rc 1 "check (human output)"
names_both() { grep -q REDIRECT_ON_PATH "$E2E_OUT" "$E2E_ERR" && grep -q PORT_CLOSED_FIREWALL "$E2E_OUT" "$E2E_ERR"; }
e2e_check "check (human output) names REDIRECT_ON_PATH and PORT_CLOSED_FIREWALL" names_both
e2e_snapshot after-check
e2e_snapshot_same start after-check "files ruleset upper" "check changed nothing (files, ruleset, every write in the world)"
e2e_phase "check (2 runs)"
e2e_log "TIMING dcv-agent check (--json, e2e scenario): ${CHECK_MS} ms wall"

if [ $PROBE_OK = 1 ]; then
  e2e_step "verify through the probe, before the fix: must fail"
  e2e_agent verify-before verify "${TARGET[@]}" --probe "$E2E_PROBE_URL" --json
  e2e_expect_rc 1 "verify --probe before the fix (not ready)"
  e2e_json_valid "$E2E_OUT" "verify --json (before)"
  cp "$E2E_OUT" "$E2E_DIR/verify-before.json"
  jexpect "verify before: checks come from the probe vantage" "$E2E_DIR/verify-before.json" \
    'len(d["checks"]) > 0 and all("10.99.0.2" in c["vantage"] for c in d["checks"])'
  e2e_probe_alive
  jexpect "verify before: no http:// check succeeded from outside" "$E2E_DIR/verify-before.json" \
    'not any(c["status"] == 200 and c["content_match"] for c in d["checks"] if c["url"].startswith("http://"))'
  e2e_phase "verify --probe (before)"
fi

# ------------------------------------------------------------------ fix --dry-run
e2e_step "fix --dry-run: a plan, and nothing changes"
e2e_agent dry-text fix "${TARGET[@]}" --dry-run
if [ "$E2E_RC" = 0 ] || [ "$E2E_RC" = 1 ]; then e2e_pass "fix --dry-run: exit $E2E_RC"
else e2e_fail "fix --dry-run: exit $E2E_RC"; e2e_show_output; fi
e2e_check "fix --dry-run prints a plan (non-empty output)" test -s "$E2E_OUT" -o -s "$E2E_ERR"
e2e_agent dry-json fix "${TARGET[@]}" --dry-run --json
e2e_json_valid "$E2E_OUT" "fix --dry-run --json"
cp "$E2E_OUT" "$E2E_DIR/dry.json"
jexpect "dry-run: plan is not empty" "$E2E_DIR/dry.json" 'len(d["plan"]) > 0'
jexpect "dry-run: plan edits the nginx configuration (with a diff)" "$E2E_DIR/dry.json" \
  'any(s["kind"] == "edit" and s.get("diff") and "pki-validation" in s["diff"] for s in d["plan"])'
jexpect "dry-run: plan opens tcp/80 in nftables" "$E2E_DIR/dry.json" \
  'any("nft" in " ".join(s.get("argv", [])) + s["description"].lower() + (s.get("diff") or "") for s in d["plan"])'
jexpect "dry-run: reports dry_run and applied nothing" "$E2E_DIR/dry.json" \
  'd.get("dry_run", True) is True and not d.get("applied", False)'
e2e_snapshot after-dry
e2e_snapshot_same start after-dry "files ruleset upper" "fix --dry-run changed nothing (files, ruleset, every write in the world)"
e2e_expect_blocked "http://$D$VPATH" 4
e2e_phase "fix --dry-run (2 runs)"

# ------------------------------------------------------------------ fix
e2e_step "fix"
e2e_agent fix-json fix "${TARGET[@]}" --json
FIX_MS=$E2E_MS
e2e_expect_rc 0 "fix"
e2e_json_valid "$E2E_OUT" "fix --json"
cp "$E2E_OUT" "$E2E_DIR/fix.json"
jexpect "fix: verdict ready, applied" "$E2E_DIR/fix.json" 'd["verdict"] == "ready" and d.get("applied", True) is True'
jexpect "fix: REDIRECT_ON_PATH and PORT_CLOSED_FIREWALL no longer stand (fixed or gone)" "$E2E_DIR/fix.json" \
  'all(f.get("fixed", False) for f in d["findings"] if f["code"] in ("REDIRECT_ON_PATH", "PORT_CLOSED_FIREWALL") and f["severity"] == "error")'
VFILE=$(e2e_srv find /var/www/dcv-agent -name "$TOKEN" -type f 2>/dev/null | head -1)
if [ -n "$VFILE" ] && e2e_srv cat "$VFILE" >"$E2E_DIR/vfile" && e2e_body_matches "$E2E_DIR/vfile" "$E2E_DIR/content" &&
   [ "$(e2e_srv stat -c %a "$VFILE")" = 644 ]; then
  e2e_pass "fix: validation file $VFILE, mode 0644, content $E2E_MATCH"
else
  e2e_fail "fix: no validation file $TOKEN under /var/www/dcv-agent with the content and mode 0644 (found: '${VFILE}' $(e2e_srv stat -c %a "${VFILE:-/nonexistent}" 2>/dev/null))"
fi
e2e_check "fix: the nginx configuration passes nginx -t" e2e_srv nginx -t -q
e2e_check "fix: the persisted /etc/nftables.conf loads (nft -c)" e2e_srv nft -c -f /etc/nftables.conf
e2e_phase "fix"
e2e_log "TIMING dcv-agent fix (--json, e2e scenario): ${FIX_MS} ms wall"

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
e2e_phase "outside curl after fix"

if [ $PROBE_OK = 1 ] && ! kill -0 "$E2E_PROBE_PID" 2>/dev/null; then
  # it died (already counted as a failure): start another one so the rest still tells something
  e2e_probe_stop; e2e_probe_start $((PROBE_PORT + 1)) || PROBE_OK=0
fi
if [ $PROBE_OK = 1 ]; then
  e2e_step "verify through the outside probe"
  e2e_agent verify-json verify "${TARGET[@]}" --probe "$E2E_PROBE_URL" --json
  e2e_expect_rc 0 "verify --probe"
  e2e_json_valid "$E2E_OUT" "verify --json"
  cp "$E2E_OUT" "$E2E_DIR/verify.json"
  jexpect "verify: verdict ready" "$E2E_DIR/verify.json" 'd["verdict"] == "ready"'
  jexpect "verify: every check comes from the probe vantage ($E2E_PROBE_URL), none local" "$E2E_DIR/verify.json" \
    'len(d["checks"]) > 0 and all("10.99.0.2" in c["vantage"] and c["vantage"] != "local" for c in d["checks"])'
  jexpect "verify: http and https, IPv4 and IPv6 all checked" "$E2E_DIR/verify.json" \
    '{(c["url"].split(":")[0], c["family"]) for c in d["checks"]} >= {("http","ipv4"),("http","ipv6"),("https","ipv4"),("https","ipv6")}'
  jexpect "verify: every check 200 with matching content" "$E2E_DIR/verify.json" \
    'all(c["status"] == 200 and c["content_match"] and not c["error"] for c in d["checks"])'
  e2e_probe_alive
  e2e_phase "verify --probe"
fi

# ------------------------------------------------------------------ reboot
e2e_step "reboot: flush the runtime ruleset, load only the persisted /etc/nftables.conf"
e2e_nft_reboot || e2e_fail "reloading /etc/nftables.conf failed"
e2e_expect_served "http://$D$VPATH" 4 "$E2E_DIR/content"
e2e_expect_served "http://$D$VPATH" 6 "$E2E_DIR/content"
e2e_expect_served "https://$D$VPATH" 4 "$E2E_DIR/content"
e2e_phase "reboot"

# ------------------------------------------------------------------ rollback
e2e_step "rollback --last"
e2e_agent rollback rollback --last
e2e_expect_rc 0 "rollback --last"
sleep 0.3   # the rollback's nginx reload is asynchronous
e2e_snapshot rolled
e2e_snapshot_same start rolled "files ruleset" "after rollback: nginx files, /etc/nftables.conf and nft list ruleset byte-identical to the start"
e2e_expect_blocked "http://$D$VPATH" 4
e2e_expect_status "https://$D$VPATH" 4 404
e2e_local_matrix "$E2E_DIR/matrix.rolled"
e2e_check "after rollback the other URLs answer as at the start" diff -u "$E2E_DIR/matrix.start" "$E2E_DIR/matrix.rolled"
if e2e_srv test -e "/var/www/dcv-agent/.well-known/pki-validation/$TOKEN"; then
  e2e_log "note: the validation file is still present after rollback"
fi
e2e_phase "rollback"

e2e_finish nginx_nftables_test
