#!/usr/bin/env bash
# fault_injection_test.sh - issue 8: the agent killed (SIGKILL) at every step of its fix plan,
# and failing half-way, must leave the host as it was.
#
#   For each scenario (nftables: stock nginx whose :80 redirects + nft drops tcp/80; iptables:
#   iptables-nft drops 80/443; ufw: ufw enabled, deny incoming; firewalld: stock zone public),
#   each in its own bed, as the scenario's own e2e test sets it up:
#   - snapshot: every file (type, mode, owner, sha256) under the world's /etc/nginx, /var/www and
#     the backend's files, `nft -s list ruleset`, every iptables stack's save output (counters
#     zeroed), the backend's own view, what nginx answers over loopback and what the CA gets;
#   - the plan's length from `fix --dry-run --json`; then for every step N and every kill point
#     (DCV_AGENT_FAULT=kill-before-journal|kill-before|kill-after:N, kill-after-done on the last
#     step; see agent/core/fault_point.h): `fix` dies by SIGKILL (exit 137) with exactly the
#     journal records the point implies and no commit; `check` still answers and changes
#     nothing; `rollback --recover` restores the snapshot byte for byte;
#   - the last kill is recovered by a plain `fix` instead (it rolls the killed run back first,
#     then succeeds: the state is not wedged), undone with `rollback --last`;
#   - failures, each must end with exit 3, the run rolled back and the snapshot unchanged:
#     nftables bed: disk full (the state directory on a 64 KiB tmpfs with 0, 1, 2... pages free
#     until the fix fits), read-only /etc, `nginx -t` failing once the edit is in, `nginx -s
#     reload` failing likewise, `nft insert rule` changing the ruleset and then failing;
#     iptables: `ip6tables-nft -I` likewise; ufw: `ufw allow 443/tcp` likewise (the second
#     call); firewalld: `firewall-cmd --permanent --add-service` likewise. The failing
#     programs are wrappers bind-mounted over the real ones in the world's mount namespace.
# The parent run prints "fault points: K, all restored".
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1,
# FI_CASES="nftables iptables ufw firewalld" (a subset runs only those).
set -uo pipefail
if [ -z "${FI_CASE:-}" ]; then
  rc=0 t0=$(date +%s)
  FI_COUNT_FILE=$(mktemp /tmp/dcv-fi-count.XXXXXX); export FI_COUNT_FILE
  for c in ${FI_CASES:-nftables iptables ufw firewalld}; do
    FI_CASE=$c E2E_ID= bash "${BASH_SOURCE[0]}" || rc=1
  done
  read -r k ok < <(awk '{k += $1; ok += $2} END {print k + 0, ok + 0}' "$FI_COUNT_FILE"); rm -f "$FI_COUNT_FILE"
  if [ $rc = 0 ] && [ "$k" = "$ok" ]; then echo "fault points: $k, all restored ($(( $(date +%s) - t0 )) s)"
  else echo "fault points: $k, restored: $ok; FAILED (see above) ($(( $(date +%s) - t0 )) s)"; fi
  exit $rc
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_fw.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_iptables.sh"

e2e_require_root
e2e_require_tools iptables-nft-save ip6tables-nft-save
e2e_require_agent
e2e_root_state_save
e2e_install_traps

e2e_file_target  # D, TOKEN, CONTENT, VPATH, TARGET (lib.sh)
FI_POINTS=0 FI_RESTORED=0

# ------------------------------------------------------------------ bed, as each e2e test has it
e2e_step "[$FI_CASE] bed"
e2e_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
e2e_nginx_up
FW_SNAP_PATHS="/etc/nginx /var/www"
FW_STATE=(true)
case $FI_CASE in
  nftables)  e2e_nft_block; FW_SNAP_PATHS+=" /etc/nftables.conf" ;;
  iptables)  ipt_serve_file "$TOKEN" "$E2E_DIR/content"; ipt_block nft; FW_SNAP_PATHS+=" /etc/iptables" ;;
  ufw)       fw_site_serving "$TOKEN" "$E2E_DIR/content"
             e2e_srv ufw --force enable >/dev/null || e2e_die "ufw --force enable"
             # ufw fills its ufw6-user-limit{,-accept} chains on the first rule change after
             # `enable`, not on `enable` itself: one change (added, deleted) before the snapshot,
             # so that only what the agent does shows in the ruleset
             e2e_srv /bin/sh -c 'ufw allow 9/tcp && ufw delete allow 9/tcp' >/dev/null || e2e_die "ufw rule change"
             FW_SNAP_PATHS+=" /etc/ufw /etc/default/ufw"; FW_STATE=(ufw status verbose) ;;
  firewalld) fw_site_serving "$TOKEN" "$E2E_DIR/content"; fw_firewalld_up
             FW_SNAP_PATHS+=" /etc/firewalld"
             FW_STATE=(/bin/sh -c 'firewall-cmd --list-all-zones; firewall-cmd --permanent --list-all-zones') ;;
  *) e2e_die "unknown FI_CASE $FI_CASE" ;;
esac
e2e_phase "bed up"

# fi_snapshot NAME: the whole observable state (see the top) into $E2E_DIR/snap/NAME.*
fi_snapshot() {
  local name=$1
  fw_snapshot "$name" "${FW_STATE[@]}"
  e2e_srv /bin/sh -c '
    find "$@" -printf "%u:%g " 2>/dev/null | md5sum
    echo "== nft -s list ruleset"; nft -s list ruleset
    for c in iptables-nft-save ip6tables-nft-save iptables-legacy-save ip6tables-legacy-save; do
      echo "== $c"; $c 2>/dev/null | grep -v "^#" | sed "/^:/s/\[[0-9]*:[0-9]*\]\$/[0:0]/"
    done' e2e $FW_SNAP_PATHS >"$E2E_DIR/snap/$name.fwrules" 2>&1 || e2e_die "snapshot $name (rules)"
  e2e_local_matrix "$E2E_DIR/snap/$name.matrix"
  e2e_fetch "http://$D$VPATH" 4
  echo "outside IPv4 http: code $E2E_CODE curl rc $E2E_CURLRC" >>"$E2E_DIR/snap/$name.matrix"
}
# fi_same A B DESC: every part of the two snapshots identical
fi_same() {
  local a=$1 b=$2 desc=$3 p ok=1
  for p in fwfiles fwstate fwrules matrix; do
    if ! diff -u "$E2E_DIR/snap/$a.$p" "$E2E_DIR/snap/$b.$p" >"$E2E_DIR/snap/diff.$a.$b.$p"; then
      ok=0; e2e_log "$p differ ($a -> $b):"; sed 's/^/    /' "$E2E_DIR/snap/diff.$a.$b.$p" | head -40 >&2
    fi
  done
  if [ $ok = 1 ]; then e2e_pass "$desc"; else e2e_fail "$desc"; fi
  [ $ok = 1 ]
}
# fi_unfinished: "STEPS DONE" (record counts) of every run in the world's journal without a
# commit or rolled_back record, one line each
fi_unfinished() {
  e2e_srv /bin/sh -c 'for j in /var/lib/dcv-agent/runs/*/journal.jsonl; do
    [ -e "$j" ] || continue
    grep -qE "\"type\":\"(commit|rolled_back)\"" "$j" && continue
    echo "$(grep -c "\"type\":\"step\"" "$j") $(grep -c "\"type\":\"done\"" "$j")"
  done'
}
# fi_agent NAME FAULT ARGS...: e2e_agent with DCV_AGENT_FAULT=FAULT (empty: unset)
fi_agent() {
  local name=$1 fault=$2; shift 2
  if [ -n "$fault" ]; then export DCV_AGENT_FAULT=$fault; fi
  e2e_agent "$name" "$@"
  unset DCV_AGENT_FAULT
}
settle() { sleep 0.3; }   # nginx -s reload returns before the workers have the new configuration

fi_snapshot start
e2e_agent dry fix "${TARGET[@]}" --dry-run --json
STEPS=$(e2e_jq "$E2E_OUT" 'len(d["plan"])' 2>/dev/null)
e2e_log "plan: $(e2e_jq "$E2E_OUT" '[s["id"] for s in d["plan"]]' 2>&1)"
[[ "$STEPS" =~ ^[1-9][0-9]*$ ]] || e2e_die "no plan steps from fix --dry-run --json (got '$STEPS')"
e2e_phase "snapshot + dry run ($STEPS steps)"

# ------------------------------------------------------------------ the SIGKILL matrix
# fi_kill POINT N: one fault point, recovered by `rollback --recover`
fi_kill() {
  local point=$1 n=$2 tag="$1-$2" want
  e2e_step "[$FI_CASE] DCV_AGENT_FAULT=$point:$n (of $STEPS)"
  fi_agent "fix-$tag" "$point:$n" fix "${TARGET[@]}"
  e2e_expect_rc 137 "fix killed at $point:$n dies by SIGKILL"
  case $point in
    kill-before-journal) want="$((n - 1)) $((n - 1))" ;;
    kill-before|kill-after) want="$n $((n - 1))" ;;
    kill-after-done) want="$n $n" ;;
  esac
  local got; got=$(fi_unfinished)
  if [ "$got" = "$want" ]; then e2e_pass "$tag: one unfinished run, journaled steps/done = $want"
  else e2e_fail "$tag: unfinished runs (steps done) want '$want', got '${got//$'\n'/; }'"; fi
  fi_snapshot "killed-$tag"
  e2e_agent "check-$tag" check "${TARGET[@]}" --json
  if [ "$E2E_RC" = 0 ] || [ "$E2E_RC" = 1 ]; then e2e_pass "$tag: check still answers (exit $E2E_RC)"
  else e2e_fail "$tag: check exit $E2E_RC"; e2e_show_output; fi
  fw_snapshot "checked-$tag" "${FW_STATE[@]}"
  e2e_check "$tag: check changed nothing after the kill" \
    diff -u "$E2E_DIR/snap/killed-$tag.fwfiles" "$E2E_DIR/snap/checked-$tag.fwfiles"
  e2e_agent "recover-$tag" rollback --recover
  e2e_expect_rc 0 "$tag: rollback --recover"
  e2e_check "$tag: rollback --recover names the run it rolled back" grep -q '^rolled back run ' "$E2E_OUT"
  e2e_check "$tag: no unfinished run left" test -z "$(fi_unfinished)"
  settle
  fi_snapshot "recovered-$tag"
  FI_POINTS=$((FI_POINTS + 1))
  fi_same start "recovered-$tag" "$tag: host byte-identical to before the fix" && FI_RESTORED=$((FI_RESTORED + 1))
}

for n in $(seq 1 "$STEPS"); do
  for point in kill-before-journal kill-before kill-after; do fi_kill "$point" "$n"; done
done
e2e_phase "SIGKILL matrix (rollback --recover)"
e2e_agent recover-again rollback --recover
e2e_expect_rc 0 "rollback --recover with nothing interrupted"
e2e_check "rollback --recover with nothing interrupted says so" grep -q 'no interrupted run' "$E2E_OUT"

# The last point: killed after the last step's done record (no commit), recovered by `fix`.
e2e_step "[$FI_CASE] kill-after-done:$STEPS, then a plain fix recovers first and succeeds"
fi_agent "fix-kill-after-done" "kill-after-done:$STEPS" fix "${TARGET[@]}"
e2e_expect_rc 137 "fix killed at kill-after-done:$STEPS"
e2e_check "kill-after-done:$STEPS: one unfinished run, all $STEPS steps done" test "$(fi_unfinished)" = "$STEPS $STEPS"
e2e_agent fix-after-kill fix "${TARGET[@]}" --json
e2e_expect_rc 0 "fix after the kill (recovers, then fixes)"
e2e_check "fix after the kill says it rolled the interrupted run back first" grep -q 'was interrupted; rolling it back first' "$E2E_ERR"
e2e_check "fix after the kill: no unfinished run left" test -z "$(fi_unfinished)"
fw_expect_served "http://$D$VPATH" 4 "$E2E_DIR/content"
e2e_agent rollback-last rollback --last
e2e_expect_rc 0 "rollback --last after that fix"
settle
fi_snapshot after-fix-rollback
FI_POINTS=$((FI_POINTS + 1))
fi_same start after-fix-rollback "kill-after-done:$STEPS + fix + rollback --last: host byte-identical to the start" &&
  FI_RESTORED=$((FI_RESTORED + 1))
e2e_phase "kill-after-done + fix + rollback --last"
echo "$FI_POINTS $FI_RESTORED" >>"${FI_COUNT_FILE:-/dev/null}"
e2e_log "[$FI_CASE] fault points: $FI_POINTS, restored: $FI_RESTORED"

# ------------------------------------------------------------------ failures: exit 3, host as it was
# fi_expect_rolled_back NAME DESC: the last agent run exited 3 and left the host as at the start
fi_expect_rolled_back() {
  e2e_expect_rc 3 "$2: fix exits 3 (rolled back)"
  e2e_log "  agent: $(grep -h -m1 -o 'step [^ ]* failed: .*' "$E2E_OUT" "$E2E_ERR" | head -1 | cut -c1-300)"
  if [ -z "$(fi_unfinished)" ]; then e2e_pass "$2: no unfinished run left (the rollback completed)"
  else e2e_fail "$2: the run is left unfinished (rollback incomplete)"; e2e_show_output; fi
  settle
  fi_snapshot "$1"
  fi_same start "$1" "$2: host byte-identical to before the fix"
}
# fi_wrap BIN SCRIPT: bind-mount, in the world only, a bash wrapper over BIN (a real file, not a
# symlink); SCRIPT runs with $REAL (a copy of the real BIN), $CALL (" NAME ARGS ", NAME the
# name it was called by) and the arguments; fi_unwrap BIN removes it. `exec -a "$0"` keeps the
# name multi-call binaries (xtables-nft-multi) dispatch on.
fi_wrap() {
  local bin=$1 name; name=$(basename "$1")
  mkdir -p "$E2E_DIR/wrap"
  printf '#!/bin/bash\nREAL=%s\nCALL=" ${0##*/} $* "\n%s\n' "$E2E_DIR/wrap/real-$name" "$2" >"$E2E_DIR/wrap/$name"
  chmod 755 "$E2E_DIR/wrap/$name"
  e2e_srv /bin/sh -ec 'cp -p "$1" "$2"; mount --bind "$3" "$1"' e2e "$bin" "$E2E_DIR/wrap/real-$name" \
    "$E2E_DIR/wrap/$name" || e2e_die "wrapping $bin"
}
fi_unwrap() { e2e_srv umount "$1" || e2e_die "unwrapping $1"; }

# disk full: a 64 KiB tmpfs over the state directory, filled up to FREE free pages, for FREE =
# 0, 1, ... until the fix has room enough to succeed (then undone with rollback --last)
fi_fail_disk_full() {
  local free rc
  for free in $(seq 0 15); do
    e2e_step "[$FI_CASE] disk full: the state directory on a full 64 KiB tmpfs, $free page(s) free"
    e2e_srv /bin/sh -ec '
      S=/var/lib/dcv-agent; mkdir -p $S; mount -t tmpfs -o size=64k,mode=700 "dcvfull$2" $S
      i=0; while dd if=/dev/zero of=$S/fill.$i bs=4096 count=1 status=none 2>/dev/null; do i=$((i + 1)); done
      rm -f $S/fill.$i; j=0; while [ $j -lt $1 ]; do rm -f $S/fill.$j; j=$((j + 1)); done' e2e "$free" "$E2E_ID" ||
      e2e_die "tmpfs over the state directory"
    e2e_agent "fix-full-$free" fix "${TARGET[@]}"; rc=$E2E_RC
    if [ "$rc" = 0 ]; then
      e2e_pass "disk full: with $free free page(s) the fix succeeds; undoing it"
      e2e_srv mount -o remount,size=1m /var/lib/dcv-agent
      e2e_agent "rollback-full-$free" rollback --last
      e2e_expect_rc 0 "disk full: rollback --last once there is room"
    else
      e2e_log "  agent: $(grep -h -m1 'No space left on device' "$E2E_OUT" "$E2E_ERR" | head -1 | cut -c1-300)"
      grep -q 'No space left on device' "$E2E_ERR" "$E2E_OUT" &&
        e2e_pass "disk full ($free free): the error says why (No space left on device)" ||
        e2e_fail "disk full ($free free): no 'No space left on device' in the output"
    fi
    settle
    fi_snapshot "full-$free"
    e2e_srv umount /var/lib/dcv-agent || e2e_die "umount the tmpfs"
    if [ "$rc" = 0 ]; then fi_same start "full-$free" "disk full: fix + rollback with room"; break; fi
    e2e_expect_rc 3 "disk full ($free free): fix exits 3"
    fi_same start "full-$free" "disk full ($free free): host byte-identical to before the fix"
  done
}
fi_fail_readonly_etc() {
  e2e_step "[$FI_CASE] read-only /etc (the world's mount only)"
  e2e_srv mount -o remount,bind,ro /etc || e2e_die "remount /etc ro"
  e2e_agent fix-ro-etc fix "${TARGET[@]}"
  e2e_srv mount -o remount,bind,rw /etc || e2e_die "remount /etc rw"
  fi_expect_rolled_back ro-etc "read-only /etc"
}
# nginx whose configuration test (or reload) fails once the agent's edit is in the site
fi_fail_nginx() {
  local what=$1 match=$2
  e2e_step "[$FI_CASE] nginx $what fails after the edit"
  fi_wrap /usr/sbin/nginx "case \"\$CALL\" in *\"$match\"*)
  if grep -qs pki-validation /etc/nginx/sites-available/$D; then
    echo 'nginx: [emerg] injected by fault_injection_test: $what fails after the edit' >&2; exit 1; fi;; esac
exec -a \"\$0\" \"\$REAL\" \"\$@\""
  e2e_agent "fix-nginx-$what" fix "${TARGET[@]}"
  fi_unwrap /usr/sbin/nginx
  e2e_check "nginx $what: the error names the injected failure" grep -q 'injected by fault_injection_test' "$E2E_ERR" "$E2E_OUT"
  fi_expect_rolled_back "nginx-$what" "nginx $what fails"
}
# a firewall command that makes its change and then fails (exit 1), for the call whose
# arguments match PATTERN (a `case` pattern)
fi_fail_halfway() {
  local bin=$1 pattern=$2 name; name=$(basename "$1")
  e2e_step "[$FI_CASE] $name fails half-way (changes, then exits 1) on: $pattern"
  fi_wrap "$bin" "case \"\$CALL\" in $pattern) (exec -a \"\$0\" \"\$REAL\" \"\$@\"); echo '$name: injected by fault_injection_test: failed half-way' >&2; exit 1;; esac
exec -a \"\$0\" \"\$REAL\" \"\$@\""
  e2e_agent "fix-halfway-$name" fix "${TARGET[@]}"
  fi_unwrap "$bin"
  fi_expect_rolled_back "halfway-$name" "$name fails half-way"
}
fi_failure_cases() {
  case $FI_CASE in
    nftables)  fi_fail_disk_full; fi_fail_readonly_etc
               fi_fail_nginx config-test " -t "; fi_fail_nginx reload " -s reload "
               fi_fail_halfway /usr/sbin/nft '*" insert rule "*|*" add rule "*' ;;
    iptables)  fi_fail_halfway "$(e2e_srv readlink -f /usr/sbin/ip6tables-nft)" '*" ip6tables-nft -I INPUT "*' ;;
    ufw)       fi_fail_halfway /usr/sbin/ufw '*" allow 443/tcp "*' ;;
    firewalld) fi_fail_halfway /usr/bin/firewall-cmd '*" --permanent "*"--add-service"*' ;;
  esac
  e2e_phase "failure cases"
}
[ "${FI_SKIP_FAILURES:-0}" = 1 ] || fi_failure_cases

e2e_finish "fault_injection_test[$FI_CASE]"
