#!/usr/bin/env bash
# cloud_init_test.sh - the cloud-init example (packaging/cloud-init/user-data.yaml) is valid
# for Debian's cloud-init (`cloud-init schema --config-file`), installs the dcv-agent package
# and runs `dcv-agent fix` as an argv list whose options all exist in `fix --help`. A copy
# with a schema error must be rejected, so the validator is known to be doing its job.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
pkg_require_tools cloud-init python3
pkg_require_agent
ud=$DCV_SOURCE_DIR/packaging/cloud-init/user-data.yaml
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

out=$(cloud-init schema --config-file "$ud" 2>&1); rc=$?
pkg_check "cloud-init schema accepts $(basename "$ud") (exit $rc: $out)" test "$rc" = 0
pkg_check "first line is #cloud-config" test "$(head -1 "$ud")" = "#cloud-config"
# the same file with a wrong type for runcmd must fail validation
sed 's/^runcmd:$/runcmd: 42\nruncmd_was:/' "$ud" >"$tmp/bad.yaml"
out=$(cloud-init schema --config-file "$tmp/bad.yaml" 2>&1); rc=$?
pkg_check "cloud-init schema rejects a broken copy (exit $rc)" test "$rc" != 0

python3 - "$ud" >"$tmp/argv" <<'PY' || pkg_fail "user-data does not parse as YAML with the expected keys"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert 'dcv-agent' in doc['packages'], 'packages lacks dcv-agent'
runs = [c for c in doc['runcmd'] if isinstance(c, list) and c[0] == 'dcv-agent']
assert len(runs) == 1, 'one runcmd argv list running dcv-agent'
print('\n'.join(runs[0][1:]))
PY
pkg_check "runcmd runs 'dcv-agent fix'" test "$(head -1 "$tmp/argv")" = fix
fix_options=$(pkg_help_options fix)
for opt in $(grep -E '^--' "$tmp/argv"); do
  pkg_check "runcmd option $opt exists in 'dcv-agent fix --help'" grep -qxF -- "$opt" <<<"$fix_options"
done
pkg_finish cloud_init_test
