# shellcheck shell=bash
# tests/packaging/checks.sh - what the packaging tests share: pass/fail counting, the
# verdict at the end, the binaries and output folders they are given by ctest
# (tests/packaging/CMakeLists.txt), and building a package with CPack.
#
# Source it from bash. Environment (set by ctest; defaults for running a script by hand):
#   DCV_SOURCE_DIR  the repository          DCV_BUILD_DIR  the build tree (default build/)
#   DCV_AGENT       the built agent         DCV_CATALOGUE  the built dcv-catalogue
#   DCV_PKG_OUT     where packages are built (default $DCV_BUILD_DIR/tests/packaging/out)
[ -n "${BASH_VERSION:-}" ] || { echo "checks.sh: needs bash" >&2; exit 1; }

DCV_SOURCE_DIR=${DCV_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
DCV_BUILD_DIR=${DCV_BUILD_DIR:-$DCV_SOURCE_DIR/build}
DCV_AGENT=${DCV_AGENT:-$DCV_BUILD_DIR/agent/dcv-agent}
DCV_CATALOGUE=${DCV_CATALOGUE:-$DCV_BUILD_DIR/packaging/dcv-catalogue}
DCV_PKG_OUT=${DCV_PKG_OUT:-$DCV_BUILD_DIR/tests/packaging/out}
PKG_FAILS=0 PKG_PASSES=0

pkg_log()  { printf '[package %s] %s\n' "$(date +%T)" "$*" >&2; }
pkg_die()  { pkg_log "FATAL: $*"; exit 1; }
pkg_pass() { PKG_PASSES=$((PKG_PASSES + 1)); pkg_log "PASS $*"; }
pkg_fail() { PKG_FAILS=$((PKG_FAILS + 1)); pkg_log "FAIL $*"; }
pkg_check() { # pkg_check DESC CMD... : pass if CMD succeeds
  local desc=$1; shift
  if "$@"; then pkg_pass "$desc"; else pkg_fail "$desc"; fi
}
pkg_finish() {
  if [ "$PKG_FAILS" = 0 ]; then pkg_log "$1: PASS ($PKG_PASSES checks)"; exit 0; fi
  pkg_log "$1: FAIL ($PKG_FAILS of $((PKG_PASSES + PKG_FAILS)) checks failed)"; exit 1
}
pkg_require_tools() {
  local t missing=()
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] || pkg_die "missing tools: ${missing[*]} (run scripts/install-deps)"
}
pkg_require_root() {
  [ "$(id -u)" = 0 ] || pkg_die "this test needs root ($1); it is not skipped. Run it as root."
}
pkg_require_agent() {
  [ -x "$DCV_AGENT" ] || pkg_die "dcv-agent not built at DCV_AGENT=$DCV_AGENT"
}

# pkg_build GENERATOR: build the package with CPack into $DCV_PKG_OUT/<generator>; prints its
# path. The build tree must be built (cpack runs the install rules, it does not compile).
pkg_build() {
  local gen=$1 dir=$DCV_PKG_OUT/$1 ext
  ext=$(tr '[:upper:]' '[:lower:]' <<<"$gen")
  [ -f "$DCV_BUILD_DIR/CPackConfig.cmake" ] || pkg_die "no CPackConfig.cmake in $DCV_BUILD_DIR"
  rm -rf "$dir"; mkdir -p "$dir"
  if ! cpack --config "$DCV_BUILD_DIR/CPackConfig.cmake" -G "$gen" -B "$dir" >"$dir/cpack.log" 2>&1; then
    sed 's/^/  cpack| /' "$dir/cpack.log" >&2; pkg_die "cpack -G $gen failed"
  fi
  local pkg; pkg=$(find "$dir" -maxdepth 1 -name "*.$ext" | head -1)
  [ -n "$pkg" ] || pkg_die "cpack -G $gen made no .$ext in $dir"
  echo "$pkg"
}
# pkg_deb: the .deb package.build_deb made (fails if that test did not run)
pkg_deb() {
  local deb; deb=$(find "$DCV_PKG_OUT/DEB" -maxdepth 1 -name '*.deb' 2>/dev/null | head -1)
  [ -n "$deb" ] || pkg_die "no .deb in $DCV_PKG_OUT/DEB: run package.build_deb first (ctest -R package)"
  echo "$deb"
}

# pkg_help_options ARGS...: every long and short option `dcv-agent ARGS --help` lists, one a line
pkg_help_options() {
  "$DCV_AGENT" "$@" --help | awk '/^ +-/ {print $1}' | tr ',' '\n' | sed 's/=.*//' | grep . | sort -u
}
# the subcommands, as `dcv-agent --help` lists them (probe has its own: serve)
pkg_subcommands() {
  "$DCV_AGENT" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}'
}
