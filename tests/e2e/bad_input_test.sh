#!/usr/bin/env bash
# bad_input_test.sh - issue 2, item 10 (bad input): in a world with the nginx + nftables bed,
#   - invalid domain, token name with ../, unreadable content file, content over 64 KiB:
#     `check` and `fix` each exit 2 with a message on stderr naming the input, and change nothing;
#     content of exactly 64 KiB is accepted (exit 0 or 1, not 2);
#   - an nginx configuration that already fails `nginx -t` (verified with the real nginx):
#     `fix` refuses to touch it (exit != 0; CONFIG_INVALID in the JSON or on stderr) and every
#     nginx file, /etc/nftables.conf and the ruleset are byte-identical afterwards.
# Needs root; fails (does not skip) without it.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

e2e_require_root
e2e_require_tools
e2e_require_agent
e2e_root_state_save
e2e_install_traps

D=$E2E_DOMAIN
TOKEN=dcv-e2e-$E2E_ID.txt
CONTENT=e2e-bad-input

e2e_step "bed: netns pair + world, stock nginx (:80 redirects), nft drops tcp/80"
e2e_up
e2e_nginx_up
e2e_nft_block
head -c 65537 /dev/zero | tr '\0' 'a' >"$E2E_DIR/big-content"     # 64 KiB + 1
head -c 65536 /dev/zero | tr '\0' 'b' >"$E2E_DIR/max-content"     # exactly 64 KiB
chmod 644 "$E2E_DIR/big-content" "$E2E_DIR/max-content"
e2e_snapshot start;                                                   e2e_phase "bed up"

# bad WORD SUBCOMMAND ARGS...: exit 2 and stderr names WORD (the input), case-insensitive
bad() {
  local word=$1; shift
  e2e_agent "bad-$((++BAD_N))" "$@"
  if [ "$E2E_RC" = 2 ] && [ -s "$E2E_ERR" ] && grep -qi -- "$word" "$E2E_ERR"; then
    e2e_pass "exit 2, stderr names '$word': $(head -1 "$E2E_ERR" | cut -c1-160)"
  else
    e2e_fail "want exit 2 and '$word' on stderr; got exit $E2E_RC"; e2e_show_output
  fi
}
BAD_N=0
BIG=$(cat "$E2E_DIR/big-content")
for cmd in check fix; do
  e2e_step "$cmd: bad input"
  for dom in 'bad..example.test' 'exa mple.test' '-lead.example.test' 'under_score.example.test'; do
    bad domain "$cmd" --domain "$dom" --method file --token "$TOKEN" --content "$CONTENT"
  done
  for tok in '../../etc/passwd' '../x.txt' '..' 'a/b.txt'; do
    bad token "$cmd" --domain "$D" --method file --token "$tok" --content "$CONTENT"
  done
  bad content-file "$cmd" --domain "$D" --method file --token "$TOKEN" --content-file /nonexistent/content.txt
  bad content "$cmd" --domain "$D" --method file --token "$TOKEN" --content "$BIG"
  bad content-file "$cmd" --domain "$D" --method file --token "$TOKEN" --content-file "$E2E_DIR/big-content"
  for net in '203.0.113.7/24' '10.0.0.0/33' 'example.test' '2001:db8::/129'; do
    bad allow-from "$cmd" --domain "$D" --method file --token "$TOKEN" --content "$CONTENT" --allow-from "$net"
  done
done
e2e_phase "bad input (check + fix)"

e2e_step "probe serve: a key, or an explicit --no-auth"
bad key-file probe serve --listen 127.0.0.1:18081
bad no-auth probe serve --listen 127.0.0.1:18081 --no-auth --key-file "$E2E_DIR/max-content"
e2e_phase "probe serve without a key"

e2e_step "boundary: content of exactly 64 KiB is accepted"
e2e_agent max-content check --domain "$D" --method file --token "$TOKEN" --content-file "$E2E_DIR/max-content"
if [ "$E2E_RC" = 0 ] || [ "$E2E_RC" = 1 ]; then e2e_pass "64 KiB content accepted (check exit $E2E_RC)"
else e2e_fail "64 KiB content: want exit 0 or 1, got $E2E_RC"; e2e_show_output; fi

e2e_snapshot after-bad
e2e_snapshot_same start after-bad "files ruleset upper" "bad input changed nothing (files, ruleset, every write in the world)"
e2e_phase "boundary + snapshot"

e2e_step "nginx configuration that already fails nginx -t"
# an admin's half-finished edit: a typo in a new file; the running nginx still has the old config
e2e_srv /bin/sh -c 'printf "server {\n\tlisten 8081;\n\tserver_name broken.example.test;\n\tproxy_passs http://127.0.0.1:9000;\n}\n" > /etc/nginx/conf.d/broken.conf'
if e2e_srv nginx -t -q 2>"$E2E_DIR/nginx-t.err"; then
  e2e_fail "the broken configuration passes nginx -t?!"
else
  e2e_pass "nginx -t fails on the broken configuration: $(grep -m1 emerg "$E2E_DIR/nginx-t.err")"
fi
e2e_snapshot broken
TARGET=(--domain "$D" --method file --token "$TOKEN" --content "$CONTENT")
says_config_invalid() { grep -q CONFIG_INVALID "$E2E_OUT" "$E2E_ERR"; }

e2e_agent broken-fix-json fix "${TARGET[@]}" --json
e2e_expect_rc '!0' "fix --json on a configuration that fails nginx -t"
e2e_check "fix --json says CONFIG_INVALID (JSON or stderr)" says_config_invalid
if e2e_python get "$E2E_OUT" 'd["verdict"]' >/dev/null 2>&1; then
  e2e_json_valid "$E2E_OUT" "fix --json (refused)"
  e2e_check "fix --json: finding CONFIG_INVALID" \
    test "$(e2e_jq "$E2E_OUT" '"CONFIG_INVALID" in codes(d)')" = true
else
  e2e_fail "fix --json printed no JSON document"
fi
e2e_agent broken-fix fix "${TARGET[@]}"
e2e_expect_rc '!0' "fix on a configuration that fails nginx -t"
e2e_check "fix (human output) says CONFIG_INVALID" says_config_invalid
e2e_snapshot after-broken
e2e_snapshot_same broken after-broken "files ruleset upperetc" \
  "refused fix: every nginx file, /etc/nftables.conf, the ruleset and all of /etc byte-identical"
still_broken() { ! e2e_srv nginx -t -q 2>/dev/null; }
e2e_check "the broken configuration is still the admin's (nginx -t still fails)" still_broken
e2e_phase "nginx -t fails -> fix refuses"

e2e_finish bad_input_test
