# shellcheck shell=bash
# tests/e2e/corpus_lib.sh - what the corpus runners (apache_corpus_test.sh,
# nginx_corpus_test.sh) share: the URL matrix fetched from outside, the case's file sums,
# and the judgement of one case after `fix` (every CA URL a server listens on answers 200
# with the exact content; every other URL exactly as before; rollback restores the files).
# Source after lib.sh; needs ORIGINS, E2E_DIR and the content in $E2E_DIR/content.

# corpus_matrix FILE: status and Location of every URL from outside (v4 and v6)
corpus_matrix() {
  local out=$1 o p fam
  : >"$out"
  for fam in 4 6; do for o in $ORIGINS; do
    for p in /.well-known/pki-validation/fileauth.txt / /index.html /some/app/path; do
      e2e_fetch "$o$p" "$fam"
      printf '%s v%s %s %s\n' "$o$p" "$fam" "$E2E_CODE" "$E2E_LOCATION" >>"$out"
    done
  done; done
}

corpus_files_sum() {
  (cd "$1" && find . -path ./logs -prune -o -path ./run -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}

# corpus_judge CASE RUN: after fix (and the URL matrices $CASE.before/.after), checks the CA
# URLs, the other URLs and rollback; sets CORPUS_OK=1 when all hold
corpus_judge() {
  local case=$1 run=$2 url fam code loc bcode
  CORPUS_OK=1
  while read -r url fam code loc; do
    read -r _ _ bcode _ < <(grep -F "$url v${fam#v} " "$E2E_DIR/$case.before")
    if [[ "$url" == *pki-validation* ]]; then
      [ "$bcode" = 000 ] && continue   # nothing listens there: the CA falls back (a finding, not a fix)
      e2e_fetch "$url" "${fam#v}"
      e2e_body_matches "$E2E_DIR/fetch.body" "$E2E_DIR/content" && [ "$E2E_CODE" = 200 ] ||
        { CORPUS_OK=0; e2e_fail "$case: $url $fam -> $E2E_CODE $E2E_LOCATION, not 200 + content"; }
    fi
  done <"$E2E_DIR/$case.after"
  if ! diff <(grep -v pki-validation "$E2E_DIR/$case.before") <(grep -v pki-validation "$E2E_DIR/$case.after") \
      >"$E2E_DIR/$case.diff"; then
    CORPUS_OK=0; e2e_fail "$case: other URLs changed: $(head -c 400 "$E2E_DIR/$case.diff")"
  fi
  e2e_agent "$case-rollback" rollback --last
  [ "$E2E_RC" = 0 ] || { CORPUS_OK=0; e2e_fail "$case: rollback exit $E2E_RC"; }
  corpus_files_sum "$run" >"$E2E_DIR/$case.files.rolled"
  cmp -s "$E2E_DIR/$case.files.start" "$E2E_DIR/$case.files.rolled" ||
    { CORPUS_OK=0; e2e_fail "$case: files differ after rollback"; }
}
