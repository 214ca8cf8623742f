#!/usr/bin/env bash
# dns_update_test.sh - issue 6, RFC 2136: `fix --method dns --dns-server --tsig-key` publishes
# the TXT record on the fixture's primary (knot ns1, TSIG key acme-update.), waits until the
# real secondary (BIND ns2, zone transfer after NOTIFY) answers it too, and `cleanup` deletes
# exactly that record. Every server address is then asked with dig (not with the agent). Also:
# dry run publishes nothing; a second fix plans nothing; a stale value is kept (only the new
# one is added); rollback undoes cleanup and fix; a CNAME (delegated validation) is followed;
# a wrong secret, an unknown key and a malformed key file are clear errors and nothing is
# published. Needs root; fails (does not skip) without it.
. "$(dirname "${BASH_SOURCE[0]}")/dns_lib.sh"
dns_require_root
dns_up
STATE=$R/state
SERVERS="10.98.0.11 fd98::11 10.98.0.12 fd98::12"
cli() { ip netns exec "dx${DNSFX_ID}cli" "$@"; }

# txt_at ADDR NAME: the TXT values the server itself has, sorted, one line
txt_at() { cli dig +short +norec +time=2 +tries=1 @"$1" "$2" TXT | sort | tr '\n' ' '; }

# expect_everywhere DESC NAME WANT [SECONDS]: every server address answers exactly WANT
# (as txt_at prints it) within SECONDS (the secondary follows the primary's NOTIFY)
expect_everywhere() {
  local desc=$1 name=$2 want=$3 deadline=$((SECONDS + ${4:-0})) addr got bad
  while :; do
    bad=""
    for addr in $SERVERS; do
      got=$(txt_at "$addr" "$name")
      [ "$got" = "$want" ] || bad+=" $addr:[$got]"
    done
    [ -z "$bad" ] || [ $SECONDS -ge $deadline ] && break
    sleep 0.5
  done
  [ -z "$bad" ] && dns_pass "$desc: all 4 addresses answer [${want:-nothing}]" || dns_fail "$desc: want [$want], got$bad"
}

jq_out() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$DNS_OUT" "$1"; }

upd=(--dns-server 10.98.0.11 --tsig-key "$R/tsig.key" --state-dir "$STATE" --json)
before_a=$(txt_at 10.98.0.11 dyn.test; cli dig +short +norec @10.98.0.11 dyn.test A; cli dig +short +norec @10.98.0.11 www.dyn.test A)

dns_agent check --method dns --json --domain dyn.test --content v1
dns_expect "before: no server has the record" 1 TXT_MISSING "_dnsauth.dyn.test." "NXDOMAIN"

dns_agent fix --method dns --domain dyn.test --content v1 --dry-run "${upd[@]}"
steps=$(jq_out '" ".join(s["argv"][s["argv"].index("--")+1] for s in d["plan"])' 2>/dev/null)
[ "$DNS_RC" = 1 ] && [ "$steps" = add ] && dns_pass "dry run: exit 1, plan is one RFC 2136 add" || { dns_fail "dry run: exit $DNS_RC, steps [$steps]"; dns_show; }
expect_everywhere "dry run published nothing" _dnsauth.dyn.test ""

dns_agent fix --method dns --domain dyn.test --content v1 "${upd[@]}"
dns_expect "fix: ready, TXT_MISSING fixed" 0 TXT_MISSING
[ "$(jq_out '[f["fixed"] for f in d["findings"] if f["code"]=="TXT_MISSING"]')" = "[True]" ] \
  && dns_pass "fix: the finding is marked fixed" || dns_fail "fix: TXT_MISSING not marked fixed"
expect_everywhere "fix published on the primary and the secondary" _dnsauth.dyn.test '"v1" '
after_a=$(txt_at 10.98.0.11 dyn.test; cli dig +short +norec @10.98.0.11 dyn.test A; cli dig +short +norec @10.98.0.11 www.dyn.test A)
[ "$before_a" = "$after_a" ] && dns_pass "other names of the zone answer as before" || dns_fail "other names changed: [$before_a] -> [$after_a]"

dns_agent fix --method dns --domain dyn.test --content v1 "${upd[@]}"
[ "$DNS_RC" = 0 ] && [ "$(jq_out 'len(d["plan"])')" = 0 ] && dns_pass "second fix: ready, nothing planned" || { dns_fail "second fix: exit $DNS_RC"; dns_show; }

# a stale value stays: the smallest change adds the new value only
dns_agent fix --method dns --domain dyn.test --content v2 "${upd[@]}"
dns_expect "stale value: fix adds the new one" 0 TXT_MISMATCH '"v1"'
expect_everywhere "both values are served" _dnsauth.dyn.test '"v1" "v2" '

dns_agent cleanup --method dns --domain dyn.test --content v2 "${upd[@]}"
steps=$(jq_out '" ".join(s["argv"][s["argv"].index("--")+1] for s in d["plan"])' 2>/dev/null)
[ "$DNS_RC" = 0 ] && [ "$steps" = delete ] && dns_pass "cleanup: one RFC 2136 delete" || { dns_fail "cleanup: exit $DNS_RC, steps [$steps]"; dns_show; }
expect_everywhere "cleanup deleted exactly that record" _dnsauth.dyn.test '"v1" ' 10

cli "$DCV_AGENT" rollback --last --state-dir "$STATE" >/dev/null 2>&1
expect_everywhere "rollback of cleanup: v2 is back" _dnsauth.dyn.test '"v1" "v2" ' 10
cli "$DCV_AGENT" rollback --last --state-dir "$STATE" >/dev/null 2>&1
expect_everywhere "rollback of the second fix: v2 gone again" _dnsauth.dyn.test '"v1" ' 10

# delegated validation: _dnsauth.www.dyn.test is a CNAME to _dnsauth.dyn.test
dns_agent fix --method dns --domain www.dyn.test --content v3 --dry-run "${upd[@]}"
name=$(jq_out '" ".join(s["argv"][-2] for s in d["plan"])' 2>/dev/null)
[ "$name" = "_dnsauth.dyn.test." ] && dns_pass "CNAME followed: the record is published at its target" || { dns_fail "CNAME: step names [$name]"; dns_show; }

# a BIND key clause (tsig-keygen's format) works as well
dns_agent fix --method dns --domain dyn.test --content v4 --dns-server 10.98.0.11 --tsig-key "$R/tsig.named.key" --state-dir "$STATE" --json
dns_expect "BIND key file: published" 0 TXT_MISMATCH
expect_everywhere "v4 served" _dnsauth.dyn.test '"v1" "v4" ' 10

# wrong keys: a clear error, exit 3, nothing published
sed 's/:[^:]*$/:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/' "$R/tsig.key" > "$R/wrong-secret.key"
echo "hmac-sha256:nobody.:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" > "$R/unknown.key"
for k in wrong-secret:BADSIG unknown:BADKEY; do
  dns_agent fix --method dns --domain dyn.test --content v5 --dns-server 10.98.0.11 --tsig-key "$R/${k%%:*}.key" --state-dir "$STATE" --json
  errors=$(jq_out '" ".join(d["errors"])' 2>/dev/null)
  [ "$DNS_RC" = 3 ] && grep -q "TSIG ${k#*:}" <<<"$errors" && dns_pass "${k%%:*} key: exit 3, TSIG ${k#*:} named" || { dns_fail "${k%%:*} key: exit $DNS_RC, errors [$errors]"; dns_show; }
done
expect_everywhere "nothing published with the wrong keys" _dnsauth.dyn.test '"v1" "v4" '

printf 'key "x." {\n  algorithm hmac-sha384;\n  secret "AAAA";\n};\n' > "$R/bad-alg.key"
dns_agent fix --method dns --domain dyn.test --content v6 --dns-server 10.98.0.11 --tsig-key "$R/bad-alg.key" --state-dir "$STATE" --json
[ "$DNS_RC" = 2 ] && grep -q "bad-alg.key' line 1: algorithm 'hmac-sha384'" "$DNS_ERR" && dns_pass "unsupported algorithm: exit 2 naming file and line" || { dns_fail "bad algorithm: exit $DNS_RC"; dns_show; }
dns_agent fix --method dns --domain dyn.test --dns-server 10.98.0.11 --tsig-key "$R/tsig.key" --state-dir "$STATE" --json
[ "$DNS_RC" = 2 ] && grep -q -- "--content" "$DNS_ERR" && dns_pass "no --content: exit 2" || { dns_fail "no content: exit $DNS_RC"; dns_show; }
[ ! -e "$STATE" ] || [ -z "$(find "$STATE" -newer "$R/bad-alg.key" -type f)" ] && dns_pass "bad input wrote no journal" || dns_fail "bad input wrote to the journal"

dns_finish
