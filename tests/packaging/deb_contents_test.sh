#!/usr/bin/env bash
# deb_contents_test.sh - what the .deb holds and says about itself, read with dpkg-deb:
# every file where Debian puts it, owners and modes (/var/lib/dcv-agent 0700), compressed
# docs, and the control fields (maintainer, section, computed Depends, description).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
pkg_require_tools dpkg-deb gzip
deb=$(pkg_deb) || exit 1
listing=$(dpkg-deb -c "$deb")

# entry PATH: "<mode> <owner>" of ./PATH in the listing
entry() { awk -v p=".$1" '$6 == p || $6 == p "/" {print $1, $2}' <<<"$listing"; }
expect_entry() { # PATH MODE
  local got; got=$(entry "$1")
  pkg_check "$1: $2 root/root (got '${got:-absent}')" test "$got" = "$2 root/root"
}
expect_entry /usr/bin/dcv-agent -rwxr-xr-x
expect_entry /usr/share/man/man1/dcv-agent.1.gz -rw-r--r--
expect_entry /usr/share/bash-completion/completions/dcv-agent -rw-r--r--
expect_entry /usr/share/zsh/vendor-completions/_dcv-agent -rw-r--r--
expect_entry /usr/share/doc/dcv-agent/README.md -rw-r--r--
expect_entry /usr/share/doc/dcv-agent/copyright -rw-r--r--
expect_entry /usr/share/doc/dcv-agent/changelog.Debian.gz -rw-r--r--
expect_entry /usr/share/doc/dcv-agent/report.schema.json -rw-r--r--
expect_entry /usr/share/doc/dcv-agent/examples/playbook.yml -rw-r--r--
expect_entry /usr/share/doc/dcv-agent/examples/user-data.yaml -rw-r--r--
expect_entry /usr/share/ansible/plugins/modules/dcv_agent.py -rw-r--r--
expect_entry /var/lib/dcv-agent drwx------
outside=$(awk '{print $6}' <<<"$listing" | grep -vE '^\./($|usr/|var/$|var/lib/$|var/lib/dcv-agent/$)' || true)
pkg_check "nothing outside /usr and /var/lib/dcv-agent (got: ${outside:-none})" test -z "$outside"

x=$(mktemp -d); trap 'rm -rf "$x"' EXIT
dpkg-deb -x "$deb" "$x"
pkg_check "the packaged README is the repository's" cmp -s "$x/usr/share/doc/dcv-agent/README.md" "$DCV_SOURCE_DIR/README.md"
pkg_check "the packaged schema is agent/report_schema.json" \
  cmp -s "$x/usr/share/doc/dcv-agent/report.schema.json" "$DCV_SOURCE_DIR/agent/report_schema.json"
pkg_check "the packaged man page is packaging/dcv-agent.1" \
  cmp -s <(gzip -dc "$x/usr/share/man/man1/dcv-agent.1.gz") "$DCV_SOURCE_DIR/packaging/dcv-agent.1"
pkg_check "the man page is gzip -9 without name or time stamp (reproducible)" \
  bash -c 'gzip -lv "$1" | grep -q "defla" && [ "$(od -An -tx1 -j4 -N4 "$1" | tr -d " ")" = 00000000 ]' _ \
  "$x/usr/share/man/man1/dcv-agent.1.gz"
version=$("$DCV_AGENT" --version | awk '{print $2}')
pkg_check "changelog.Debian names version $version-1" \
  bash -c 'gzip -dc "$1" | head -1 | grep -qF "dcv-agent ($2-1)"' _ "$x/usr/share/doc/dcv-agent/changelog.Debian.gz" "$version"
pkg_check "the packaged binary is stripped" bash -c '! file "$1" | grep -q "not stripped"' _ "$x/usr/bin/dcv-agent"

field() { dpkg-deb -f "$deb" "$1"; }
pkg_check "Maintainer: $(field Maintainer)" bash -c '[[ "$1" =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]]' _ "$(field Maintainer)"
pkg_check "Section: admin" test "$(field Section)" = admin
pkg_check "Priority: optional" test "$(field Priority)" = optional
depends=$(field Depends)
pkg_log "Depends: $depends"
depnames=$(tr ',|' '\n\n' <<<"$depends" | awk 'NF {print $1}' | sort -u)
# computed by dpkg-shlibdeps: one entry per library the binary links, with versions
for lib in libc6 libstdc++6 libcurl4 libboost-filesystem1.81.0; do
  pkg_check "Depends lists $lib with a minimum version (computed from the binary)" \
    grep -qF ", $lib (>= " <<<", $depends"
done
# every library the binary needs comes from a package in Depends (directly or by Provides)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
needed=$(objdump -p "$x/usr/bin/dcv-agent" | awk '$1 == "NEEDED" {print $2}')
for so in $needed; do
  # dpkg records a library under /lib or /usr/lib (merged /usr): ask for both
  owner=$(dpkg-query -S "/usr/lib/$multiarch/$so" "/lib/$multiarch/$so" 2>/dev/null | head -1 | cut -d: -f1)
  [ -n "$owner" ] || { pkg_fail "no package owns $so"; continue; }
  provides=$(dpkg-query -W -f='${Provides}' "$owner" | tr ',' '\n' | awk 'NF {print $1}')
  pkg_check "NEEDED $so -> package $owner (provides: $(echo $provides)) is in Depends" \
    bash -c 'for n in $2; do grep -qxF "$n" <<<"$1" && exit 0; done; exit 1' _ "$depnames" "$owner $provides"
done
summary=$(field Description | head -1)
pkg_check "Description synopsis: '$summary'" bash -c '[ -n "$1" ] && [ ${#1} -le 80 ]' _ "$summary"
pkg_check "Description has an extended part" test "$(field Description | wc -l)" -ge 3
pkg_finish deb_contents_test
