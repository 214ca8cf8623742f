#!/usr/bin/env bash
# nginx_corpus_test.sh - issue 4 (nginx): `dcv-agent fix` against the REAL nginx of every
# corpus case (tests/fixtures/nginx/corpus, 24 real configurations), one after the other in
# one world.
#
#   per case: instantiate it under $E2E_DIR (placeholders filled as corpus/harness/instantiate.sh
#   does), start `nginx -p RUN/ -c RUN/nginx.conf` in the world (the agent finds the master's
#   -p/-c in /proc), fetch the 4 CA URLs and the 3 other URLs (/, /index.html, /some/app/path)
#   over IPv4 and IPv6 from the outside namespace, run `dcv-agent fix` for example.test +
#   www.example.test, fetch again: every CA URL nginx listens on must answer 200 with the exact
#   content, every other URL exactly as before (status and Location); `rollback --last` must
#   restore the case's files byte for byte. Then stop that nginx (its master, by pid) and go
#   on. Prints the fix rate. Apache is hidden in the world's mount namespace.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1,
# NGINX_CASES="01-debian-default ..." to run only some cases.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/corpus_lib.sh"

e2e_require_root
e2e_require_tools nginx
e2e_require_agent
e2e_root_state_save
e2e_install_traps

CORPUS=$DCV_SOURCE_DIR/tests/fixtures/nginx/corpus
CASES=${NGINX_CASES:-$(cd "$CORPUS" && ls -d [0-9][0-9]-*)}
CONTENT="corpus-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
TARGET=(--domain example.test --domain www.example.test --method file --token fileauth.txt --content "$CONTENT")
ORIGINS="http://example.test https://example.test http://www.example.test https://www.example.test"

# instantiate CASE RUN: copy and fill the placeholders (as corpus/harness/instantiate.sh);
# every root and alias directory the configuration names gets an index page
instantiate() {
  local src=$CORPUS/$1 run=$2
  mkdir -p "$run" && cp -a "$src"/. "$run"/ && mkdir -p "$run"/{www,logs}
  find "$run" -type f ! -name SOURCE.md -print0 | xargs -0 sed -i \
    -e "s#__ROOT__#$run/www#g" -e "s#__CERT__#$E2E_DIR/cert.pem#g" -e "s#__KEY__#$E2E_DIR/key.pem#g" \
    -e "s#__UPSTREAM_PORT2__#18081#g" -e "s#__UPSTREAM_PORT__#18080#g"
  grep -rhoE "(root|alias)[[:space:]]+\"?$run/www[^\";]*" "$run" 2>/dev/null |
    sed -E 's#^[a-z]+[[:space:]]+"?##' | sort -u | while read -r d; do mkdir -p "$d"; done
  find "$run/www" -type d -exec sh -c 'printf "index of %s\n" "$1" > "$1/index.html"' _ {} \; 2>/dev/null
  chmod -R a+rX "$run"
}

e2e_step "bed: one world for all cases"
e2e_up
e2e_hosts_add example.test
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout "$E2E_DIR/key.pem" \
  -out "$E2E_DIR/cert.pem" -subj "/CN=example.test" \
  -addext "subjectAltName=DNS:example.test,DNS:www.example.test" >/dev/null 2>&1 || e2e_die openssl
chmod 644 "$E2E_DIR/key.pem" "$E2E_DIR/cert.pem"
e2e_srv mount --bind /dev/null /usr/sbin/apache2 2>/dev/null || true   # Apache: not in use here
printf '%s' "$CONTENT" >"$E2E_DIR/content"

FIXED=0 TOTAL=0
for case in $CASES; do
  e2e_step "case $case"
  TOTAL=$((TOTAL + 1))
  RUN=$E2E_DIR/cases/$case
  instantiate "$case" "$RUN"
  corpus_files_sum "$RUN" >"$E2E_DIR/$case.files.start"
  if ! e2e_srv nginx -p "$RUN/" -c "$RUN/nginx.conf" 2>"$E2E_DIR/$case.start.err"; then
    e2e_fail "$case: nginx did not start: $(head -c 300 "$E2E_DIR/$case.start.err")"; continue
  fi
  sleep 0.3
  corpus_matrix "$E2E_DIR/$case.before"
  e2e_agent "$case-fix" fix "${TARGET[@]}"
  ok=1
  [ "$E2E_RC" = 0 ] || { ok=0; e2e_fail "$case: fix exit $E2E_RC"; e2e_show_output; }
  corpus_matrix "$E2E_DIR/$case.after"
  corpus_judge "$case" "$RUN"
  [ "$CORPUS_OK" = 1 ] || ok=0
  if [ $ok = 1 ]; then FIXED=$((FIXED + 1)); e2e_pass "$case: fixed, other URLs unchanged, rolled back"; fi
  e2e_srv nginx -p "$RUN/" -c "$RUN/nginx.conf" -s stop 2>/dev/null || e2e_log "$case: nginx -s stop failed"
  for _ in $(seq 1 50); do e2e_srv test -e "$RUN/logs/nginx.pid" || break; sleep 0.1; done
  sleep 0.3
done
e2e_log "nginx corpus on the real server: fixed $FIXED/$TOTAL cases"
e2e_finish nginx_corpus_test
