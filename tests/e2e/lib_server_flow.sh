# shellcheck shell=bash
# tests/e2e/lib_server_flow.sh - the whole life of one fix on a web server that is not nginx
# or Apache (Caddy, lighttpd), shared by caddy_test.sh and lighttpd_test.sh, which start the
# server in a world and set what differs:
#   SERVER         name (in messages)          SERVER_DIR   its configuration directory
#   START_HTTP     status of http://VPATH at the start (a redirect to https://VPATH)
#   START_HTTPS    status of https://VPATH at the start;  START_BODY  its body, if checked
#   CHECK_FINDING  a finding `check` must report;  EDIT_MARK  a line the plan's diff adds
# Flow: baseline from outside -> check (finding, prediction citing SERVER_DIR/file:line) ->
# fix --dry-run (diff, reload step, nothing refused, nothing changed) -> fix (200 + exact
# content from outside on http/https x IPv4/IPv6; every other URL as before) -> rollback
# --last (configuration byte-identical, answers as at the start) -> fix again + cleanup
# (byte-identical again, the file gone). Needs lib.sh sourced and the bed up.

jexpect() {
  local desc=$1 file=$2 expr=$3 got
  got=$(e2e_jq "$file" "$expr" 2>&1)
  if [ "$got" = True ] || [ "$got" = true ]; then e2e_pass "$desc"
  else e2e_fail "$desc (got: ${got:0:300})"; fi
}
# the real configuration directory must never change (the world writes to its overlay only)
real_server_manifest() { find "$SERVER_DIR" -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0r md5sum; }
server_snapshot() { # every file under the world's SERVER_DIR, and the files of the agent's webroot
  e2e_srv /bin/sh -c '{ find "$1" -printf "%y %m %p -> %l\n"; find /var/www/dcv-agent -type f 2>/dev/null; } | LC_ALL=C sort
    find "$1" -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum' e2e "$SERVER_DIR" >"$E2E_DIR/snap/$1.server"
}
server_same() { # server_same A B DESC
  if diff -u "$E2E_DIR/snap/$1.server" "$E2E_DIR/snap/$2.server" >"$E2E_DIR/snap/diff.$1.$2"; then e2e_pass "$3"
  else e2e_fail "$3"; head -40 "$E2E_DIR/snap/diff.$1.$2" >&2; fi
}
await_status() { # await_status URL CODE: a reload is asynchronous
  local i
  for i in $(seq 1 50); do e2e_fetch "$1" 4; [ "$E2E_CODE" = "$2" ] && return 0; sleep 0.1; done
  return 1
}
expect_start_answers() { # the validation path answers as at the start
  e2e_expect_status "http://$D$VPATH" 4 "$START_HTTP" "https://$D$VPATH"
  e2e_fetch "https://$D$VPATH" 6
  if [ "$E2E_CODE" = "$START_HTTPS" ] && { [ -z "${START_BODY:-}" ] || [ "$(cat "$E2E_DIR/fetch.body")" = "$START_BODY" ]; }; then
    e2e_pass "$1: https://$D$VPATH answers $START_HTTPS${START_BODY:+ '$START_BODY'} as at the start"
  else e2e_fail "$1: https://$D$VPATH got $E2E_CODE '$(head -c 80 "$E2E_DIR/fetch.body")'"; fi
}

server_flow_run() {
  e2e_step "baseline, as the CA sees it (curl from the outside namespace)"
  expect_start_answers baseline
  server_snapshot start
  e2e_local_matrix "$E2E_DIR/matrix.start"
  e2e_phase "baseline + snapshot"

  e2e_step "check: diagnose (read-only)"
  e2e_agent check-json check "${TARGET[@]}" --json
  e2e_expect_rc 1 "check (not ready)"
  e2e_json_valid "$E2E_OUT" "check --json"
  cp "$E2E_OUT" "$E2E_DIR/check.json"
  jexpect "check: finding $CHECK_FINDING" "$E2E_DIR/check.json" "\"$CHECK_FINDING\" in codes(d)"
  jexpect "check: $SERVER predicts $START_HTTP on http:// and $START_HTTPS on https://" "$E2E_DIR/check.json" \
    "any(p['status'] == $START_HTTP and p['url'].startswith('http://') for p in d['predictions']) and any(p['status'] == $START_HTTPS and p['url'].startswith('https://') for p in d['predictions'])"
  local src
  src=$(e2e_jq "$E2E_DIR/check.json" 'next(p["source"] for p in d["predictions"] if p["url"].startswith("http://"))' 2>/dev/null)
  if [[ "$src" =~ ^$SERVER_DIR/[^:]+:[0-9]+ ]]; then e2e_pass "the http:// prediction cites $src"
  else e2e_fail "the http:// prediction cites '$src', not a line under $SERVER_DIR"; fi
  e2e_phase "check"

  e2e_step "fix --dry-run: a plan, and nothing changes"
  e2e_agent dry-json fix "${TARGET[@]}" --dry-run --json
  e2e_json_valid "$E2E_OUT" "fix --dry-run --json"
  cp "$E2E_OUT" "$E2E_DIR/dry.json"
  jexpect "dry-run: the plan's diff adds '$EDIT_MARK' under $SERVER_DIR" "$E2E_DIR/dry.json" \
    "any(s['kind'] == 'edit' and '$SERVER_DIR/' in (s.get('diff') or '') and any(l.startswith('+') and '$EDIT_MARK' in l for l in s['diff'].splitlines()) for s in d['plan'])"
  jexpect "dry-run: the plan tests and reloads $SERVER" "$E2E_DIR/dry.json" 'any(s["kind"] == "reload" for s in d["plan"])'
  jexpect "dry-run: nothing refused" "$E2E_DIR/dry.json" 'not d.get("errors")'
  server_snapshot after-dry
  server_same start after-dry "fix --dry-run changed nothing under $SERVER_DIR"
  e2e_phase "fix --dry-run"

  e2e_step "fix"
  e2e_agent fix-json fix "${TARGET[@]}" --json
  e2e_expect_rc 0 "fix"
  cp "$E2E_OUT" "$E2E_DIR/fix.json"
  jexpect "fix: verdict ready" "$E2E_DIR/fix.json" 'd["verdict"] == "ready"'
  await_status "http://$D$VPATH" 200 || e2e_log "http:// did not turn 200 within 5 s"
  local fam
  for fam in 4 6; do
    e2e_expect_served "http://$D$VPATH" "$fam" "$E2E_DIR/content"
    e2e_expect_served "https://$D$VPATH" "$fam" "$E2E_DIR/content"
  done
  e2e_local_matrix "$E2E_DIR/matrix.fixed"
  e2e_check "URLs other than the validation path answer as before (status, Location, size; v4+v6)" \
    diff -u "$E2E_DIR/matrix.start" "$E2E_DIR/matrix.fixed"
  e2e_phase "fix + outside curl"

  e2e_step "rollback --last"
  e2e_agent rollback rollback --last
  e2e_expect_rc 0 "rollback --last"
  await_status "http://$D$VPATH" "$START_HTTP" || e2e_log "http:// did not turn back to $START_HTTP within 5 s"
  server_snapshot rolled
  server_same start rolled "after rollback $SERVER_DIR is byte-identical to the start"
  expect_start_answers "after rollback"
  e2e_phase "rollback"

  e2e_step "fix again, then cleanup (as an ACME client's cleanup hook would)"
  e2e_agent fix2 fix "${TARGET[@]}"
  e2e_expect_rc 0 "second fix"
  await_status "http://$D$VPATH" 200 || e2e_log "http:// did not turn 200 within 5 s"
  e2e_expect_served "https://$D$VPATH" 4 "$E2E_DIR/content"
  e2e_agent cleanup cleanup "${TARGET[@]}"
  e2e_expect_rc 0 "cleanup"
  await_status "http://$D$VPATH" "$START_HTTP" || e2e_log "http:// did not turn back to $START_HTTP within 5 s"
  server_snapshot cleaned
  server_same start cleaned "after cleanup $SERVER_DIR is byte-identical to the start and the file is gone"
  expect_start_answers "after cleanup"
  e2e_phase "fix + cleanup"
}
