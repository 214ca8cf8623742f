#!/usr/bin/env bash
# hostile_input_test.sh - issue 8 (reliability and security): hostile input, in a world with
# the stock nginx bed. Every input gets a clear error (exit 2 naming the input) or a safe
# result; never a crash (exit >= 128), a write outside the intended path or unbounded use:
#   - domains with shell metacharacters (; $() backticks), a newline, control bytes, 300
#     labels: exit 2 naming --domain, /tmp/pwned-<id> (and /tmp/pwned) never created;
#   - an IDN homograph (Cyrillic a in "apple.com"): accepted and shown as xn--pple-43d.com;
#   - token names with /, .., %2e%2e or a newline: exit 2 naming --token; a token
#     with a leading - is a plain file name (check runs, the URL ends in /-x.txt);
#   - content with NUL bytes, and a 10 MiB --content-file: exit 2 naming the content, fast;
#   - a webroot whose .well-known is a symlink to /etc: `fix` writes nothing under the
#     world's /etc (no pki-validation dir, no token file), then `rollback` leaves it clean;
#   - `probe serve` (started as root) runs as nobody (/proc/<pid>/status Uid), refuses a 1 MiB
#     request (413), survives 10,000 unauthenticated requests (all 401) with its RSS bounded,
#     and still answers an authenticated `check --probe` afterwards.
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
CONTENT=e2e-hostile
PWNED=/tmp/pwned-$E2E_ID
PORT=8443
PWNED_BEFORE=$([ -e /tmp/pwned ] && echo yes || echo no)

e2e_step "bed: netns pair + world, stock nginx (:80 redirects)"
e2e_up
e2e_nginx_up
e2e_snapshot start;                                                   e2e_phase "bed up"

# bad WORD SUBCOMMAND ARGS...: exit 2, stderr names WORD, and no crash
bad() {
  local word=$1; shift
  e2e_agent "bad-$((++BAD_N))" "$@"
  if [ "$E2E_RC" = 2 ] && grep -qi -- "$word" "$E2E_ERR"; then
    e2e_pass "exit 2, stderr names '$word': $(head -1 "$E2E_ERR" | cut -c1-140 | cat -v)"
  else
    e2e_fail "want exit 2 and '$word' on stderr; got exit $E2E_RC"; e2e_show_output
  fi
}
BAD_N=0
LONG=$(printf 'a.%.0s' $(seq 1 300))com
for cmd in check fix; do
  e2e_step "$cmd: hostile domains"
  for dom in "a.com;touch $PWNED" 'a.com;touch /tmp/pwned' "\$(touch $PWNED).com" '$(id).com' \
             "\`touch $PWNED\`.com" '`id`.com' $'a.com\nb.com' $'a\x01b.com' $'a\x7fb.com' \
             $'a\xffb.com' "$LONG" "a.com|touch $PWNED" "a.com&&touch $PWNED"; do
    bad domain "$cmd" --domain "$dom" --method file --token "$TOKEN" --content "$CONTENT"
  done
  e2e_step "$cmd: hostile token names"
  for tok in 'a/b.txt' '/etc/passwd' '..' '../x' '%2e%2e' '%2e%2e%2fx' '%2F' $'a\nb'; do
    bad token "$cmd" --domain "$D" --method file --token="$tok" --content "$CONTENT"
  done
done
e2e_step "token with a leading '-': a plain file name, only ever inside an absolute path"
e2e_agent dash-token check --domain "$D" --method file --token=-x.txt --content "$CONTENT" --json
if [ "$E2E_RC" = 0 ] || [ "$E2E_RC" = 1 ]; then e2e_pass "--token=-x.txt handled (exit $E2E_RC)"
else e2e_fail "--token=-x.txt: want exit 0 or 1, got $E2E_RC"; e2e_show_output; fi
e2e_check "the URL checked is /.well-known/pki-validation/-x.txt" \
  grep -q '/.well-known/pki-validation/-x.txt' "$E2E_OUT"
e2e_check "no injected command ran ($PWNED absent)" test ! -e "$PWNED"
if [ "$PWNED_BEFORE" = no ]; then e2e_check "/tmp/pwned absent" test ! -e /tmp/pwned; fi
e2e_phase "hostile domains + tokens"

e2e_step "IDN homograph: Cyrillic 'а' in аpple.com is converted, not rejected"
e2e_agent idn check --domain 'аpple.com' --method file --token "$TOKEN" --content "$CONTENT" --json
if [ "$E2E_RC" = 0 ] || [ "$E2E_RC" = 1 ]; then e2e_pass "аpple.com accepted (exit $E2E_RC)"
else e2e_fail "аpple.com: want exit 0 or 1, got $E2E_RC"; e2e_show_output; fi
e2e_check "the report shows the punycode form xn--pple-43d.com" grep -q 'xn--pple-43d\.com' "$E2E_OUT"
e2e_agent idn-text check --domain 'аpple.com' --method file --token "$TOKEN" --content "$CONTENT"
e2e_check "the text report shows xn--pple-43d.com too" grep -q 'xn--pple-43d\.com' "$E2E_OUT"
e2e_phase "IDN homograph"

e2e_step "hostile content: NUL bytes, 10 MiB --content-file"
printf 'abc\0def' >"$E2E_DIR/nul-content"
head -c $((10 * 1024 * 1024)) /dev/urandom >"$E2E_DIR/huge-content"
chmod 644 "$E2E_DIR/nul-content" "$E2E_DIR/huge-content"
for cmd in check fix; do
  bad content "$cmd" --domain "$D" --method file --token "$TOKEN" --content-file "$E2E_DIR/nul-content"
  bad content-file "$cmd" --domain "$D" --method file --token "$TOKEN" --content-file "$E2E_DIR/huge-content"
  e2e_check "10 MiB content refused within 5 s ($E2E_MS ms)" test "$E2E_MS" -lt 5000
done
e2e_snapshot after-bad
e2e_snapshot_same start after-bad "files ruleset upper" "hostile input changed nothing (files, ruleset, every write in the world)"
e2e_phase "hostile content + snapshot"

e2e_step "webroot whose .well-known is a symlink to /etc"
e2e_srv ln -s /etc "/var/www/$D/.well-known"
e2e_agent symlink-fix fix --domain "$D" --method file --token "$TOKEN" --content "$CONTENT" --json
if [ "$E2E_RC" -lt 5 ]; then e2e_pass "fix ended with exit $E2E_RC (no crash)"
else e2e_fail "fix crashed or hung: exit $E2E_RC"; e2e_show_output; fi
e2e_check "nothing written to the world's /etc/pki-validation" test ! -e "$E2E_DIR/upper/etc/pki-validation"
no_token_in_etc() { ! find "$E2E_DIR/upper/etc" -name "$TOKEN" | grep -q .; }
e2e_check "no file named $TOKEN anywhere under the world's /etc" no_token_in_etc
if [ "$E2E_RC" = 0 ]; then
  e2e_agent symlink-rollback rollback --last
  e2e_expect_rc 0 "rollback of the fix"
fi
e2e_srv rm "/var/www/$D/.well-known"
e2e_snapshot after-symlink
e2e_snapshot_same start after-symlink "files ruleset upperetc" "the world's /etc is as it was at the start"
e2e_phase "symlinked .well-known"

e2e_step "probe: drops root, bounded request, 10,000 unauthenticated requests"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$E2E_DIR/probe.key"; echo >>"$E2E_DIR/probe.key"
chmod 600 "$E2E_DIR/probe.key"
if e2e_probe_start "$PORT" --key-file "$E2E_DIR/probe.key"; then
  nobody=$(id -u nobody)
  uid_line() { awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$E2E_PROBE_PID/status"; }
  e2e_check "probe (pid $E2E_PROBE_PID) runs as nobody: Uid $(uid_line)" \
    test "$(uid_line)" = "$nobody $nobody $nobody $nobody"
  rss() { awk '/^VmRSS:/ {print $2}' "/proc/$E2E_PROBE_PID/status"; }
  RSS0=$(rss)
  head -c $((1024 * 1024)) /dev/zero | tr '\0' 'x' >"$E2E_DIR/big-request"
  code=$(e2e_ca curl -s -o /dev/null -w '%{http_code}' --data-binary "@$E2E_DIR/big-request" \
         "$E2E_PROBE_URL/v1/fetch")
  e2e_check "a 1 MiB request is refused with 413 (got $code)" test "$code" = 413
  for i in $(seq 1 10000); do printf 'url = "%s/v1/fetch"\noutput = "/dev/null"\n' "$E2E_PROBE_URL"; done \
    >"$E2E_DIR/flood.conf"
  t0=$(e2e_ms)
  e2e_ca curl -s --parallel --parallel-max 32 -X POST -d '{"specs":[]}' -w '%{http_code}\n' \
    -K "$E2E_DIR/flood.conf" >"$E2E_DIR/flood.codes" 2>/dev/null
  e2e_log "flood: $(sort "$E2E_DIR/flood.codes" | uniq -c | tr '\n' ' ') in $(( $(e2e_ms) - t0 )) ms"
  e2e_check "all 10,000 unauthenticated requests got 401" \
    test "$(grep -c '^401$' "$E2E_DIR/flood.codes")" = 10000
  RSS1=$(rss)
  e2e_check "probe RSS bounded: ${RSS0} kB before, ${RSS1} kB after (< +64 MiB)" \
    test "$RSS1" -lt $((RSS0 + 65536))
  e2e_probe_alive
  e2e_agent probe-check check --domain "$D" --method file --token "$TOKEN" --content "$CONTENT" \
    --probe "$E2E_PROBE_URL" --key-file "$E2E_DIR/probe.key" --json
  answered() { e2e_jq "$E2E_OUT" "[c for c in d['checks'] if c['vantage'] == '$E2E_PROBE_URL' and not (c.get('error') or '').startswith('probe ')]" | grep -q "$E2E_PROBE_URL"; }
  e2e_check "after the flood the probe answers an authenticated check" answered
  e2e_probe_stop
fi
e2e_phase "probe hardening"

e2e_check "no injected command ran ($PWNED absent, end of test)" test ! -e "$PWNED"
e2e_finish hostile_input_test
