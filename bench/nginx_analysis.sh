#!/usr/bin/env bash
# bench/nginx_analysis.sh [N ...] - the agent's analysis of generated nginx trees
# (bench/gen_nginx_tree.py: Debian layout, 8 vhost patterns, about half of them TLS) next
# to `nginx -T` on the same tree, measured here in the same sitting, and to certbot's
# nginx parser as measured in ../shared/research/baselines.md (not re-run: 24 s at 1,000
# vhosts, 21-26 min at 10,000). Target: 10,000 vhosts analysed in under 1 s, peak < 200 MB.
# Needs a build (BUILD=build dir, default ./build). Writes only under a temporary directory.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BUILD:-$SRC/build}/remediators/webserver/nginx/nginx_analysis_bench
[ -x "$BIN" ] || { echo "build nginx_analysis_bench first (ninja -C \$BUILD nginx_analysis_bench)" >&2; exit 2; }
W=$(mktemp -d /tmp/dcv-nginx-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
declare -A CERTBOT=([100]="1.68 s" [1000]="23.8 s" [10000]="21-26 min")
for n in "${@:-100 1000 10000}"; do
  for n1 in $n; do
    domain=$(python3 "$SRC/bench/gen_nginx_tree.py" "$n1" "$W/t$n1")
    ours=$("$BIN" "$W/t$n1" "$domain" 3)
    # nginx -T: wall and CPU (user+sys of the child, from bash's times)
    t=$( { TIMEFORMAT='%R %U %S'; time nginx -T -c "$W/t$n1/nginx.conf" -p "$W/t$n1" -e "$W/t$n1/logs/error.log" \
           >/dev/null 2>&1; } 2>&1 )
    read -r dwall duser dsys <<<"$t"
    dcpu=$(echo "$duser + $dsys" | bc -l)
    wall=$(sed -E 's/analysis ([0-9.]+) s wall.*/\1/' <<<"$ours")
    cpu=$(sed -E 's/.* s wall, ([0-9.]+) s CPU.*/\1/' <<<"$ours")
    echo "$n1 vhosts: $ours"
    printf '  nginx -T %.3f s wall, %.3f s CPU; ratio (ours / nginx -T): wall %.2fx, CPU %.2fx; certbot parser: %s\n' \
      "$dwall" "$dcpu" "$(echo "$wall / $dwall" | bc -l)" "$(echo "$cpu / $dcpu" | bc -l)" "${CERTBOT[$n1]:-n/a}"
  done
done
