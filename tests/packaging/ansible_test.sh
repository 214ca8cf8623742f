#!/usr/bin/env bash
# ansible_test.sh - the Ansible module (packaging/ansible/dcv_agent.py) with Debian's
# ansible-core, local connection, run inside a test world (tests/e2e/lib.sh): stock nginx
# whose :80 block redirects to https and an nftables ruleset dropping tcp/80.
#   1. --check --diff: the task reports changed with the plan's diffs, fails nothing, and the
#      world is unchanged (nginx files, ruleset, every write under /etc and /var);
#   2. a real run: changed, verdict ready, and the CA's fetch from outside now gets the file;
#   3. the same task again: ok (not changed, not failed) - idempotent;
#   4. bad input (a domain with a space): the task fails with the agent's message;
# and first, ansible-doc parses the module's documentation and the example playbook's syntax
# is valid.
# Ansible's own files (HOME, temp dirs) live in the bed's directory, never in /root.
# Needs root; fails (does not skip) without it.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

e2e_require_root
e2e_require_tools ansible-playbook
e2e_require_agent
e2e_python get /dev/stdin 'True' <<<'{}' >/dev/null || e2e_die "python3 helper broken"
e2e_root_state_save
e2e_install_traps

D=$E2E_DOMAIN
TOKEN=dcv-ansible-$E2E_ID.txt
CONTENT="ansible-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
VPATH=/.well-known/pki-validation/$TOKEN

e2e_step "bed: world with stock nginx (:80 redirects) and nft dropping tcp/80"
e2e_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
e2e_nginx_up
e2e_nft_block
mkdir -p "$E2E_DIR/ansible/home" "$E2E_DIR/ansible/tmp"
printf "[defaults]\n" >"$E2E_DIR/ansible/ansible.cfg"   # no /etc/ansible or ~/.ansible.cfg
cat >"$E2E_DIR/ansible/site.yml" <<EOF
- hosts: localhost
  gather_facts: false
  tasks:
    - name: pass domain-control validation
      dcv_agent:
        executable: "{{ agent }}"
        domains: "{{ domains }}"
        token: $TOKEN
        content: $CONTENT
      register: dcv
EOF
e2e_phase "bed up"

e2e_step "0. ansible-doc reads the module's documentation (DOCUMENTATION, RETURN parse)"
doc=$(HOME="$E2E_DIR/ansible/home" ANSIBLE_LOCAL_TEMP="$E2E_DIR/ansible/tmp" ANSIBLE_CONFIG="$E2E_DIR/ansible/ansible.cfg" \
      ANSIBLE_LIBRARY="$DCV_SOURCE_DIR/packaging/ansible" ansible-doc dcv_agent 2>&1)
e2e_check "ansible-doc dcv_agent documents every option without warnings" \
  bash -c '! grep -qiE "warning|error" <<<"$1" && grep -q "^= domains" <<<"$1" && grep -q "^- state" <<<"$1"' _ "$doc"
e2e_check "the example playbook passes ansible-playbook --syntax-check" \
  env HOME="$E2E_DIR/ansible/home" ANSIBLE_LOCAL_TEMP="$E2E_DIR/ansible/tmp" ANSIBLE_CONFIG="$E2E_DIR/ansible/ansible.cfg" \
  ANSIBLE_LIBRARY="$DCV_SOURCE_DIR/packaging/ansible" \
  ansible-playbook --syntax-check -i localhost, "$DCV_SOURCE_DIR/packaging/ansible/playbook.yml"

# play NAME EXTRA-ARGS...: ansible-playbook in the world; its output -> $E2E_DIR/NAME.out, the
# task's result as JSON (ansible's `tree` callback) -> $E2E_DIR/NAME.json
play() {
  local name=$1; shift
  e2e_srv env -C "$E2E_DIR/ansible" HOME="$E2E_DIR/ansible/home" \
    ANSIBLE_LOCAL_TEMP="$E2E_DIR/ansible/tmp" ANSIBLE_REMOTE_TMP="$E2E_DIR/ansible/tmp" \
    ANSIBLE_LIBRARY="$DCV_SOURCE_DIR/packaging/ansible" ANSIBLE_CALLBACKS_ENABLED=tree \
    ANSIBLE_CALLBACK_TREE_DIR="$E2E_DIR/tree-$name" \
    ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_CONFIG="$E2E_DIR/ansible/ansible.cfg" \
    ansible-playbook -i localhost, -c local -e ansible_python_interpreter=/usr/bin/python3 \
    -e "agent=$DCV_AGENT" -e "{\"domains\": [\"${DOMAIN_ARG:-$D}\"]}" "$@" site.yml \
    >"$E2E_DIR/$name.out" 2>&1
  PLAY_RC=$?
  cp "$E2E_DIR/tree-$name/localhost" "$E2E_DIR/$name.json" 2>/dev/null || : >"$E2E_DIR/$name.json"
  e2e_log "ansible-playbook $name $* -> exit $PLAY_RC"
}
# task DESC FILE EXPR: EXPR over the task result `r` must be True
task() {
  local desc=$1 file=$2 expr=$3 got
  got=$(e2e_jq "$file" "(lambda r: $expr)(d)" 2>&1)
  if [ "$got" = True ] || [ "$got" = true ]; then e2e_pass "$desc"
  else e2e_fail "$desc (got: ${got:0:300})"; tail -c 3000 "${file%.json}.out" >&2; fi
}

e2e_step "1. check mode with diff: a preview, nothing changes"
e2e_snapshot start
play check --check --diff
e2e_check "check mode: ansible-playbook exit 0" test "$PLAY_RC" = 0
task "check mode: changed (a run would change something), not failed" "$E2E_DIR/check.json" \
  'r["changed"] is True and not r.get("failed", False)'
task "check mode: the agent ran with --dry-run" "$E2E_DIR/check.json" '"--dry-run" in r["cmd"] and r.get("dry_run") is True'
# Ansible shows the module's diff (and drops it from the saved result): read it on screen
e2e_check "check mode: --diff shows the plan's nginx diff" \
  grep -qE '^\+[[:space:]]*location = /\.well-known/pki-validation/'"$TOKEN" "$E2E_DIR/check.out"
e2e_check "check mode: --diff shows the nftables.conf diff" grep -qE '^\+.*tcp dport 80 accept' "$E2E_DIR/check.out"
task "check mode: findings name REDIRECT_ON_PATH and PORT_CLOSED_FIREWALL" "$E2E_DIR/check.json" \
  '{"REDIRECT_ON_PATH", "PORT_CLOSED_FIREWALL"} <= {f["code"] for f in r["findings"]}'
e2e_snapshot after-check
e2e_snapshot_same start after-check "files ruleset upperetc" "check mode changed nothing (nginx files, ruleset, writes under /etc)"
e2e_expect_blocked "http://$D$VPATH" 4
e2e_phase "check mode"

e2e_step "2. the real run: changed"
play run1
e2e_check "run 1: ansible-playbook exit 0" test "$PLAY_RC" = 0
task "run 1: changed, not failed, verdict ready" "$E2E_DIR/run1.json" \
  'r["changed"] is True and not r.get("failed", False) and r["verdict"] == "ready"'
task "run 1: the agent ran fix --json without --dry-run" "$E2E_DIR/run1.json" \
  'r["cmd"][1] == "fix" and "--json" in r["cmd"] and "--dry-run" not in r["cmd"]'
task "run 1: returns run_id, plan and checks" "$E2E_DIR/run1.json" 'r["run_id"] and len(r["plan"]) > 0 and "checks" in r'
for fam in 4 6; do e2e_expect_served "http://$D$VPATH" "$fam" "$E2E_DIR/content"; done
e2e_phase "run 1"

e2e_step "3. the same task again: ok (idempotent)"
e2e_snapshot after-run1
play run2
e2e_check "run 2: ansible-playbook exit 0" test "$PLAY_RC" = 0
task "run 2: not changed, not failed, verdict ready" "$E2E_DIR/run2.json" \
  'r["changed"] is False and not r.get("failed", False) and r["verdict"] == "ready"'
e2e_check "run 2: play recap says ok=1 changed=0 failed=0" grep -qE 'localhost +: ok=1 +changed=0 .*failed=0' "$E2E_DIR/run2.out"
e2e_snapshot after-run2
e2e_snapshot_same after-run1 after-run2 "files ruleset" "run 2 changed no nginx file and no rule"
e2e_expect_served "http://$D$VPATH" 4 "$E2E_DIR/content"
e2e_phase "run 2"

e2e_step "4. bad input: the task fails with the agent's message"
DOMAIN_ARG='bad domain' play bad
e2e_check "bad input: ansible-playbook exits non-zero ($PLAY_RC)" test "$PLAY_RC" != 0
task "bad input: rc 2, message names --domain" "$E2E_DIR/bad.json" 'r["rc"] == 2 and "--domain" in r["msg"]'
e2e_check "bad input: the task failed (fatal ... FAILED! in the output)" grep -q 'fatal: \[localhost\]: FAILED!' "$E2E_DIR/bad.out"
e2e_phase "bad input"

e2e_finish ansible_test
