#!/bin/bash
# tests/dns-fixture/down.sh - stops the servers up.sh started (only the PIDs it recorded in
# $R) and deletes the dx<DNSFX_ID>* namespaces. Safe to run twice.
: "${R:?set R}" "${DNSFX_ID:?set DNSFX_ID}"
P=dx$DNSFX_ID
pids=()
for role in root ns1 ns2; do
  [ -f "$R/$role.pid" ] && { pids+=("$(cat "$R/$role.pid")"); rm -f "$R/$role.pid"; }
done
[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
for _ in $(seq 1 50); do
  alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break; sleep 0.1
done
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && kill -9 "$p"; done
for role in cli dead ns2 ns1 root lan; do ip netns del "$P$role" 2>/dev/null; done
true
