#!/bin/bash
# tests/dns-fixture/up.sh - creates the fixture's network namespaces on a private bridge and
# starts the DNS servers (knot: root + test., knot: ns1, BIND: ns2 with stale data; "dead"
# drops port 53). Names carry the run id DNSFX_ID (<= 6 characters [a-z0-9]) so that runs,
# and the research fixture in ../shared, never collide: dx<ID>lan, dx<ID>root, dx<ID>ns1,
# dx<ID>ns2, dx<ID>dead, dx<ID>cli (the client: the agent runs there).
# Needs root (CAP_NET_ADMIN). Changes nothing in the root network namespace.
set -euo pipefail
: "${R:?set R to the run directory gen.sh filled}" "${DNSFX_ID:?set DNSFX_ID}"
P=dx$DNSFX_ID
[[ $DNSFX_ID =~ ^[a-z0-9]{1,6}$ ]] || { echo "up.sh: DNSFX_ID must be 1-6 of [a-z0-9]" >&2; exit 2; }

ip netns add "${P}lan"
ip -n "${P}lan" link add br0 type bridge
ip -n "${P}lan" link set br0 up
for spec in "root 10.98.0.1 fd98::1" "ns1 10.98.0.11 fd98::11" "ns2 10.98.0.12 fd98::12" \
            "dead 10.98.0.13 fd98::13" "cli 10.98.0.100 fd98::100"; do
  set -- $spec
  ns=$P$1
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "${P}lan" link add "v-$ns" type veth peer name eth0 netns "$ns"
  ip -n "${P}lan" link set "v-$ns" master br0 up
  ip -n "$ns" addr add "$2/24" dev eth0
  ip -n "$ns" addr add "$3/64" dev eth0 nodad
  ip -n "$ns" link set eth0 up
done
# dead: answers ARP/ND but silently drops all DNS -> client timeouts (its own netns only)
ip netns exec "${P}dead" nft -f - <<'N'
table inet blackhole {
  chain in {
    type filter hook input priority 0; policy accept;
    udp dport 53 drop
    tcp dport 53 drop
  }
}
N

start() { # role logfile cmd...
  local role=$1 log=$2; shift 2
  ip netns exec "$P$role" "$@" >"$log" 2>&1 &
  echo $! > "$R/$role.pid"
}
start root "$R/knot-root.log" knotd -c "$R/knot-root.conf"
start ns1  "$R/knot-ns1.log"  knotd -c "$R/knot-ns1.conf"
start ns2  "$R/named-ns2.log" named -g -c "$R/named-ns2.conf"

wait_dns() { # addr qname qtype
  for _ in $(seq 1 200); do
    if ip netns exec "${P}cli" dig +norec +time=1 +tries=1 @"$1" "$2" "$3" 2>/dev/null | grep -q 'status: NOERROR'; then
      return 0
    fi
    sleep 0.05
  done
  echo "up.sh: server $1 not ready" >&2; return 1
}
wait_dns 10.98.0.1  test. SOA
wait_dns 10.98.0.11 example.test. SOA
wait_dns 10.98.0.12 example.test. SOA
wait_dns 10.98.0.12 bench5.test. SOA
wait_dns 10.98.0.12 dyn.test. SOA       # the secondary has transferred the zone
echo "dns fixture $P up"
