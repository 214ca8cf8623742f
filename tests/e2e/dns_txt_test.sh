#!/usr/bin/env bash
# dns_txt_test.sh - issue 6, TXT method: `dcv-agent check --method dns` against the DNS
# fixture (knot + BIND in namespaces, private root): every TXT finding, the good cases
# (exit 0), a CNAME followed, TC -> TCP, the remedy's nsupdate script applied with the
# fixture's TSIG key, and bad input (exit 2 naming the option).
# Needs root; fails (does not skip) without it.
. "$(dirname "${BASH_SOURCE[0]}")/dns_lib.sh"
dns_require_root
dns_up

check() { dns_agent check --method dns --json "$@"; }

check --domain bench1.test --content bench-token-1
dns_expect "all 4 server addresses agree" 0 -

check --domain example.test --content dv-token-NEW-2024
dns_expect "ns2 serves a stale value" 1 TXT_NOT_ON_ALL_NS "2 of 4" "ns2.example.test. (10.98.0.12): stale" \
  "ns2.example.test. (fd98::12)" 'dv-token-OLD-2023'

check --domain example.test --ca letsencrypt --content acme-token-NEW
dns_expect "letsencrypt: _acme-challenge missing on ns2" 1 TXT_NOT_ON_ALL_NS "_acme-challenge.example.test." \
  "ns2.example.test. (10.98.0.12): missing, NXDOMAIN aa"

check --domain example.test --content the-new-value
dns_expect "no server has the value" 1 TXT_MISMATCH 'expected "the-new-value"' '"dv-token-NEW-2024"' \
  '"dv-token-OLD-2023"' '_dnsauth.example.test. 300 IN TXT "the-new-value"'

check --domain example.test --txt-name _nothing-here --content v
dns_expect "record absent everywhere" 1 TXT_MISSING "_nothing-here.example.test." "NXDOMAIN" \
  'publish: _nothing-here.example.test. 300 IN TXT "v"'

check --domain partial.test --content partial-token
dns_expect "one name server drops queries" 1 TXT_NOT_ON_ALL_NS "ns.dead.test. (10.98.0.13): timed out"

check --domain broken.test --content x
dns_expect "lame and dead servers only" 1 TXT_MISSING "ns2.example.test. (10.98.0.12): lame, REFUSED" \
  "ns.dead.test. (10.98.0.13): timed out"

check --domain delegated.example.test --content bench-token-1
dns_expect "CNAME to another zone is followed" 0 -
grep -q 'CNAME _dnsauth.bench1.test.' "$DNS_ERR" && grep -q '_dnsauth.bench1.test. TXT at ns2.example.test.' "$DNS_ERR" \
  && dns_pass "the CNAME and the target's servers are reported" || { dns_fail "CNAME not reported"; dns_show; }

big=$(for i in 1 2 3 4 5 6 7 8 9; do printf 'chunk%02d-%0240d' "$i" 0; done)
check --domain example.test --txt-name big --content "$big"
dns_expect "2.3 KB TXT: truncated over UDP, read over TCP" 0 -
[ "$(grep -c 'truncated over UDP, answered over TCP' "$DNS_ERR")" = 4 ] \
  && dns_pass "all 4 servers answered over TCP after TC" || { dns_fail "TC->TCP not reported 4 times"; dns_show; }

# The remedy's nsupdate script, run as printed (KEYFILE = the fixture's TSIG key; the server
# line gets ns1's address: the client namespace has no resolver for its name).
check --domain example.test --ca letsencrypt --content e2e-published
dns_expect "mismatch remedy carries an nsupdate script" 1 TXT_MISMATCH "server ns1.example.test." \
  "update delete _acme-challenge.example.test. TXT" 'update add _acme-challenge.example.test. 300 IN TXT "e2e-published"'
python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["code"] == "TXT_MISMATCH": print(f["remedy"].split("or by dynamic update:\n")[1])' "$DNS_OUT" \
  | sed -n '2,/^EOF$/p' | sed -e '/^EOF$/d' -e 's/^server .*/server 10.98.0.11/' >"$R/update.txt"
if ip netns exec "dx${DNSFX_ID}cli" nsupdate -k "$R/tsig.named.key" "$R/update.txt" 2>"$R/nsupdate.err"; then
  check --domain example.test --ca letsencrypt --content e2e-published
  dns_expect "after the script: ns1 has it, ns2 (not a secondary) does not" 1 TXT_NOT_ON_ALL_NS "2 of 4" \
    "ns2.example.test. (10.98.0.12): missing"
else
  dns_fail "nsupdate with the printed script failed: $(cat "$R/nsupdate.err")"; cat "$R/update.txt" >&2
fi

# fix/cleanup with the dns method plan nothing for web servers or firewalls, and say that
# without --dns-server/--tsig-key nothing can be published from here (state dir inside the run: nothing under /var)
dns_agent fix --method dns --dry-run --json --state-dir "$R/state" --domain example.test --content the-new-value
plan_steps=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["plan"]))' "$DNS_OUT" 2>/dev/null)
[ "$DNS_RC" = 1 ] && [ "$plan_steps" = 0 ] && grep -q 'pass --dns-server and --tsig-key to publish' "$DNS_OUT" \
  && dns_pass "fix --dry-run --method dns without a key: exit 1, empty plan, names the options" \
  || { dns_fail "fix --dry-run --method dns (exit $DNS_RC, plan steps '$plan_steps')"; dns_show; }
dns_agent cleanup --method dns --dry-run --json --state-dir "$R/state" --domain example.test
[ "$DNS_RC" != 0 ] && [ "$DNS_RC" != 2 ] && grep -q 'delete it at your DNS provider' "$DNS_OUT" \
  && dns_pass "cleanup --method dns: refuses, names what to delete by hand" || { dns_fail "cleanup --method dns"; dns_show; }

dns_agent check --method dns --domain example.test --content v --txt-name 'bad name'
[ "$DNS_RC" = 2 ] && grep -q -- '--txt-name' "$DNS_ERR" && dns_pass "bad --txt-name: exit 2, named" \
  || { dns_fail "bad --txt-name"; dns_show; }
ip netns exec "dx${DNSFX_ID}cli" "$DCV_AGENT" check --method dns --domain example.test --content v \
  --root-hints "$R/no-such-file" >"$DNS_OUT" 2>"$DNS_ERR"; DNS_RC=$?
[ "$DNS_RC" = 2 ] && grep -q -- '--root-hints' "$DNS_ERR" && dns_pass "missing --root-hints file: exit 2, named" \
  || { dns_fail "missing --root-hints"; dns_show; }

# name checks (issue 6): a wildcard with a file method, high-risk words, IDN, malformed names
dns_agent check --json --method acme-http --domain '*.example.test' --token t --content c
dns_expect "wildcard with a file method" 1 WILDCARD_NEEDS_DNS "use --method dns for *.example.test"
dns_agent fix --json --method acme-http --domain '*.example.test' --token t --content c --dry-run --state-dir "$R/state"
plan_steps=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["plan"]))' "$DNS_OUT" 2>/dev/null)
[ "$DNS_RC" = 1 ] && [ "$plan_steps" = 0 ] && grep -q 'wildcard name needs the dns method' "$DNS_OUT" \
  && dns_pass "wildcard: fix plans nothing" || { dns_fail "wildcard fix: exit $DNS_RC, steps '$plan_steps'"; dns_show; }
dns_agent check --json --method dns --domain paypal-wallet.example.test --content v
dns_expect "high-risk words" 1 SENSITIVE_NAME "paypal-wallet.example.test:" "wallet" "pal"
dns_agent check --json --method dns --domain 'bücher.example.test' --content v
dns_expect "IDN: checked in its A-label form" 1 TXT_MISSING "_dnsauth.xn--bcher-kva.example.test."
grep -q 'bücher.example.test is xn--bcher-kva.example.test' "$DNS_ERR" \
  && dns_pass "IDN: both forms shown" || { dns_fail "IDN: both forms not shown"; dns_show; }
dns_agent check --json --method dns --domain 'xn--zz-.example.test' --content v
[ "$DNS_RC" = 2 ] && grep -q "invalid --domain 'xn--zz-.example.test'" "$DNS_ERR" \
  && dns_pass "malformed A-label: exit 2, named" || { dns_fail "malformed A-label: exit $DNS_RC"; dns_show; }

dns_finish
