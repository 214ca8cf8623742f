# shellcheck shell=bash
# tests/e2e/lib.sh - throw-away test beds for dcv-agent's end-to-end tests.
#
# Source it from bash, as root:   . tests/e2e/lib.sh
#
# Model (one bed per run; names are unique per run, so beds can run in parallel):
#
#   server netns  dcvs<ID>  10.99.0.1/24  fd99::1/64  the agent, nginx and the firewall live here
#   outside netns dcvc<ID>  10.99.0.2/24  fd99::2/64  the CA's vantage point (curl, `probe serve`)
#   one veth pair dcvs<ID> <-> dcvc<ID>; no default route, so nothing can leave the pair.
#
#   The server side is a "world": besides its network namespace it has
#     - its own MOUNT namespace: /etc and /var are overlayfs copy-on-write mounts of the real
#       ones (every write lands in $E2E_DIR/upper/{etc,var}), /run is a private tmpfs that only
#       keeps /run/netns. Stock nginx, nft, /etc/nftables.conf and the agent's journal under
#       /var/lib/dcv-agent use their real paths and nothing on the machine changes.
#     - its own PID namespace with a reaping init: the agent sees only the world's processes in
#       /proc (it cannot find, or signal, a host nginx or another bed's nginx), and ending that
#       init ends every process of the world.
#
# Safety rules this file enforces:
#   - every command that changes firewall state or starts a daemon goes through e2e_srv (or
#     e2e_ca); they open the namespace files first, then prove on those very file descriptors
#     that they are the ones this run created and differ from the harness' own (root) network,
#     mount and PID namespaces (and PID 1's, where readable), and only then nsenter them. A
#     recycled PID cannot redirect a command into the root namespaces.
#   - the overlays carry names unique to the run (dcvetc<ID>...); if one shows up in the
#     harness' mount table, propagation leaked and the run stops.
#   - teardown signals only PIDs that it proves to live in our namespaces, by PID, never by name;
#     a bed whose run was SIGKILLed (no trap ran) is reaped by the next run (e2e_reap_stale).
#   - e2e_leak_check: root `nft list ruleset` unchanged (and reported if not empty), no netns,
#     veth, mount or process of ours left, real /etc/nginx, /etc/nftables.conf, /etc/hosts and
#     /var/lib/dcv-agent, /var/www/dcv-agent unchanged (md5).
#
# Environment (all optional):
#   DCV_AGENT       the agent binary (default: $DCV_SOURCE_DIR/build/agent/dcv-agent)
#   DCV_SOURCE_DIR  the repository (default: two levels above this file)
#   E2E_ID          short [a-z0-9] id naming the namespaces (default: pid + random)
#   E2E_DOMAIN      the test domain (default www.example.test)
#   E2E_KEEP=1      keep $E2E_DIR after the run (the overlay upper dirs show every write)
#   E2E_VERBOSE=1   print the agent's stdout/stderr after every e2e_agent run

# shellcheck disable=SC2016,SC2015  # single-quoted scripts run in the world; A && B || die is intended
[ -n "${BASH_VERSION:-}" ] || { echo "lib.sh: needs bash" >&2; return 1 2>/dev/null || exit 1; }

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DCV_SOURCE_DIR=${DCV_SOURCE_DIR:-$(cd "$E2E_LIB_DIR/../.." && pwd)}
DCV_AGENT=${DCV_AGENT:-$DCV_SOURCE_DIR/build/agent/dcv-agent}
E2E_SCHEMA=${E2E_SCHEMA:-$DCV_SOURCE_DIR/agent/report_schema.json}

if [ -z "${E2E_ID:-}" ]; then
  E2E_ID=$(printf '%x%s' "$$" "$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')")
fi
E2E_SRV=dcvs$E2E_ID                # netns and veth names: <= 15 characters
E2E_CA=dcvc$E2E_ID
E2E_SRV_IP4=10.99.0.1 E2E_CA_IP4=10.99.0.2
E2E_SRV_IP6=fd99::1   E2E_CA_IP6=fd99::2
# a second outside network (e2e_other_up): another sender, on another server interface
E2E_OTHER=dcvo$E2E_ID E2E_SRV_OTHER=dcvx$E2E_ID
E2E_SRV_OTHER_IP4=10.97.0.1 E2E_OTHER_IP4=10.97.0.2
E2E_SRV_OTHER_IP6=fd97::1   E2E_OTHER_IP6=fd97::2
E2E_OTHER_NETNS=""
E2E_FROM=${E2E_FROM:-ca}   # e2e_fetch's sender: ca or other
E2E_DOMAIN=${E2E_DOMAIN:-www.example.test}
E2E_CONNECT_TIMEOUT=${E2E_CONNECT_TIMEOUT:-1}
E2E_AGENT_TIMEOUT=${E2E_AGENT_TIMEOUT:-120}
E2E_DIR=${E2E_DIR:-}
E2E_INIT=""            # host PID of the world's init (PID 1 of the world's PID namespace)
E2E_INIT_START=""      # its start time (field 22 of /proc/PID/stat): detects PID reuse
E2E_SRV_NETNS="" E2E_CA_NETNS="" E2E_WORLD_MNT="" E2E_WORLD_PID=""
E2E_PROBE_PID="" E2E_PROBE_JOB=""
export E2E_PROBE_URL=""   # http://10.99.0.2:PORT once e2e_probe_start succeeded
E2E_FAILS=0 E2E_PASSES=0 E2E_DOWN_DONE=0
E2E_RC="" E2E_MS="" E2E_OUT="" E2E_ERR=""
E2E_CODE="" E2E_CURLRC="" E2E_LOCATION=""
declare -a E2E_TIMES=()

# The namespaces this harness runs in are the ones it must never change. They are what this
# shell is in now; PID 1's are added when readable (in some sandboxes /proc/1/ns is not).
E2E_ROOT_NET=$(readlink /proc/self/ns/net) E2E_ROOT_MNT=$(readlink /proc/self/ns/mnt)
E2E_ROOT_PID=$(readlink /proc/self/ns/pid)
E2E_PID1_NET=$(readlink /proc/1/ns/net 2>/dev/null || true)
E2E_PID1_MNT=$(readlink /proc/1/ns/mnt 2>/dev/null || true)
E2E_PID1_PID=$(readlink /proc/1/ns/pid 2>/dev/null || true)

# ---------------------------------------------------------------- logging and assertions
e2e_ms()   { echo $(( $(date +%s%N) / 1000000 )); }
e2e_log()  { printf '[e2e %s %s] %s\n' "$E2E_ID" "$(date +%T.%3N)" "$*" >&2; }
e2e_die()  { e2e_log "FATAL: $*"; exit 1; }
e2e_pass() { E2E_PASSES=$((E2E_PASSES + 1)); e2e_log "PASS $*"; }
e2e_fail() { E2E_FAILS=$((E2E_FAILS + 1)); e2e_log "FAIL $*"; }
e2e_step() { printf '\n==== %s\n' "$*" >&2; }
E2E_T0=$(e2e_ms) E2E_TLAST=$(e2e_ms)
e2e_phase() { local now; now=$(e2e_ms); E2E_TIMES+=("$(printf '%-34s %7d ms' "$1" $((now - E2E_TLAST)))"); E2E_TLAST=$now; }
e2e_timings() {
  printf '%s\n' "---- timings (E2E_ID=$E2E_ID)" "${E2E_TIMES[@]}" \
    "$(printf '%-34s %7d ms' TOTAL $(( $(e2e_ms) - E2E_T0 )))" >&2
}
e2e_check() { # e2e_check DESC CMD... : pass if CMD succeeds
  local desc=$1; shift
  if "$@"; then e2e_pass "$desc"; else e2e_fail "$desc"; fi
}

# ---------------------------------------------------------------- preconditions
e2e_require_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "e2e: FAIL: this end-to-end test needs root (network namespaces, nft, mounts); it is not skipped." >&2
    echo "e2e: run it as root, e.g.  sudo ctest --preset default -L e2e" >&2
    exit 1
  fi
}
e2e_require_tools() {
  local t missing=()
  for t in ip nft nginx curl openssl unshare nsenter mount timeout sha256sum md5sum find "$@"; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [ ${#missing[@]} -eq 0 ] || e2e_die "missing tools: ${missing[*]} (run scripts/install-deps)"
  [[ "$E2E_ID" =~ ^[a-z0-9]{1,11}$ ]] || e2e_die "E2E_ID must be 1-11 of [a-z0-9], got '$E2E_ID'"
}
e2e_require_agent() {
  if [ ! -x "$DCV_AGENT" ]; then
    e2e_log "FAIL: dcv-agent not found or not executable at DCV_AGENT=$DCV_AGENT"
    e2e_log "      build it: cmake --preset default && cmake --build build --target dcv-agent"
    exit 1
  fi
  DCV_AGENT=$(readlink -f "$DCV_AGENT")
  case "$DCV_AGENT" in /run/*) e2e_die "DCV_AGENT under /run is invisible in the world (private /run)";; esac
}
# pick a python3 that has jsonschema (Debian's python3-jsonschema lives in /usr/bin/python3)
e2e_python() {
  if [ -z "${E2E_PY:-}" ]; then
    local p
    for p in /usr/bin/python3 python3; do
      if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then E2E_PY=$p; break; fi
    done
    [ -n "${E2E_PY:-}" ] || e2e_die "no python3 with jsonschema (apt-get install python3-jsonschema)"
  fi
  "$E2E_PY" "$E2E_LIB_DIR/report.py" "$@"
}

# ---------------------------------------------------------------- namespace guards
# _e2e_foreign KIND NSID: NSID must be a namespace of this kind that is not the harness'/PID 1's.
_e2e_foreign() {
  local kind=$1 id=$2 root pid1
  case $kind in
    net) root=$E2E_ROOT_NET pid1=$E2E_PID1_NET ;;
    mnt) root=$E2E_ROOT_MNT pid1=$E2E_PID1_MNT ;;
    pid) root=$E2E_ROOT_PID pid1=$E2E_PID1_PID ;;
    *) return 1 ;;
  esac
  [[ "$id" == "$kind:["*"]" ]] && [ "$id" != "$root" ] && { [ -z "$pid1" ] || [ "$id" != "$pid1" ]; }
}
# _e2e_nsid KIND PATH: "KIND:[inode]" of the namespace file PATH (works for fds and bind mounts)
_e2e_nsid() { local i; i=$(stat -L -c %i "$2" 2>/dev/null) && echo "$1:[$i]"; }
_e2e_starttime() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s; echo "${20}"; }

# e2e_srv CMD...: run CMD in the server world (server netns + world mount and PID namespaces).
# Refuses (exit 97, nothing run) unless the namespaces are provably ours and not the root ones.
e2e_srv() (
  cd / || exit 97
  [ -n "$E2E_INIT" ] || { echo "e2e_srv: no world" >&2; exit 97; }
  exec {m}<"/proc/$E2E_INIT/ns/mnt" {p}<"/proc/$E2E_INIT/ns/pid" {n}<"/run/netns/$E2E_SRV" || {
    echo "e2e_srv: world namespaces unavailable" >&2; exit 97; }
  local gm gp gn
  gm=$(_e2e_nsid mnt /proc/self/fd/$m) gp=$(_e2e_nsid pid /proc/self/fd/$p) gn=$(_e2e_nsid net /proc/self/fd/$n)
  if [ "$gm" != "$E2E_WORLD_MNT" ] || [ "$gp" != "$E2E_WORLD_PID" ] || [ "$gn" != "$E2E_SRV_NETNS" ] ||
     ! _e2e_foreign mnt "$gm" || ! _e2e_foreign pid "$gp" || ! _e2e_foreign net "$gn" ||
     [ "$(_e2e_starttime "$E2E_INIT")" != "$E2E_INIT_START" ]; then
    echo "e2e_srv: REFUSED: namespaces are not this run's world (mnt=$gm pid=$gp net=$gn)" >&2; exit 97
  fi
  exec nsenter --mount=/proc/self/fd/$m --pid=/proc/self/fd/$p --net=/proc/self/fd/$n -- "$@"
)

# e2e_ca CMD...: run CMD in the outside (CA) network namespace (harness mount namespace: it sees
# $E2E_DIR; never use it for mounts or daemons that write to /etc).
e2e_ca() (
  cd / || exit 97
  exec {n}<"/run/netns/$E2E_CA" || { echo "e2e_ca: no netns $E2E_CA" >&2; exit 97; }
  local gn; gn=$(_e2e_nsid net /proc/self/fd/$n)
  if [ "$gn" != "$E2E_CA_NETNS" ] || ! _e2e_foreign net "$gn"; then
    echo "e2e_ca: REFUSED: $gn is not this run's outside netns" >&2; exit 97
  fi
  exec nsenter --net=/proc/self/fd/$n -- "$@"
)

# e2e_other CMD...: run CMD in the second outside network namespace (after e2e_other_up).
e2e_other() (
  cd / || exit 97
  exec {n}<"/run/netns/$E2E_OTHER" || { echo "e2e_other: no netns $E2E_OTHER" >&2; exit 97; }
  local gn; gn=$(_e2e_nsid net /proc/self/fd/$n)
  if [ "$gn" != "$E2E_OTHER_NETNS" ] || ! _e2e_foreign net "$gn"; then
    echo "e2e_other: REFUSED: $gn is not this run's second outside netns" >&2; exit 97
  fi
  exec nsenter --net=/proc/self/fd/$n -- "$@"
)

# e2e_other_up: a second outside namespace, linked to a second server interface (after e2e_up).
e2e_other_up() {
  [ ! -e "/run/netns/$E2E_OTHER" ] || e2e_die "netns $E2E_OTHER already exists"
  ip netns add "$E2E_OTHER" || e2e_die "ip netns add $E2E_OTHER"
  E2E_OTHER_NETNS=$(stat -L -c 'net:[%i]' "/run/netns/$E2E_OTHER")
  _e2e_foreign net "$E2E_OTHER_NETNS" || e2e_die "new netns equals the root one?!"
  ip link add "$E2E_SRV_OTHER" type veth peer name "$E2E_OTHER" || e2e_die "veth (other)"
  ip link set "$E2E_SRV_OTHER" netns "$E2E_SRV" && ip link set "$E2E_OTHER" netns "$E2E_OTHER" ||
    e2e_die "veth move (other)"
  ip -n "$E2E_OTHER" link set lo up &&
  ip -n "$E2E_SRV"   addr add "$E2E_SRV_OTHER_IP4/24" dev "$E2E_SRV_OTHER" &&
  ip -n "$E2E_OTHER" addr add "$E2E_OTHER_IP4/24" dev "$E2E_OTHER" &&
  ip -n "$E2E_SRV"   addr add "$E2E_SRV_OTHER_IP6/64" dev "$E2E_SRV_OTHER" nodad &&
  ip -n "$E2E_OTHER" addr add "$E2E_OTHER_IP6/64" dev "$E2E_OTHER" nodad &&
  ip -n "$E2E_SRV" link set "$E2E_SRV_OTHER" up && ip -n "$E2E_OTHER" link set "$E2E_OTHER" up ||
    e2e_die "addresses (other)"
}

# e2e_ca_named CMD...: like e2e_ca, plus a private mount namespace in which $E2E_DIR/ca-hosts
# is bind-mounted over /etc/hosts, so CMD resolves the test domain(s) to the server's addresses.
# The real /etc/hosts is never written. Writes its own PID to $E2E_CA_PIDFILE if that is set.
e2e_ca_named() {
  e2e_ca unshare --mount --propagation private /bin/sh -c '
    hosts=$1 rootmnt=$2 pidfile=$3; shift 3
    [ "$(readlink /proc/self/ns/mnt)" != "$rootmnt" ] || { echo "e2e_ca_named: REFUSED: root mount ns" >&2; exit 97; }
    mount --bind "$hosts" /etc/hosts || exit 97
    [ -z "$pidfile" ] || echo $$ > "$pidfile"
    exec "$@"' e2e-ca "$E2E_DIR/ca-hosts" "$E2E_ROOT_MNT" "${E2E_CA_PIDFILE:-}" "$@"
}

# ---------------------------------------------------------------- root state (leak guards)
_e2e_real_manifest() {
  # md5 of the real files a broken harness or agent could touch (read-only)
  { find /etc/nginx /etc/nftables.conf /etc/hosts /var/lib/dcv-agent /var/www/dcv-agent \
       \( -type f -o -type l -o -type d \) -print0 2>/dev/null || true; } | sort -z |
    while IFS= read -r -d '' f; do
      if [ -L "$f" ]; then printf 'L %s -> %s\n' "$f" "$(readlink "$f")"
      elif [ -d "$f" ]; then printf 'D %s\n' "$f"
      else printf 'F %s %s\n' "$(md5sum <"$f" | cut -d' ' -f1)" "$f"; fi
    done
  return 0
}
e2e_root_state_save() {
  E2E_ROOT_RULESET=$(nft list ruleset 2>&1)
  E2E_ROOT_MANIFEST=$(_e2e_real_manifest)
  if [ -n "$E2E_ROOT_RULESET" ]; then
    e2e_log "WARNING: the root network namespace already has an nftables ruleset; checking it stays unchanged"
  else
    e2e_log "root netns: nft ruleset empty (before)"
  fi
}

# ---------------------------------------------------------------- bed up
e2e_up() {
  [ -z "$E2E_INIT" ] || e2e_die "bed already up"
  [ -n "${E2E_ROOT_MANIFEST+x}" ] || e2e_root_state_save
  if [ -z "$E2E_DIR" ]; then E2E_DIR=$(mktemp -d "/tmp/dcv-e2e.$E2E_ID.XXXXXX") || e2e_die mktemp; fi
  case "$(readlink -f "$E2E_DIR")" in
    /etc|/etc/*|/var|/var/*|/run|/run/*) e2e_die "E2E_DIR=$E2E_DIR must not lie under /etc, /var or /run";;
  esac
  chmod 755 "$E2E_DIR"
  # who owns this bed: lets a later run reap it if this one is SIGKILLed (ctest timeout)
  echo "$$ $(_e2e_starttime $$) $E2E_ID" >"$E2E_DIR/owner"
  e2e_reap_stale
  mkdir -p "$E2E_DIR"/{upper,work}/{etc,var} "$E2E_DIR"/{keep-netns,out,snap,agent-tmp}
  e2e_net_up
  e2e_world_up
  e2e_hosts_add "$E2E_DOMAIN"
}

# e2e_reap_stale: tear down beds whose owning run died without its trap (SIGKILL, e.g. a ctest
# timeout). Only beds with an owner file under /tmp/dcv-e2e.* whose owner PID is gone (or was
# recycled), only namespaces named after that bed's id, only PIDs proven to be in them.
e2e_reap_stale() {
  local d pid st id ns nsid
  for d in /tmp/dcv-e2e.*; do
    [ -f "$d/owner" ] || continue
    read -r pid st id <"$d/owner" || continue
    [[ "$id" =~ ^[a-z0-9]{1,11}$ ]] && [[ "$pid" =~ ^[0-9]+$ ]] || continue
    [ "$id" != "$E2E_ID" ] || continue
    if [ -e "/proc/$pid" ] && [ "$(_e2e_starttime "$pid")" = "$st" ]; then continue; fi
    e2e_log "reaping the bed of a run that was killed: id $id, $d"
    for ns in "dcvs$id" "dcvc$id"; do
      [ -e "/run/netns/$ns" ] || continue
      nsid=$(_e2e_nsid net "/run/netns/$ns") && _e2e_foreign net "$nsid" || continue
      _e2e_kill_ns "$ns" "$nsid"
      ip netns del "$ns" 2>/dev/null || true
    done
    if grep -qF " $d" /proc/self/mounts; then e2e_log "  not removing $d: something is mounted under it"
    else rm -rf --one-file-system "$d" || true; fi
  done
  return 0
}

e2e_net_up() {
  local ns
  for ns in "$E2E_SRV" "$E2E_CA"; do
    [ ! -e "/run/netns/$ns" ] || e2e_die "netns $ns already exists (E2E_ID collision?)"
    ! ip link show "$ns" >/dev/null 2>&1 || e2e_die "link $ns already exists"
  done
  ip netns add "$E2E_SRV" || e2e_die "ip netns add $E2E_SRV"
  E2E_SRV_NETNS=$(stat -L -c 'net:[%i]' "/run/netns/$E2E_SRV")
  ip netns add "$E2E_CA" || e2e_die "ip netns add $E2E_CA"
  E2E_CA_NETNS=$(stat -L -c 'net:[%i]' "/run/netns/$E2E_CA")
  _e2e_foreign net "$E2E_SRV_NETNS" && _e2e_foreign net "$E2E_CA_NETNS" || e2e_die "new netns equals the root one?!"
  ip link add "$E2E_SRV" type veth peer name "$E2E_CA" || e2e_die "veth"
  ip link set "$E2E_SRV" netns "$E2E_SRV" && ip link set "$E2E_CA" netns "$E2E_CA" || e2e_die "veth move"
  ip -n "$E2E_SRV" link set lo up && ip -n "$E2E_CA" link set lo up &&
  ip -n "$E2E_SRV" addr add "$E2E_SRV_IP4/24" dev "$E2E_SRV" &&
  ip -n "$E2E_CA"  addr add "$E2E_CA_IP4/24"  dev "$E2E_CA" &&
  ip -n "$E2E_SRV" addr add "$E2E_SRV_IP6/64" dev "$E2E_SRV" nodad &&   # nodad: usable at once
  ip -n "$E2E_CA"  addr add "$E2E_CA_IP6/64"  dev "$E2E_CA"  nodad &&
  ip -n "$E2E_SRV" link set "$E2E_SRV" up && ip -n "$E2E_CA" link set "$E2E_CA" up || e2e_die "addresses"
}

e2e_world_up() {
  # The init: PID 1 of a new PID namespace, in a new mount namespace (propagation slave: later
  # `ip netns add` still shows up inside, nothing leaks out), in the server netns. It reaps
  # orphans (daemonised nginx) and exits on TERM; the kernel then kills the whole world.
  ip netns exec "$E2E_SRV" unshare --mount --propagation slave --pid --fork --mount-proc \
    /bin/bash -c 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done' \
    </dev/null >/dev/null 2>&1 &
  local parent=$! i child=""
  for i in $(seq 1 200); do
    child=$(awk '{print $1}' "/proc/$parent/task/$parent/children" 2>/dev/null || true)
    if [ -n "$child" ] && [ "$(readlink "/proc/$child/ns/net" 2>/dev/null)" = "$E2E_SRV_NETNS" ] &&
       _e2e_foreign mnt "$(readlink "/proc/$child/ns/mnt" 2>/dev/null)" &&
       _e2e_foreign pid "$(readlink "/proc/$child/ns/pid" 2>/dev/null)"; then break; fi
    child=""; sleep 0.02
  done
  [ -n "$child" ] || e2e_die "world init did not enter its namespaces"
  E2E_INIT=$child
  E2E_INIT_START=$(_e2e_starttime "$child")
  E2E_WORLD_MNT=$(readlink "/proc/$child/ns/mnt") E2E_WORLD_PID=$(readlink "/proc/$child/ns/pid")
  e2e_srv /bin/bash -euc '
    D=$1 ID=$2
    [ "$(cat /proc/1/comm)" = bash ] || { echo "not in the world PID namespace" >&2; exit 1; }
    mount -t overlay "dcvetc$ID" -o "lowerdir=/etc,upperdir=$D/upper/etc,workdir=$D/work/etc" /etc
    mount -t overlay "dcvvar$ID" -o "lowerdir=/var,upperdir=$D/upper/var,workdir=$D/work/var" /var
    mount --rbind /run/netns "$D/keep-netns"
    mount -t tmpfs -o mode=755,size=64m "dcvrun$ID" /run
    mkdir -p /run/netns /run/lock /run/user
    mount --move "$D/keep-netns" /run/netns
  ' e2e "$E2E_DIR" "$E2E_ID" || e2e_die "world setup failed"
  # leak guard: the world's mounts must be invisible here (slave propagation only goes inward)
  if grep -qE "^dcv(etc|var|run)$E2E_ID " /proc/self/mounts; then
    e2e_die "world mounts leaked into the harness mount namespace (propagation!)"
  fi
  e2e_srv grep -q "^dcvetc$E2E_ID /etc overlay" /proc/self/mounts || e2e_die "world /etc is not our overlay"
  e2e_srv grep -q "^dcvvar$E2E_ID /var overlay" /proc/self/mounts || e2e_die "world /var is not our overlay"
  e2e_log "bed up: $E2E_SRV ($E2E_SRV_NETNS, world init pid $E2E_INIT) <-> $E2E_CA ($E2E_CA_NETNS), dir $E2E_DIR"
}

# e2e_hosts_add NAME: NAME -> server addresses, in the world's /etc/hosts and the CA's hosts file
e2e_hosts_add() {
  local name=$1
  [ -f "$E2E_DIR/ca-hosts" ] || printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >"$E2E_DIR/ca-hosts"
  printf '%s %s\n%s %s\n' "$E2E_SRV_IP4" "$name" "$E2E_SRV_IP6" "$name" >>"$E2E_DIR/ca-hosts"
  e2e_srv /bin/sh -c 'printf "%s %s\n%s %s\n" "$1" "$3" "$2" "$3" >> /etc/hosts' e2e \
    "$E2E_SRV_IP4" "$E2E_SRV_IP6" "$name" || e2e_die "world /etc/hosts"
}

# ---------------------------------------------------------------- the server's stock setup
# e2e_nginx_up: stock Debian nginx in the world (stock nginx.conf and default site kept), plus
# the site for $E2E_DOMAIN: :80 redirects everything to https, :443 serves /var/www/<domain>.
e2e_nginx_up() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$E2E_DIR/key.pem" -out "$E2E_DIR/cert.pem" -subj "/CN=$E2E_DOMAIN" \
    -addext "subjectAltName=DNS:$E2E_DOMAIN" >/dev/null 2>&1 || e2e_die "openssl"
  chmod 644 "$E2E_DIR/cert.pem" "$E2E_DIR/key.pem"
  e2e_srv /bin/bash -euc '
    D=$1 H=$2
    mkdir -p /etc/ssl/dcv-e2e "/var/www/$H"
    install -m 644 "$D/cert.pem" /etc/ssl/dcv-e2e/cert.pem
    install -m 600 "$D/key.pem" /etc/ssl/dcv-e2e/key.pem
    printf "<html><body>home of %s</body></html>\n" "$H" > "/var/www/$H/index.html"
    cat > "/etc/nginx/sites-available/$H" <<EOF
# $H: everything on port 80 goes to https
server {
	listen 80;
	listen [::]:80;
	server_name $H;
	return 301 https://\$host\$request_uri;
}

server {
	listen 443 ssl;
	listen [::]:443 ssl;
	server_name $H;
	ssl_certificate /etc/ssl/dcv-e2e/cert.pem;
	ssl_certificate_key /etc/ssl/dcv-e2e/key.pem;
	root /var/www/$H;
	index index.html;
	location / {
		try_files \$uri \$uri/ =404;
	}
}
EOF
    ln -s "../sites-available/$H" "/etc/nginx/sites-enabled/$H"
    nginx -t -q
    nginx
  ' e2e "$E2E_DIR" "$E2E_DOMAIN" || e2e_die "nginx setup/start failed"
  e2e_await_server nginx
}

# e2e_await_server NAME: wait (10 s at most) until the world's server answers http:// on IPv4
# and https:// on IPv6 for $E2E_DOMAIN, over loopback; else die naming NAME.
e2e_await_server() {
  local i
  for i in $(seq 1 200); do
    if e2e_srv curl -s -o /dev/null --max-time 1 --resolve "$E2E_DOMAIN:80:127.0.0.1" "http://$E2E_DOMAIN/" &&
       e2e_srv curl -s -o /dev/null --max-time 1 -k --resolve "$E2E_DOMAIN:443:[::1]" "https://$E2E_DOMAIN/"; then
      return 0; fi
    sleep 0.05
  done
  e2e_die "$1 did not answer on :80 and :443"
}

# e2e_file_target: the file-method target of one run: D (the domain), TOKEN, CONTENT (random),
# VPATH (the validation path) and TARGET (the agent's arguments for them).
e2e_file_target() {
  D=$E2E_DOMAIN
  TOKEN=dcv-e2e-$E2E_ID.txt
  CONTENT="e2e-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  VPATH=/.well-known/pki-validation/$TOKEN
  TARGET=(--domain "$D" --method file --token "$TOKEN" --content "$CONTENT")
}

# e2e_nft_block: the admin's firewall, persisted in the world's /etc/nftables.conf and loaded
E2E_NFT_BLOCK='#!/usr/sbin/nft -f

flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		ct state established,related accept
		iif "lo" accept
		tcp dport 80 drop
	}
}
'
e2e_nft_block() {
  printf '%s' "$E2E_NFT_BLOCK" >"$E2E_DIR/nftables.conf"
  e2e_srv /bin/sh -ec 'install -m 755 "$1" /etc/nftables.conf; nft -f /etc/nftables.conf' e2e \
    "$E2E_DIR/nftables.conf" || e2e_die "nft block failed"
}
# "reboot": drop the runtime ruleset and load only what is persisted
e2e_nft_reboot() { e2e_srv /bin/sh -ec 'nft flush ruleset; nft -f /etc/nftables.conf'; }

# ---------------------------------------------------------------- fetching from outside
# e2e_fetch URL 4|6 [curl args]: fetch from the CA netns with the test domain pinned to the
# server's v4 or v6 address (no redirects followed, TLS not verified, like the CA).
# Sets E2E_CODE (000 if none), E2E_CURLRC, E2E_LOCATION; body in $E2E_DIR/fetch.body.
e2e_fetch() {
  local url=$1 fam=$2; shift 2
  local ip=$E2E_SRV_IP4 ip6=$E2E_SRV_IP6 from=e2e_ca host out
  [ "$E2E_FROM" = other ] && { ip=$E2E_SRV_OTHER_IP4 ip6=$E2E_SRV_OTHER_IP6 from=e2e_other; }
  [ "$fam" = 6 ] && ip="[$ip6]"
  host=${url#*://}; host=${host%%/*}; host=${host%%:*}
  rm -f "$E2E_DIR/fetch.body"
  E2E_CURLRC=0
  out=$($from curl -sS "-$fam" -k -o "$E2E_DIR/fetch.body" -w '%{http_code} %{redirect_url}' \
        --connect-timeout "$E2E_CONNECT_TIMEOUT" --max-time 5 \
        --resolve "$host:80:$ip" --resolve "$host:443:$ip" "$@" "$url" 2>"$E2E_DIR/fetch.err") || E2E_CURLRC=$?
  E2E_CODE=${out%% *}; E2E_LOCATION=${out#* }; [ "$E2E_LOCATION" != "$out" ] || E2E_LOCATION=""
  [ -n "$E2E_CODE" ] || E2E_CODE=000
  [ -f "$E2E_DIR/fetch.body" ] || : >"$E2E_DIR/fetch.body"
}
# e2e_body_matches BODYFILE CONTENTFILE: the body is the content, byte for byte, or the content
# plus one "\n" (a text file's line end: every CA ignores it, Let's Encrypt trims trailing
# whitespace). Sets E2E_MATCH to "exact" or "exact + trailing newline".
e2e_body_matches() {
  E2E_MATCH=""
  if cmp -s "$1" "$2"; then E2E_MATCH=exact; return 0; fi
  if cmp -s "$1" <(cat "$2"; printf '\n'); then E2E_MATCH="exact + trailing newline"; return 0; fi
  return 1
}
# e2e_expect_served URL FAM CONTENTFILE: 200 and the body is CONTENTFILE (see e2e_body_matches)
e2e_expect_served() {
  local url=$1 fam=$2 want=$3
  e2e_fetch "$url" "$fam"
  if [ "$E2E_CURLRC" = 0 ] && [ "$E2E_CODE" = 200 ] && e2e_body_matches "$E2E_DIR/fetch.body" "$want"; then
    e2e_pass "outside IPv$fam $url -> 200, content $E2E_MATCH"
  else
    e2e_fail "outside IPv$fam $url: want 200 + exact content, got code=$E2E_CODE curl_rc=$E2E_CURLRC location=$E2E_LOCATION body=$(head -c 120 "$E2E_DIR/fetch.body" | od -An -c | tr -s ' ' | head -c 200)"
  fi
}
# e2e_expect_blocked URL FAM: no TCP connection (curl 7 = refused/rejected, 28 = dropped)
e2e_expect_blocked() {
  e2e_fetch "$1" "$2"
  if [ "$E2E_CURLRC" = 7 ] || [ "$E2E_CURLRC" = 28 ]; then e2e_pass "outside IPv$2 $1 -> blocked (curl rc $E2E_CURLRC)"
  else e2e_fail "outside IPv$2 $1: want blocked, got code=$E2E_CODE curl_rc=$E2E_CURLRC"; fi
}
# e2e_expect_status URL FAM CODE [LOCATION]
e2e_expect_status() {
  local url=$1 fam=$2 code=$3 loc=${4-}
  e2e_fetch "$url" "$fam"
  if [ "$E2E_CODE" = "$code" ] && { [ $# -lt 4 ] || [ "$E2E_LOCATION" = "$loc" ]; }; then
    e2e_pass "outside IPv$fam $url -> $code${loc:+ $loc}"
  else
    e2e_fail "outside IPv$fam $url: want $code${loc:+ $loc}, got code=$E2E_CODE curl_rc=$E2E_CURLRC location=$E2E_LOCATION"
  fi
}

# e2e_local_matrix FILE: status and Location of URLs other than the validation path, fetched in
# the world over loopback (unaffected by the firewall), so before/after can be compared.
e2e_local_matrix() {
  local out=$1
  e2e_srv /bin/bash -c '
    D=$1
    fetch() { # url family
      local ip=127.0.0.1; [ "$2" = 6 ] && ip="[::1]"
      local h=${1#*://}; h=${h%%/*}
      printf "%s v%s %s\n" "$1" "$2" "$(curl -sk -o /dev/null -w "%{http_code} %{redirect_url} %{size_download}" \
        --max-time 5 --resolve "$h:80:$ip" --resolve "$h:443:$ip" "$1")"
    }
    for fam in 4 6; do
      for u in "http://$D/" "http://$D/some/page?q=1" "http://$D/.well-known/acme-challenge/x" \
               "http://$D/.well-known/pki-validation" "https://$D/" "https://$D/index.html" \
               "https://$D/missing.html" "https://$D/.well-known/acme-challenge/x" \
               "http://unknown.invalid/"; do
        fetch "$u" "$fam"
      done
    done' e2e "$E2E_DOMAIN" >"$out"
}

# ---------------------------------------------------------------- snapshots
# e2e_snapshot NAME: every file, link and directory under the world's /etc/nginx plus
# /etc/nftables.conf (type, mode, sha256), and `nft list ruleset`, into $E2E_DIR/snap/NAME.*
e2e_snapshot() {
  local name=$1
  # one listing (type, mode, path, link target) and one batch of sha256 sums: fast and complete
  e2e_srv /bin/sh -c '
    find /etc/nginx /etc/nftables.conf -printf "%y %m %p -> %l\n" 2>/dev/null | LC_ALL=C sort
    find /etc/nginx /etc/nftables.conf -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0r sha256sum
  ' >"$E2E_DIR/snap/$name.files" || e2e_die "snapshot $name (files)"
  e2e_srv nft list ruleset >"$E2E_DIR/snap/$name.ruleset" 2>&1 || e2e_die "snapshot $name (ruleset)"
  # everything written into the world so far: the overlay upper dirs (nginx' own logs and temp
  # dirs excluded); whiteouts (deletions) show as character devices ("c")
  ( cd "$E2E_DIR/upper" &&
    find . \( -path ./var/log/nginx -o -path ./var/lib/nginx \) -prune -o -printf '%y %m %p -> %l\n' | LC_ALL=C sort &&
    find . \( -path ./var/log/nginx -o -path ./var/lib/nginx \) -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum
  ) >"$E2E_DIR/snap/$name.upper"
  grep -E ' \./etc(/| |$)' "$E2E_DIR/snap/$name.upper" >"$E2E_DIR/snap/$name.upperetc" || true
}
# e2e_snapshot_same A B PARTS DESC: PARTS lists which of files, ruleset, upper, upperetc to compare
e2e_snapshot_same() {
  local a=$1 b=$2 parts=$3 desc=$4 p ok=1
  for p in $parts; do
    if ! diff -u "$E2E_DIR/snap/$a.$p" "$E2E_DIR/snap/$b.$p" >"$E2E_DIR/snap/diff.$a.$b.$p"; then
      ok=0; e2e_log "$p differ ($a -> $b):"; sed 's/^/    /' "$E2E_DIR/snap/diff.$a.$b.$p" | head -60 >&2
    fi
  done
  if [ $ok = 1 ]; then e2e_pass "$desc"; else e2e_fail "$desc"; fi
}

# ---------------------------------------------------------------- the agent
# e2e_agent NAME ARGS...: run the agent in the world. stdout -> $E2E_OUT, stderr -> $E2E_ERR,
# exit status -> E2E_RC, wall time in ms -> E2E_MS.
e2e_agent() {
  local name=$1; shift
  E2E_OUT=$E2E_DIR/out/$name.stdout E2E_ERR=$E2E_DIR/out/$name.stderr
  local shown="" arg
  for arg in "$@"; do   # long arguments (64 KiB content) are shortened in the log
    if [ ${#arg} -gt 100 ]; then shown+=" $(printf '%q' "${arg:0:24}")...[${#arg} bytes]"
    else shown+=" $(printf '%q' "$arg")"; fi
  done
  e2e_log "\$ dcv-agent$shown"
  local t0; t0=$(e2e_ms)
  e2e_srv env TMPDIR=/tmp LIBC_FATAL_STDERR_=1 timeout -k 5 "$E2E_AGENT_TIMEOUT" "$DCV_AGENT" "$@" >"$E2E_OUT" 2>"$E2E_ERR"
  E2E_RC=$?
  E2E_MS=$(( $(e2e_ms) - t0 ))
  e2e_log "  -> exit $E2E_RC in $E2E_MS ms (stdout $(wc -c <"$E2E_OUT") B, stderr $(wc -c <"$E2E_ERR") B)"
  [ "$E2E_RC" != 97 ] || e2e_die "the world guard refused to run the agent"
  [ "$E2E_RC" != 124 ] && [ "$E2E_RC" != 137 ] || e2e_log "  (timed out after ${E2E_AGENT_TIMEOUT}s)"
  if [ "${E2E_VERBOSE:-0}" = 1 ]; then
    sed 's/^/  stdout| /' "$E2E_OUT" >&2; sed 's/^/  stderr| /' "$E2E_ERR" >&2
  fi
}
e2e_show_output() { # on failure: show what the last agent run said
  e2e_log "last agent stdout:"; head -c 4000 "$E2E_OUT" | sed 's/^/  | /' >&2
  e2e_log "last agent stderr:"; head -c 4000 "$E2E_ERR" | sed 's/^/  | /' >&2
}
e2e_expect_rc() { # e2e_expect_rc WANT DESC  (WANT may be "!0")
  local want=$1 desc=$2
  if { [ "$want" = '!0' ] && [ "$E2E_RC" != 0 ]; } || [ "$E2E_RC" = "$want" ]; then
    e2e_pass "$desc: exit $E2E_RC"
  else
    e2e_fail "$desc: want exit $want, got $E2E_RC"; e2e_show_output
  fi
}
# e2e_json_valid FILE DESC: one JSON document that validates against the repo's report schema
e2e_json_valid() {
  local f=$1 desc=$2 msg
  if [ ! -f "$E2E_SCHEMA" ]; then e2e_fail "$desc: schema $E2E_SCHEMA missing"; return; fi
  if msg=$(e2e_python validate "$E2E_SCHEMA" "$f" 2>&1); then e2e_pass "$desc: valid against $(basename "$E2E_SCHEMA")"
  else e2e_fail "$desc: $msg"; fi
}
# e2e_jq FILE EXPR: evaluate a Python expression over the document `d` (see report.py)
e2e_jq() { e2e_python get "$1" "$2"; }

# ---------------------------------------------------------------- the outside probe
# e2e_probe_start PORT [ARGS...]: `dcv-agent probe serve --listen 10.99.0.2:PORT ARGS` in the CA
# netns (with the CA's hosts file); waits for "listening on"; sets E2E_PROBE_URL/E2E_PROBE_PID.
e2e_probe_start() {
  local port=$1; shift
  local log=$E2E_DIR/out/probe i
  # LIBC_FATAL_STDERR_: glibc's abort messages ("double free ...") go to stderr, not /dev/tty
  local auth=(--no-auth) a
  for a in "$@"; do [ "$a" != --key-file ] || auth=(); done  # a test bed's probe needs no key
  E2E_CA_PIDFILE=$E2E_DIR/probe.pid e2e_ca_named env LIBC_FATAL_STDERR_=1 "$DCV_AGENT" probe serve --listen "$E2E_CA_IP4:$port" --allow-private "${auth[@]}" "$@" \
    </dev/null >"$log.stdout" 2>"$log.stderr" &
  E2E_PROBE_JOB=$!
  for i in $(seq 1 200); do
    if grep -q 'listening on' "$log.stdout" 2>/dev/null; then break; fi
    if ! kill -0 "$E2E_PROBE_JOB" 2>/dev/null; then break; fi
    sleep 0.05
  done
  E2E_PROBE_PID=$(cat "$E2E_DIR/probe.pid" 2>/dev/null || true)
  if ! grep -q 'listening on' "$log.stdout" 2>/dev/null; then
    e2e_fail "probe serve did not print 'listening on' within 10 s"
    sed 's/^/  probe| /' "$log.stdout" "$log.stderr" >&2
    e2e_probe_stop; return 1
  fi
  if [ "$(readlink "/proc/$E2E_PROBE_PID/ns/net" 2>/dev/null)" != "$E2E_CA_NETNS" ]; then
    e2e_fail "probe pid $E2E_PROBE_PID is not in the outside netns"; return 1
  fi
  E2E_PROBE_URL=http://$E2E_CA_IP4:$port
  e2e_log "probe up: pid $E2E_PROBE_PID, $(head -1 "$log.stdout")"
}
# e2e_probe_alive: the probe process is still running (and in the outside netns); if not, fail
# and show what it said (a crash shows up here, not as a mysterious "connection refused")
e2e_probe_alive() {
  if [ -n "$E2E_PROBE_PID" ] && [ -n "$E2E_CA_NETNS" ] &&
     [ "$(readlink "/proc/$E2E_PROBE_PID/ns/net" 2>/dev/null)" = "$E2E_CA_NETNS" ]; then
    e2e_pass "probe serve (pid $E2E_PROBE_PID) still running"; return 0
  fi
  local st=""
  if [ -n "$E2E_PROBE_JOB" ]; then wait "$E2E_PROBE_JOB" 2>/dev/null; st=" (exit status $?)"; E2E_PROBE_JOB=""; fi
  e2e_fail "probe serve (pid ${E2E_PROBE_PID:-?}) is gone$st; its output:"
  tail -n 20 "$E2E_DIR/out/probe.stdout" "$E2E_DIR/out/probe.stderr" 2>/dev/null | sed 's/^/  probe| /' >&2
  return 1
}
e2e_probe_stop() {
  local pid=$E2E_PROBE_PID i
  if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$E2E_CA_NETNS" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$E2E_CA_NETNS" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  [ -z "$E2E_PROBE_JOB" ] || wait "$E2E_PROBE_JOB" 2>/dev/null || true
  E2E_PROBE_PID="" E2E_PROBE_JOB=""
  return 0
}

# ---------------------------------------------------------------- teardown and leak checks
# _e2e_kill_ns NSNAME NSID: signal every PID whose network namespace is NSID (re-checked per PID)
_e2e_kill_ns() {
  local ns=$1 id=$2 sig pid i left
  [ -n "$id" ] && [ -e "/run/netns/$ns" ] || return 0
  for sig in TERM KILL; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      if [ "$pid" != "$$" ] && [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$id" ]; then
        kill "-$sig" "$pid" 2>/dev/null || true
      fi
    done
    for i in $(seq 1 60); do
      left=$(ip netns pids "$ns" 2>/dev/null || true); [ -n "$left" ] || return 0; sleep 0.05
    done
  done
}
e2e_down() {
  [ "$E2E_DOWN_DONE" = 0 ] || return 0
  E2E_DOWN_DONE=1
  e2e_probe_stop
  # ending the world's init ends the whole world PID namespace (nginx, leftover agent runs)
  if [ -n "$E2E_INIT" ] && [ "$(readlink "/proc/$E2E_INIT/ns/net" 2>/dev/null)" = "$E2E_SRV_NETNS" ] &&
     [ "$(_e2e_starttime "$E2E_INIT")" = "$E2E_INIT_START" ]; then
    kill -TERM "$E2E_INIT" 2>/dev/null || true
  fi
  _e2e_kill_ns "$E2E_SRV" "$E2E_SRV_NETNS"
  _e2e_kill_ns "$E2E_CA" "$E2E_CA_NETNS"
  _e2e_kill_ns "$E2E_OTHER" "$E2E_OTHER_NETNS"
  wait 2>/dev/null    # reap our background jobs (the init's unshare parent)
  [ -z "$E2E_SRV_NETNS" ] || ip netns del "$E2E_SRV" 2>/dev/null || true
  [ -z "$E2E_CA_NETNS" ]  || ip netns del "$E2E_CA" 2>/dev/null || true
  [ -z "$E2E_OTHER_NETNS" ] || ip netns del "$E2E_OTHER" 2>/dev/null || true
  E2E_INIT=""
  if [ -n "$E2E_DIR" ] && [ -d "$E2E_DIR" ]; then
    rm -f "$E2E_DIR/owner"   # torn down: nothing left to reap
    if grep -qF " $E2E_DIR" /proc/self/mounts; then
      e2e_log "not removing $E2E_DIR: something is mounted under it"
    elif [ "${E2E_KEEP:-0}" = 1 ]; then
      e2e_log "kept $E2E_DIR (E2E_KEEP=1)"
    else
      rm -rf --one-file-system "$E2E_DIR" || e2e_log "could not remove $E2E_DIR"
    fi
  fi
  return 0
}
# e2e_leak_check: returns non-zero (and counts a failure) if anything of ours is left behind
e2e_leak_check() {
  local bad=0 ns now pid
  for ns in "$E2E_SRV" "$E2E_CA" "$E2E_OTHER" "$E2E_SRV_OTHER"; do
    if [ -e "/run/netns/$ns" ]; then e2e_log "LEAK: netns $ns still exists"; bad=1; fi
    if ip link show "$ns" >/dev/null 2>&1; then e2e_log "LEAK: link $ns in the root netns"; bad=1; fi
  done
  if grep -qE "^dcv(etc|var|run)$E2E_ID " /proc/self/mounts; then e2e_log "LEAK: world mounts visible"; bad=1; fi
  # one stat for every process: "'/proc/PID/ns/net' -> 'net:[inode]'". A process that was
  # killed a moment ago may still be exiting: give stragglers up to 3 s before calling it a leak.
  local pids i
  for i in $(seq 1 30); do
    pids=$(stat -c '%N' /proc/[0-9]*/ns/net 2>/dev/null |
           grep -F -e "'$E2E_SRV_NETNS'" -e "'$E2E_CA_NETNS'" -e "'${E2E_OTHER_NETNS:-none}'" | sed -n "s|^'/proc/\([0-9]*\)/.*|\1|p")
    [ -z "$pids" ] && break
    sleep 0.1
  done
  for pid in $pids; do
    e2e_log "LEAK: pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) still in our netns"; bad=1
  done
  now=$(nft list ruleset 2>&1)
  if [ "$now" != "${E2E_ROOT_RULESET-}" ]; then
    e2e_log "LEAK: the root netns nftables ruleset changed:"
    diff <(echo "${E2E_ROOT_RULESET-}") <(echo "$now") | head -30 >&2 || true; bad=1
  elif [ -z "$now" ]; then
    e2e_log "root netns: nft ruleset empty (after)"
  fi
  if [ "$(_e2e_real_manifest)" != "${E2E_ROOT_MANIFEST-}" ]; then
    e2e_log "LEAK: real /etc/nginx, /etc/nftables.conf, /etc/hosts, /var/lib/dcv-agent or /var/www/dcv-agent changed:"
    diff <(echo "${E2E_ROOT_MANIFEST-}") <(_e2e_real_manifest) | head -30 >&2 || true; bad=1
  fi
  if [ $bad = 0 ]; then e2e_pass "no leaks (netns, links, mounts, processes, root ruleset, real /etc and /var files)"; return 0; fi
  e2e_fail "leak check"; return 1
}

# e2e_install_traps: tear down on any exit (incl. INT/TERM); leaks turn the exit status into 1
_e2e_on_exit() {
  local rc=$?
  trap - EXIT
  if [ "$E2E_DOWN_DONE" = 0 ]; then
    e2e_down
    e2e_leak_check || rc=1
  fi
  exit "$rc"
}
e2e_install_traps() {
  trap _e2e_on_exit EXIT
  trap 'e2e_log "interrupted"; exit 130' INT
  trap 'e2e_log "terminated"; exit 143' TERM
}

# e2e_finish NAME: tear down, check for leaks, print timings and the verdict, exit 0/1
e2e_finish() {
  local name=$1 t0; t0=$(e2e_ms)
  e2e_down
  E2E_TIMES+=("$(printf '%-34s %7d ms' teardown $(( $(e2e_ms) - t0 )))")
  e2e_leak_check
  trap - EXIT
  e2e_timings
  if [ "$E2E_FAILS" = 0 ]; then e2e_log "$name: PASS ($E2E_PASSES checks)"; exit 0; fi
  e2e_log "$name: FAIL ($E2E_FAILS of $((E2E_PASSES + E2E_FAILS)) checks failed)"; exit 1
}
