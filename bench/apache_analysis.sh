#!/usr/bin/env bash
# bench/apache_analysis.sh [N ...] - the agent's analysis of generated Apache trees
# (bench/gen_apache_tree.py: Debian /etc/apache2 layout, 8 vhost patterns, half the
# VirtualHosts TLS) next to `apache2 -d TREE -f apache2.conf -t -D DUMP_VHOSTS` on the same
# tree, measured here in the same sitting (median of 3), and to certbot's Apache (Augeas)
# parser as measured in ../shared/research/baselines.md (not re-run: 233 s at 1,000 vhosts,
# >600 s at 10,000). Also checks that the vhost the agent selects for http:// and https://
# DOMAIN is the file:line apache2 lists for that name. Target: 10,000 vhosts analysed in
# under 1 s CPU, peak < 200 MB. Needs a build (BUILD=build dir, default ./build). Writes only
# under a temporary directory; `apache2 -t` only tests the configuration (binds no port),
# and every runtime path it is given (pid, run, lock, log) is inside that directory.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BUILD:-$SRC/build}/remediators/webserver/apache/apache_analysis_bench
[ -x "$BIN" ] || { echo "build apache_analysis_bench first (ninja -C \$BUILD apache_analysis_bench)" >&2; exit 2; }
W=$(mktemp -d /tmp/dcv-apache-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
declare -A CERTBOT=([10]="1.19 s" [100]="2.45 s" [300]="10.3 s" [1000]="233 s" [10000]=">600 s (killed)")

# apache2 with the tree's envvars (as baselines.md ran it), no shell in between.
apache_test() {
  local t=$1
  env APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data APACHE_PID_FILE="$t/run/apache2.pid" \
    APACHE_RUN_DIR="$t/run" APACHE_LOCK_DIR="$t/lock" APACHE_LOG_DIR="$t/logs" LANG=C \
    apache2 -d "$t" -f "$t/apache2.conf" -t -D DUMP_VHOSTS
}

median() { sort -g | sed -n 2p; }  # of 3 values, one a line

for n in "${@:-100 1000 10000}"; do
  for n1 in $n; do
    t="$W/t$n1"
    domain=$(python3 "$SRC/bench/gen_apache_tree.py" "$n1" "$t")
    out=$("$BIN" "$t" "$domain" 3)
    ours=$(grep '^analysis' <<<"$out")
    walls=() cpus=()
    for run in 1 2 3; do
      # wall and CPU (user+sys of the child, from bash's times); the dump kept for the check
      tm=$( { TIMEFORMAT='%R %U %S'; time apache_test "$t" >"$W/dump$n1" 2>"$W/dump$n1.err" || : >"$W/failed$n1"; } 2>&1 )
      read -r dwall duser dsys <<<"$tm"
      walls+=("$dwall")
      cpus+=("$(echo "$duser + $dsys" | bc -l)")
    done
    if [ -e "$W/failed$n1" ] || ! grep -q '^VirtualHost configuration:' "$W/dump$n1"; then
      echo "apache2 -t failed on $t:" >&2; cat "$W/dump$n1.err" >&2; exit 1
    fi
    dwall=$(printf '%s\n' "${walls[@]}" | median)
    dcpu=$(printf '%s\n' "${cpus[@]}" | median)
    wall=$(sed -E 's/analysis ([0-9.]+) s wall.*/\1/' <<<"$ours")
    cpu=$(sed -E 's/.* s wall, ([0-9.]+) s CPU.*/\1/' <<<"$ours")
    echo "$n1 vhosts: $ours"
    printf '  apache2 -t -D DUMP_VHOSTS %.3f s wall, %.3f s CPU (median of 3); ratio (ours / apache2): wall %.2fx, CPU %.2fx; certbot Apache parser: %s\n' \
      "$dwall" "$dcpu" "$(echo "$wall / $dwall" | bc -l)" "$(echo "$cpu / $dcpu" | bc -l)" "${CERTBOT[$n1]:-n/a}"
    # Sanity: the vhost ours selects for each scheme is the one apache2 lists for the name.
    for scheme in http https; do
      port=$([ "$scheme" = http ] && echo 80 || echo 443)
      mine=$(awk -v s="$scheme" '$1 == "vhost" && $2 == s { print $4 }' <<<"$out")
      theirs=$(grep -F "port $port namevhost $domain (" "$W/dump$n1" | sed -E 's/.*\((.*)\)$/\1/' | head -1)
      verdict=$([ -n "$mine" ] && [ "$mine" = "$theirs" ] && echo same || echo DIFFERENT)
      echo "  vhost for $scheme://$domain: ours ${mine#"$t"/}, apache2 ${theirs#"$t"/}: $verdict"
    done
  done
done
