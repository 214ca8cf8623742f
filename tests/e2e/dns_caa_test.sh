#!/usr/bin/env bash
# dns_caa_test.sh - issue 6, CAA: `dcv-agent check --method dns --ca ...` against the DNS
# fixture: RFC 8659 climbing, CNAME following (the alias inherits its target's CAA),
# issuewild for wildcards, an unknown critical tag, a failed CAA lookup, and the permitted
# cases (no CAA_FORBIDS). Needs root; fails (does not skip) without it.
. "$(dirname "${BASH_SOURCE[0]}")/dns_lib.sh"
dns_require_root
dns_up

check() { dns_agent check --method dns --json "$@"; }
no_caa_finding() { # DESC: the last run has no CAA_FORBIDS
  if dns_findings | grep -q '^CAA_FORBIDS'; then dns_fail "$1: unexpected CAA_FORBIDS"; dns_show; else dns_pass "$1"; fi
}

check --domain example.test --ca letsencrypt --content dv-token-NEW-2024 --txt-name _dnsauth
no_caa_finding "example.test issue letsencrypt.org permits --ca letsencrypt"

check --domain other.example.test --ca letsencrypt --content v
dns_expect "other.example.test names digicert only" 1 CAA_FORBIDS 'CAA at other.example.test.: 0 issue "digicert.com"' \
  'needs letsencrypt.org' 'add: other.example.test. 300 IN CAA 0 issue "letsencrypt.org"'

check --domain deep.sub.example.test --ca digicert --content v
dns_expect "no CAA at deep.sub: the climb reaches example.test" 1 CAA_FORBIDS 'CAA at example.test.:' \
  '0 issue "letsencrypt.org"' 'needs digicert.com'

check --domain other.example.test --ca digicert --content v
no_caa_finding "other.example.test permits digicert (overrides the parent)"

check --domain crit.example.test --ca letsencrypt --content v
dns_expect "unknown critical tag" 1 CAA_FORBIDS '128 tbs "unknown-critical-property"' 'critical'

check --domain alias.example.test --ca letsencrypt --content v
dns_expect "CNAME target's CAA applies" 1 CAA_FORBIDS 'alias.example.test. -> caa-target.cdn.test.' '"pki.goog"' 'is an alias'

check --domain alias2.example.test --ca letsencrypt --content v
no_caa_finding "CNAME to a name without CAA: climb continues at example.test (letsencrypt permitted)"

check --domain '*.example.test' --ca letsencrypt --content v
dns_expect "wildcard: issuewild \";\" forbids" 1 CAA_FORBIDS "no 'issuewild' property names letsencrypt.org" \
  'IN CAA 0 issuewild "letsencrypt.org"'

check --domain broken.test --ca letsencrypt --content v
dns_expect "CAA cannot be read (lame + dead servers)" 1 CAA_FORBIDS 'CAA lookup of broken.test. failed' 'must refuse'

dns_finish
