#!/usr/bin/env bash
# build_deb_test.sh - builds the .deb with CPack from the install rules (the fixture of the
# other .deb tests) and checks that dpkg-deb reads it: name, version and architecture.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
pkg_require_tools cpack dpkg-deb dpkg-shlibdeps
pkg_require_agent

t0=$(date +%s%N)
deb=$(pkg_build DEB) || exit 1
pkg_log "built $deb in $(( ($(date +%s%N) - t0) / 1000000 )) ms ($(stat -c %s "$deb") bytes)"
pkg_check "dpkg-deb reads the package" dpkg-deb --info "$deb"
version=$("$DCV_AGENT" --version | awk '{print $2}')
pkg_check "package name is dcv-agent" test "$(dpkg-deb -f "$deb" Package)" = dcv-agent
pkg_check "package version $(dpkg-deb -f "$deb" Version) is the agent's $version plus a revision" \
  test "$(dpkg-deb -f "$deb" Version)" = "$version-1"
pkg_check "architecture is dpkg's ($(dpkg --print-architecture))" \
  test "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)"
pkg_finish build_deb_test
