#!/usr/bin/env bash
# dns_dnssec_test.sh - issue 6, the CA's view: libunbound validating from the fixture's
# private root with --trust-anchor (the root's DS): a signed zone validates (exit 0), a zone
# whose parent DS matches no key is DNSSEC_BOGUS with unbound's why_bogus text, the same
# zone without a trust anchor is not (so the finding comes from validation), and a zone
# whose servers are lame or dead is a SERVFAIL/timeout finding, not a crash.
# Needs root; fails (does not skip) without it.
. "$(dirname "${BASH_SOURCE[0]}")/dns_lib.sh"
dns_require_root
dns_up

check() { dns_agent check --method dns --json "$@"; }

check --domain secure.test --content secure-token --trust-anchor "$R/root.ds"
dns_expect "signed zone, correct DS" 0 -
grep -q 'CA view of _dnsauth.secure.test. TXT: NOERROR, secure' "$DNS_ERR" \
  && dns_pass "the CA's view says secure" || { dns_fail "no 'secure' in the CA view"; dns_show; }

check --domain bogus.test --content bogus-token --trust-anchor "$R/root.ds"
dns_expect "DS matches no key" 1 DNSSEC_BOGUS "validating resolution of _dnsauth.bogus.test. TXT is bogus:" "bogus.test"
reason=$(dns_findings | grep -P '^DNSSEC_BOGUS\t' | head -1 | cut -f2 | sed 's/.*is bogus: //')
[ ${#reason} -gt 10 ] && dns_pass "why_bogus is shown: $reason" || { dns_fail "why_bogus empty"; dns_show; }

check --domain bogus.test --content bogus-token
dns_expect "the same zone without a trust anchor is not validated" 0 -

check --domain broken.test --content x --trust-anchor "$R/root.ds"
dns_expect "lame + dead servers: the CA's resolver fails" 1 TXT_MISSING "the CA's validating resolver gets" \
  "_dnsauth.broken.test. TXT"

dns_agent check --method dns --domain secure.test --content v --trust-anchor "$R/nothing.ds"
[ "$DNS_RC" = 2 ] && grep -q -- '--trust-anchor' "$DNS_ERR" && dns_pass "missing --trust-anchor file: exit 2, named" \
  || { dns_fail "missing --trust-anchor"; dns_show; }

dns_finish
