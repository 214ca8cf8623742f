#!/usr/bin/env bash
# deb_install_test.sh - the .deb installs into a clean root and runs there.
#
# The clean root holds only what the package declares it needs: the packages of its
# computed Depends and their dependency closure, copied file by file (dpkg-query -L) from
# this Debian 12 machine, with a dpkg database listing exactly those packages. So
#   - `dpkg --root ROOT -i` proves the Depends line is satisfiable by that closure, and
#   - `chroot ROOT dcv-agent --version` / `check --help` prove that the closure is enough to
#     run the binary (a library missing from Depends makes the loader fail here).
# Then it checks the installed layout (/var/lib/dcv-agent 0700, man page, completions) and
# that `dpkg --purge` removes every file. Cheaper than debootstrap (no network), same proof.
# Needs root (chroot, root-owned files); fails without it. Nothing outside ROOT is written.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
pkg_require_root "chroot into the clean root"
pkg_require_tools dpkg dpkg-query dpkg-deb chroot ldconfig
deb=$(pkg_deb) || exit 1
t0=$(date +%s%N)
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/dcv-pkg-root.XXXXXX") || pkg_die mktemp
trap 'rm -rf --one-file-system "$ROOT"' EXIT

# installed package satisfying one dependency (first alternative that is installed, or a
# real package that Provides it)
resolve() {
  local alt name
  IFS='|' read -ra alts <<<"$1"
  for alt in "${alts[@]}"; do
    name=$(awk '{print $1}' <<<"$alt"); name=${name%%:*}
    if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed'; then echo "$name"; return; fi
  done
  for alt in "${alts[@]}"; do
    name=$(awk '{print $1}' <<<"$alt"); name=${name%%:*}
    dpkg-query -W -f='${Package} ${Provides}\n' 2>/dev/null | awk -v n="$name" '
      {for (i = 2; i <= NF; i++) { p = $i; sub(/,$/, "", p); if (p == n) {print $1; exit} }}' | head -1
  done | head -1
}
# dependency closure of the package's Depends/Pre-Depends, over the installed packages
closure() {
  local -A seen=() ; local queue=() pkg dep
  IFS=',' read -ra queue <<<"$(dpkg-deb -f "$deb" Depends),$(dpkg-deb -f "$deb" Pre-Depends)"
  local todo=()
  for dep in "${queue[@]}"; do [ -n "${dep// }" ] && todo+=("$dep"); done
  while [ ${#todo[@]} -gt 0 ]; do
    dep=${todo[0]}; todo=("${todo[@]:1}")
    pkg=$(resolve "$dep")
    [ -n "$pkg" ] || { pkg_log "unresolvable dependency: $dep"; echo "!$dep"; continue; }
    [ -z "${seen[$pkg]:-}" ] || continue
    seen[$pkg]=1; echo "$pkg"
    IFS=',' read -ra queue <<<"$(dpkg-query -W -f='${Depends},${Pre-Depends}' "$pkg")"
    for dep in "${queue[@]}"; do [ -n "${dep// }" ] && todo+=("$dep"); done
  done
}

mapfile -t pkgs < <(closure)
pkg_check "every dependency resolves to an installed package" bash -c '! printf "%s\n" "$@" | grep -q "^!"' _ "${pkgs[@]}"
pkg_log "clean root: ${#pkgs[@]} packages: ${pkgs[*]}"
# the merged-/usr layout of Debian 12
for l in bin sbin lib lib64; do [ -L "/$l" ] && ln -s "$(readlink "/$l")" "$ROOT/$l"; done
mkdir -p "$ROOT"/usr/{bin,sbin,lib,lib64} "$ROOT"/var/lib/dpkg/{info,updates,triggers} "$ROOT"/{etc,tmp}
: >"$ROOT/var/lib/dpkg/available"
for p in "${pkgs[@]}"; do
  [[ "$p" == !* ]] && continue
  # documentation and translations are not needed to run anything: skipped (speed)
  dpkg-query -L "$p" | grep -vE '^/usr/share/(doc|man|locale|info|lintian)/' >>"$ROOT/tmp/files"
  for l in "/var/lib/dpkg/info/$p.list" "/var/lib/dpkg/info/$p:$(dpkg --print-architecture).list"; do
    [ -f "$l" ] && cp "$l" "$ROOT/var/lib/dpkg/info/"
  done
  dpkg-query -s "$p" | grep -v '^Conffiles:' | sed '/^ \//d'; echo
done >"$ROOT/var/lib/dpkg/status"
while IFS= read -r f; do
  if [ -d "$f" ] && [ ! -L "$f" ]; then printf '%s\n' "$ROOT$f" >>"$ROOT/tmp/dirs"
  elif [ -L "$ROOT$f" ]; then :   # /bin, /lib, ...: the merged-/usr links made above
  elif [ -e "$f" ] || [ -L "$f" ]; then printf '%s\n' "$f" >>"$ROOT/tmp/copy"; fi
done <"$ROOT/tmp/files"
xargs -r -d '\n' mkdir -p <"$ROOT/tmp/dirs"
xargs -r -d '\n' cp -a --parents -t "$ROOT/" <"$ROOT/tmp/copy" || pkg_die "copying the closure's files failed"
rm -f "$ROOT"/tmp/{files,dirs,copy}
ldconfig -r "$ROOT"   # what libc-bin's trigger does on a real system
pkg_log "clean root ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms: $(du -sh "$ROOT" | cut -f1)"
pkg_check "no dcv-agent in the clean root before the install" test ! -e "$ROOT/usr/bin/dcv-agent"

if dpkg --root="$ROOT" --log=/dev/null -i "$deb" >"$ROOT/tmp/dpkg.out" 2>&1; then
  pkg_pass "dpkg --root -i $(basename "$deb") (dependencies satisfied by the closure)"
else
  pkg_fail "dpkg --root -i failed:"; sed 's/^/  dpkg| /' "$ROOT/tmp/dpkg.out" >&2
fi
version=$(chroot "$ROOT" /usr/bin/dcv-agent --version 2>&1); rc=$?
pkg_check "chroot: dcv-agent --version -> '$version' (exit $rc)" \
  bash -c '[ "$1" = 0 ] && [[ "$2" =~ ^dcv-agent\ [0-9]+\.[0-9]+\.[0-9]+$ ]]' _ "$rc" "$version"
help=$(chroot "$ROOT" /usr/bin/dcv-agent check --help 2>&1); rc=$?
pkg_check "chroot: dcv-agent check --help (exit $rc) lists --domain and --method" \
  bash -c '[ "$1" = 0 ] && grep -q -- "--domain" <<<"$2" && grep -q -- "--method" <<<"$2"' _ "$rc" "$help"
chroot "$ROOT" /usr/bin/dcv-agent check --domain 'bad domain!' --token t --content c >/dev/null 2>"$ROOT/tmp/bad.err"
rc=$?
pkg_check "chroot: bad input exits 2 naming the input ($(head -c 100 "$ROOT/tmp/bad.err"))" \
  bash -c '[ "$1" = 2 ] && grep -q -- "--domain" "$2"' _ "$rc" "$ROOT/tmp/bad.err"
pkg_check "/var/lib/dcv-agent is a root-owned directory, mode 700" \
  test "$(stat -c '%F %a %U' "$ROOT/var/lib/dcv-agent")" = "directory 700 root"
for f in /usr/share/man/man1/dcv-agent.1.gz /usr/share/bash-completion/completions/dcv-agent \
         /usr/share/zsh/vendor-completions/_dcv-agent /usr/share/doc/dcv-agent/copyright \
         /usr/share/doc/dcv-agent/report.schema.json; do
  pkg_check "installed $f" test -s "$ROOT$f"
done
pkg_check "dpkg --root -P dcv-agent" dpkg --root="$ROOT" --log=/dev/null -P dcv-agent
left=$(find "$ROOT" -name '*dcv-agent*' -not -path "$ROOT/tmp/*" -not -path "$ROOT/var/lib/dpkg/*")
pkg_check "purge removed every file of the package (left: ${left:-none})" test -z "$left"
pkg_log "deb_install_test took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
pkg_finish deb_install_test
