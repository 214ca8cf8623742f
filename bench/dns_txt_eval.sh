#!/usr/bin/env bash
# bench/dns_txt_eval.sh [ROUNDS [ROUNDS_DELAYED]] - the dns method's TXT check over 5 domains x 4
# authoritative server addresses (bench1..5.test on knot ns1 + BIND ns2, IPv4 + IPv6) in the
# DNS fixture (tests/dns-fixture, its own namespaces), next to the slowest single server's
# response time. Needs root and a build (BUILD=build dir, default ./build). Not a test.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BUILD:-$SRC/build}/agent/dns/dns_txt_bench
[ -x "$BIN" ] || { echo "build dns_txt_bench first (ninja -C \$BUILD dns_txt_bench)" >&2; exit 2; }
export R=$(mktemp -d /tmp/dcv-dns-bench.XXXXXX) DNSFX_ID=b$(printf '%x' $(( $$ % 0xfffff )))
trap 'bash "$SRC/tests/dns-fixture/down.sh"; rm -rf "$R"' EXIT
bash "$SRC/tests/dns-fixture/gen.sh" >/dev/null
bash "$SRC/tests/dns-fixture/up.sh" >/dev/null
RECORDS="_dnsauth.bench1.test=bench-token-1 _dnsauth.bench2.test=bench-token-2 _dnsauth.bench3.test=bench-token-3
  _dnsauth.bench4.test=bench-token-4 _dnsauth.bench5.test=bench-token-5"
echo "== the fixture as it is: every server on one bridge, sub-millisecond away"
# shellcheck disable=SC2086
ip netns exec "dx${DNSFX_ID}cli" "$BIN" --root-hints "$R/root.hints" --rounds "${1:-50}" $RECORDS 2>/dev/null
echo "== with network distance: each server address 20-60 ms away (relays; no netem on this kernel)"
# shellcheck disable=SC2086
ip netns exec "dx${DNSFX_ID}cli" "$BIN" --root-hints "$R/root.hints" --rounds "${2:-20}" --delay-ms 20-60 $RECORDS 2>/dev/null
