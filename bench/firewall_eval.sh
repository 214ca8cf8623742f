#!/usr/bin/env bash
# Benchmark (not a test): evaluation cost against the cost of the dump it evaluates.
# Loads N rules (default 10,000) into a throwaway network namespace, once as nftables and
# as iptables-nft and as iptables-legacy, times the tools' own dumps (`nft -j list ruleset`,
# `iptables-nft-save`, `iptables-legacy-save`) and our parse + evaluation of those dumps,
# and prints the ratio.
#   usage: sudo bench/firewall_eval.sh [N] [BUILD_DIR]     (after `cmake --build --preset default`)
# The rules never touch the root namespace; the namespace is deleted on exit.
set -euo pipefail
n=${1:-10000}
build=${2:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
nft_bench=$root/$build/tests/unit/nftables/nftables_bench
ipt_bench=$root/$build/tests/unit/iptables/iptables_bench
[ "$(id -u)" = 0 ] || { echo "firewall_eval.sh: run as root (network namespaces)" >&2; exit 2; }
[ -x "$nft_bench" ] && [ -x "$ipt_bench" ] || { echo "firewall_eval.sh: build first ($nft_bench)" >&2; exit 2; }

ns=dcvbench$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$ns"
in_ns() { ip netns exec "$ns" "$@"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# median of 5 runs of a command (ms)
time_cmd() {
  local runs=() i t0
  for i in 1 2 3 4 5; do t0=$(ms); "$@" >/dev/null; runs+=($(( $(ms) - t0 ))); done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}
median_field() {  # median of 5 runs of a bench binary, field "parse"/"evaluate" in ms
  local field=$1; shift
  local i; for i in 1 2 3 4 5; do "$@" | sed -n "s/.*$field \([0-9.]*\) ms.*/\1/p"; done | sort -n | sed -n 3p
}

# nftables: N rules in one chain (sources from 10.0.0.0/8, the last one drops tcp/80)
{
  echo "table inet bench { chain input { type filter hook input priority 0; policy accept;"
  for i in $(seq 1 "$n"); do printf 'ip saddr 10.%d.%d.%d tcp dport %d accept\n' $((i/65536%256)) $((i/256%256)) $((i%256)) $((1024 + i % 50000)); done
  printf "tcp dport 80 drop\n}\n}\n"
} > "$tmp/rules.nft"
in_ns nft -f "$tmp/rules.nft"
in_ns nft -j list ruleset > "$tmp/rules.json"
nft_dump=$(time_cmd in_ns nft -j list ruleset)
nft_parse=$(median_field parse "$nft_bench" "$tmp/rules.json" eth0)
nft_eval=$(median_field evaluate "$nft_bench" "$tmp/rules.json" eth0)
in_ns nft flush ruleset

# iptables (nft backend): the same rules through iptables-restore
{
  echo "*filter"; echo ":INPUT ACCEPT [0:0]"
  for i in $(seq 1 "$n"); do printf -- '-A INPUT -s 10.%d.%d.%d/32 -p tcp -m tcp --dport %d -j ACCEPT\n' $((i/65536%256)) $((i/256%256)) $((i%256)) $((1024 + i % 50000)); done
  echo "-A INPUT -p tcp -m tcp --dport 80 -j DROP"; echo "COMMIT"
} > "$tmp/rules.v4"
in_ns iptables-nft-restore < "$tmp/rules.v4"
in_ns iptables-nft-save > "$tmp/save.v4"
ipt_dump=$(time_cmd in_ns iptables-nft-save)
ipt_parse=$(median_field parse "$ipt_bench" "$tmp/save.v4" 4 eth0)
ipt_eval=$(median_field evaluate "$ipt_bench" "$tmp/save.v4" 4 eth0)
in_ns iptables-nft -F INPUT

# iptables-legacy: the same rules in the legacy (x_tables) stack, invisible to nft
in_ns iptables-legacy-restore < "$tmp/rules.v4"
in_ns iptables-legacy-save > "$tmp/legacy.v4"
leg_dump=$(time_cmd in_ns iptables-legacy-save)
leg_parse=$(median_field parse "$ipt_bench" "$tmp/legacy.v4" 4 eth0)
leg_eval=$(median_field evaluate "$ipt_bench" "$tmp/legacy.v4" 4 eth0)

ratio() { awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { printf "%.2f", (b + c) / a }'; }
printf '%-12s %7s rules  dump %7s ms  our parse %8s ms  our evaluation %8s ms  (parse+eval)/dump = %s\n' \
  nftables "$n" "$nft_dump" "$nft_parse" "$nft_eval" "$(ratio "$nft_dump" "$nft_parse" "$nft_eval")" \
  iptables-nft "$n" "$ipt_dump" "$ipt_parse" "$ipt_eval" "$(ratio "$ipt_dump" "$ipt_parse" "$ipt_eval")" \
  ipt-legacy "$n" "$leg_dump" "$leg_parse" "$leg_eval" "$(ratio "$leg_dump" "$leg_parse" "$leg_eval")"
