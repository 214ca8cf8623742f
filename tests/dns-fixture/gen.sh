#!/bin/bash
# tests/dns-fixture/gen.sh - zone files, DNSSEC keys and signatures, the TSIG key and the
# server configs of the offline DNS fixture (adapted from the research fixture in
# ../shared/dns-fixture). Everything lives under $R (required: a directory of the test run,
# removed and recreated). No /etc changes. Scenarios: see README.md beside this script.
set -euo pipefail
F=$(cd "$(dirname "$0")" && pwd)
: "${R:?set R to the run directory}"
rm -rf "$R"; mkdir -p "$R"/{zones,keys,keys-decoy,dsset,knot-root,knot-ns1,named-ns2}
cd "$R"

# ---------- TSIG key for RFC 2136 ----------
SECRET=$(head -c 32 /dev/urandom | base64)
echo "hmac-sha256:acme-update.:$SECRET" > tsig.key          # nsupdate -y / our programs
printf 'key "acme-update." {\n  algorithm hmac-sha256;\n  secret "%s";\n};\n' "$SECRET" > tsig.named.key

# ---------- zones ----------
BIG=$(for i in $(seq 1 9); do printf '"%s" ' "$(printf 'chunk%02d-%0240d' $i 0)"; done)

cat > zones/example.test.zone <<Z
\$ORIGIN example.test.
\$TTL 60
@        SOA  ns1 hostmaster 2024060102 3600 600 86400 60
@        NS   ns1
@        NS   ns2
ns1      A    10.98.0.11
ns1      AAAA fd98::11
ns2      A    10.98.0.12
ns2      AAAA fd98::12
@        A    10.98.1.10
@        AAAA fd98:1::10
www      CNAME web
web      CNAME edge.cdn.test.
_dnsauth TXT  "dv-token-NEW-2024"
_acme-challenge TXT "acme-token-NEW"
@        CAA  0 issue "letsencrypt.org"
@        CAA  0 issuewild ";"
@        CAA  0 iodef "mailto:security@example.test"
sub      A    10.98.1.11
deep.sub A    10.98.1.12
other    CAA  0 issue "digicert.com"
crit     CAA  128 tbs "unknown-critical-property"
alias    CNAME caa-target.cdn.test.
alias2   CNAME nocaa.cdn.test.
_dnsauth.delegated CNAME _dnsauth.bench1.test.
big      TXT  $BIG
Z
# ns2 serves a STALE copy: lower serial, old _dnsauth value, no _acme-challenge
sed -e 's/2024060102/2024060101/' -e 's/dv-token-NEW-2024/dv-token-OLD-2023/' \
    -e '/^_acme-challenge/d' zones/example.test.zone > zones/example.test.stale.zone

cat > zones/partial.test.zone <<'Z'
$ORIGIN partial.test.
$TTL 60
@        SOA  ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
@        NS   ns1.example.test.
@        NS   ns.dead.test.
_dnsauth TXT  "partial-token"
@        A    10.98.1.30
Z

for i in 1 2 3 4 5; do
cat > zones/bench$i.test.zone <<Z
\$ORIGIN bench$i.test.
\$TTL 60
@        SOA  ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
@        NS   ns1.example.test.
@        NS   ns2.example.test.
_dnsauth TXT  "bench-token-$i"
Z
done

# dyn.test: the RFC 2136 scenario. knot ns1 is the primary (updates with the TSIG key,
# NOTIFY to ns2); BIND ns2 is a real secondary (zone transfer), so "published" must mean
# "transferred to every server".
cat > zones/dyn.test.zone <<'Z'
$ORIGIN dyn.test.
$TTL 60
@        SOA  ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
@        NS   ns1.example.test.
@        NS   ns2.example.test.
@        A    10.98.1.50
www      A    10.98.1.50
_dnsauth.www CNAME _dnsauth.dyn.test.
Z

for z in secure bogus; do
cat > zones/$z.test.zone <<Z
\$ORIGIN $z.test.
\$TTL 60
@        SOA  ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
@        NS   ns1.example.test.
@        A    10.98.1.40
_dnsauth TXT  "$z-token"
@        CAA  0 issue "letsencrypt.org"
Z
done

# ---------- DNSSEC (static pre-signing with BIND tools) ----------
kg() { dnssec-keygen -q -K "$1" -a ECDSAP256SHA256 "${@:2}" >/dev/null; }
sign() { dnssec-signzone -q -S -K keys -d dsset -o "$1" -f "zones/$2.signed" "zones/$2.zone" >/dev/null; }
for z in secure.test bogus.test test .; do kg keys -f KSK "$z"; kg keys "$z"; done
kg keys-decoy -f KSK bogus.test               # DS in parent points at a key bogus.test never uses
sign secure.test secure.test
sign bogus.test bogus.test
dnssec-dsfromkey -2 keys-decoy/Kbogus.test.*.key > dsset/ds-bogus-decoy

cat > zones/test.zone <<Z
\$ORIGIN test.
\$TTL 300
@           SOA  ns.nic hostmaster.nic 1 3600 600 86400 60
@           NS   ns.nic
ns.nic      A    10.98.0.1
ns.nic      AAAA fd98::1
example     NS   ns1.example
example     NS   ns2.example
ns1.example A    10.98.0.11
ns1.example AAAA fd98::11
ns2.example A    10.98.0.12
ns2.example AAAA fd98::12
secure      NS   ns1.example
bogus       NS   ns1.example
partial     NS   ns1.example
partial     NS   ns.dead
broken      NS   ns2.example
broken      NS   ns.dead
bench1      NS   ns1.example
bench1      NS   ns2.example
dyn         NS   ns1.example
dyn         NS   ns2.example
bench2      NS   ns1.example
bench2      NS   ns2.example
bench3      NS   ns1.example
bench3      NS   ns2.example
bench4      NS   ns1.example
bench4      NS   ns2.example
bench5      NS   ns1.example
bench5      NS   ns2.example
ns.dead     A    10.98.0.13
edge.cdn    A    10.98.1.20
edge.cdn    AAAA fd98:1::20
caa-target.cdn CAA 0 issue "pki.goog"
nocaa.cdn   A    10.98.1.21
\$INCLUDE $R/dsset/dsset-secure.test.
\$INCLUDE $R/dsset/ds-bogus-decoy
Z
sign test test

cat > zones/root.zone <<Z
\$TTL 3600
.            SOA  ns.nic.test. hostmaster.nic.test. 1 1800 900 604800 60
.            NS   ns.nic.test.
test.        NS   ns.nic.test.
ns.nic.test. A    10.98.0.1
ns.nic.test. AAAA fd98::1
\$INCLUDE $R/dsset/dsset-test.
Z
sign . root

# Trust anchor (root KSK DS) and root hints
ROOTKSK=$(grep -l 'key-signing' keys/K.+013+*.key)
dnssec-dsfromkey -2 "$ROOTKSK" > root.ds                 # ". IN DS tag 13 2 hex"
grep -v '^;' "$ROOTKSK" > root.dnskey
cat > root.hints <<'Z'
.            3600000 NS   ns.nic.test.
ns.nic.test. 3600000 A    10.98.0.1
ns.nic.test. 3600000 AAAA fd98::1
Z

# ---------- server configs ----------
cat > knot-root.conf <<K
server:
    rundir: "$R/knot-root"
    pidfile: "$R/knot-root/knot.pid"
    listen: [ 10.98.0.1@53, fd98::1@53 ]
database:
    storage: "$R/knot-root"
log:
  - target: stderr
    any: notice
template:
  - id: default
    storage: "$R/zones"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: .
    file: root.signed
  - domain: test.
    file: test.signed
K

cat > knot-ns1.conf <<K
server:
    rundir: "$R/knot-ns1"
    pidfile: "$R/knot-ns1/knot.pid"
    listen: [ 10.98.0.11@53, fd98::11@53 ]
database:
    storage: "$R/knot-ns1"
log:
  - target: stderr
    any: info
key:
  - id: acme-update.
    algorithm: hmac-sha256
    secret: $SECRET
remote:
  - id: ns2
    address: [ 10.98.0.12@53 ]
acl:
  - id: ns2_transfer
    address: [ 10.98.0.12, fd98::12 ]
    action: transfer
  - id: acme_update
    key: acme-update.
    action: update
    update-type: [ TXT ]
    update-owner: name
    update-owner-match: sub-or-equal
    update-owner-name: [ _acme-challenge, _dnsauth ]
template:
  - id: default
    storage: "$R/zones"
    zonefile-sync: -1
    journal-content: changes
zone:
  - domain: example.test
    file: example.test.zone
    acl: acme_update
  - domain: partial.test
    file: partial.test.zone
  - domain: dyn.test
    file: dyn.test.zone
    acl: [ acme_update, ns2_transfer ]
    notify: ns2
  - domain: secure.test
    file: secure.test.signed
    journal-content: none
  - domain: bogus.test
    file: bogus.test.signed
    journal-content: none
  - domain: bench1.test
    file: bench1.test.zone
  - domain: bench2.test
    file: bench2.test.zone
  - domain: bench3.test
    file: bench3.test.zone
  - domain: bench4.test
    file: bench4.test.zone
  - domain: bench5.test
    file: bench5.test.zone
K

cat > named-ns2.conf <<N
options {
    directory "$R/named-ns2";
    pid-file "$R/named-ns2/named.pid";
    session-keyfile "$R/named-ns2/session.key";
    managed-keys-directory "$R/named-ns2";
    listen-on port 53 { 10.98.0.12; };
    listen-on-v6 port 53 { fd98::12; };
    recursion no;
    allow-query { any; };
    dnssec-validation no;
};
controls { };
zone "example.test" { type primary; file "$R/zones/example.test.stale.zone"; };
zone "dyn.test" { type secondary; primaries { 10.98.0.11; }; file "$R/named-ns2/dyn.test.db"; };
zone "bench1.test" { type primary; file "$R/zones/bench1.test.zone"; };
zone "bench2.test" { type primary; file "$R/zones/bench2.test.zone"; };
zone "bench3.test" { type primary; file "$R/zones/bench3.test.zone"; };
zone "bench4.test" { type primary; file "$R/zones/bench4.test.zone"; };
zone "bench5.test" { type primary; file "$R/zones/bench5.test.zone"; };
N

echo "generated in $R"
