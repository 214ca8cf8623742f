#!/usr/bin/env bash
# lintian_test.sh - lintian reports no errors on the .deb. Warnings and the rest are
# printed (they are listed in the report of the change that last touched packaging/).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
pkg_require_tools lintian
deb=$(pkg_deb) || exit 1

out=$(lintian --no-cfg --display-level '>=pedantic' --display-info "$deb" 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  lintian| /' >&2
errors=$(grep -c '^E: ' <<<"$out")
warnings=$(grep -c '^W: ' <<<"$out")
pkg_log "lintian: $errors error(s), $warnings warning(s), exit $rc"
pkg_check "lintian reports no errors" test "$errors" = 0
pkg_check "lintian ran to the end (exit 0 without errors)" test "$rc" = 0
pkg_finish lintian_test
